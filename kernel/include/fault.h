/* Thread faults: what went wrong, and delivering it. */
#ifndef KERNEL_FAULT_H
#define KERNEL_FAULT_H

#include <types.h>
#include <object/tcb.h>

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
    word_t addr;      /* VM fault: faulting address */
    word_t esr;       /* exception syndrome */
    bool instruction; /* VM fault on instruction fetch */
};

/* Delivers a fault raised by thread t. With no fault handler (the only case so far) the
 * fault is reported on the console and the thread becomes Inactive, as in seL4. */
void fault_raise(struct tcb *t, const struct fault *f);

#endif
