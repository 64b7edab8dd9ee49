/* Thread faults: what went wrong, delivering it to a handler, and the handler's reply. */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <types.h>

struct tcb;

/* Fault types with seL4's names (seL4_Fault_*). */
enum fault_type {
    FAULT_NULL = 0,
    FAULT_CAP = 1,
    FAULT_UNKNOWN_SYSCALL = 2,
    FAULT_USER_EXCEPTION = 3,
    FAULT_VM = 5,
};

struct fault {
    enum fault_type type;
    word_t pc;
    word_t addr;      /* VM fault: faulting address; cap fault: the cptr */
    word_t esr;       /* exception syndrome */
    bool instruction; /* VM fault on instruction fetch */
    bool in_receive;  /* cap fault in the receive phase of a syscall */
};

/* Delivers a fault raised by thread t: a Call of the fault message to t's fault handler,
 * t waiting for the reply. With no usable handler the fault is reported and t becomes
 * Inactive, as in seL4. */
void fault_raise(struct tcb *t, const struct fault *f);
/* Sends the fault to t's handler if it has a usable one; false (nothing done) if not. */
bool fault_send_to_handler(struct tcb *t, const struct fault *f);
/* Writes t's pending fault as a message into receiver's registers and IPC buffer;
 * returns the message length. */
unsigned fault_message(struct tcb *t, struct tcb *receiver);
/* Handles the handler's reply (from replier) to faulted thread t: restarts t if the reply
 * says so, otherwise leaves it inactive. */
void fault_reply(struct tcb *t, struct tcb *replier);

#endif
