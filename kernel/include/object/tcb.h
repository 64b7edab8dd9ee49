/*
 * Thread control blocks.
 *
 * Thread states (seL4's non-MCS set):
 *
 *     Inactive --resume--> Restart --runs--> Running --Send/Call--> BlockedOnSend
 *        ^                                     |  |  --Recv-------> BlockedOnRecv
 *        |                                     |  |  --Wait-------> BlockedOnNotification
 *        +------ suspend / fault (no handler) -+  +--Call/fault---> BlockedOnReply
 *
 * Running and Restart are runnable; a runnable thread other than the current one sits in
 * its priority's ready queue. Restart means "continue at fault_ip" (re-execute a syscall
 * or a faulting instruction, or start where WriteRegisters put the pc). A blocked thread
 * sits in the queue of the object it is blocked on; cancelling its IPC takes it out.
 *
 * Like seL4, a TCB holds capability slots of its own: its CSpace root, its VSpace root and
 * its IPC buffer frame. They take part in derivation like any slot, so deleting the last
 * cap to a CNode that a thread uses as its CSpace is impossible while the thread exists.
 */
#ifndef OBJECT_TCB_H
#define OBJECT_TCB_H

#include <types.h>
#include <fault.h>
#include <object/cap.h>
#include <arch/frame.h>
#include <sel4/bootinfo.h>
#include <sel4/objecttype.h>

enum thread_state {
    THREAD_INACTIVE = 0,
    THREAD_RUNNING,
    THREAD_RESTART,
    THREAD_BLOCKED_ON_SEND,
    THREAD_BLOCKED_ON_RECV,
    THREAD_BLOCKED_ON_REPLY,
    THREAD_BLOCKED_ON_NOTIFICATION,
    THREAD_BLOCKED_ON_NSET, /* Wait on a notification set (kernel-patch/) */
};

enum tcb_slot {
    TCB_CSPACE = 0,
    TCB_VSPACE,
    TCB_IPCBUF,
    TCB_NUM_SLOTS,
};

#define TCB_NAME_LEN      16
#define TCB_MSG_REGISTERS 4 /* message registers passed in x2..x5 */

/* FP/SIMD registers, saved lazily (only when another thread wants the FPU). */
struct fpu_state {
    uint64_t q[64]; /* q0..q31, two words each */
    uint32_t fpsr;
    uint32_t fpcr;
} __attribute__((aligned(16)));

struct tcb {
    /* Saved user registers: written by exception entry while the thread runs. */
    struct user_frame frame;
    struct fpu_state fpu;

    /* Capability slots of the thread (see above). */
    struct cte slots[TCB_NUM_SLOTS];

    /* Scheduling state: changed only inside the kernel (one core, interrupts masked). */
    uint8_t state;
    uint8_t priority;
    uint8_t mcp; /* maximum controlled priority */
    bool in_ready_queue;
    unsigned timeslice;
    struct tcb *sched_next;
    struct tcb *sched_prev;

    word_t ipc_buffer_va; /* the IPC buffer's user address (in the frame in TCB_IPCBUF) */
    word_t fault_ep;      /* cptr of the fault endpoint, looked up when a fault happens */

    /* IPC: what the thread is blocked on (valid in the Blocked* states) and its place in
     * that object's queue. */
    void *blocked_on;
    word_t ipc_badge; /* BlockedOnSend: the badge of the cap sent through */
    bool ipc_can_grant;
    bool ipc_can_grant_reply;
    bool ipc_is_call;
    struct tcb *queue_next;
    struct tcb *queue_prev;

    /* Calls: the thread this one owes a reply to (seL4's caller slot), and, while
     * BlockedOnReply, the thread that holds the reply to it. */
    struct tcb *caller;
    struct tcb *replier;

    struct notification *bound_ntfn;
    struct fault fault; /* the fault being handled (type FAULT_NULL otherwise) */

    char name[TCB_NAME_LEN];
};

_Static_assert(sizeof(struct tcb) <= (1u << seL4_TCBBits), "TCB fits its object size");

static inline bool thread_is_runnable(const struct tcb *t)
{
    return t->state == THREAD_RUNNING || t->state == THREAD_RESTART;
}

/* Sets up a freshly zeroed TCB object: inactive, priority 0, MCP 0. */
void tcb_init(struct tcb *t);
/* Called when the last cap to t goes: t stops (leaves every queue, loses the FPU). Its
 * slots are emptied afterwards by the caller (zombie processing). */
void tcb_finalise(struct tcb *t);
/* The kernel's view of t's IPC buffer, or NULL if it has none. */
seL4_IPCBuffer *tcb_ipc_buffer(struct tcb *t);
/* Starts an inactive thread (seL4's restart): it continues at fault_ip. */
void tcb_restart(struct tcb *t);
/* Stops a thread (seL4's suspend): a running thread will continue after its current
 * instruction when restarted; a blocked one leaves its queue and will redo its call. */
void tcb_suspend(struct tcb *t);

#endif
