/*
 * Thread control blocks.
 *
 * Thread states (seL4's, the subset that exists so far):
 *
 *     Inactive --resume--> Running <--> Restart
 *        ^                    |
 *        +-- suspend/fault ---+
 *
 * Running and Restart are runnable; a runnable thread other than the current one sits in
 * its priority's ready queue. Restart means "re-execute the syscall at fault_ip".
 */
#ifndef OBJECT_TCB_H
#define OBJECT_TCB_H

#include <types.h>
#include <arch/frame.h>
#include <sel4/bootinfo.h>

enum thread_state {
    THREAD_INACTIVE = 0,
    THREAD_RUNNING,
    THREAD_RESTART,
};

#define TCB_NAME_LEN 16

struct tcb {
    /* Saved user registers: written by exception entry while the thread runs. */
    struct user_frame frame;

    /* Scheduling state: changed only inside the kernel (one core, interrupts masked). */
    uint8_t state;
    uint8_t priority;
    uint8_t mcp; /* maximum controlled priority */
    bool in_ready_queue;
    unsigned timeslice;
    struct tcb *sched_next;
    struct tcb *sched_prev;

    /* Address space: physical address of the VSpace root table and its ASID. */
    paddr_t vspace_root;
    uint16_t asid;

    /* IPC buffer: user address and the kernel's view of the same memory. */
    vaddr_t ipc_buffer_va;
    seL4_IPCBuffer *ipc_buffer;

    char name[TCB_NAME_LEN];
};

static inline bool thread_is_runnable(const struct tcb *t)
{
    return t->state == THREAD_RUNNING || t->state == THREAD_RESTART;
}

#endif
