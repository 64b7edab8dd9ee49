/*
 * Per-core kernel state and the scheduler (seL4's non-MCS policy: 256 fixed priorities,
 * round-robin time slices within a priority, the running thread is not in a ready queue).
 *
 * Everything in struct core is changed only by the kernel on that core with interrupts
 * masked; one core exists today, but nothing here assumes it.
 */
#ifndef KERNEL_CORE_H
#define KERNEL_CORE_H

#include <types.h>
#include <config.h>
#include <object/tcb.h>

struct ready_queue {
    struct tcb *head;
    struct tcb *tail;
};

/* Scheduler actions besides "switch to this thread". */
#define SCHED_RESUME_CURRENT ((struct tcb *)0)
#define SCHED_CHOOSE_NEW     ((struct tcb *)1)

struct core {
    word_t kstack_top; /* first: exception entry loads it (CORE_KSTACK_TOP) */
    struct tcb *cur;
    struct tcb *action;
    struct tcb idle;       /* stands for "no thread runs"; never enters EL0 */
    unsigned live_threads; /* threads not Inactive */
    uint64_t ticks;
    /* Machine state owned by threads: the loaded address space (architecture encoding),
     * the thread whose registers the FPU holds, and the FPU trap setting in force. */
    word_t vm_root;
    struct tcb *fpu_owner;
    word_t fpu_trap_setting;
    uint64_t ready_bitmap[CONFIG_NUM_PRIORITIES / 64];
    struct ready_queue ready[CONFIG_NUM_PRIORITIES];
};

extern struct core core0;

static inline struct core *this_core(void)
{
    return &core0;
}

static inline struct tcb *cur_thread(void)
{
    return core0.cur;
}

void core_init(word_t kstack_top);

/* Ready queues: enqueue puts a thread at the head of its priority, append at the tail.
 * Both do nothing if the thread is already queued. */
void sched_enqueue(struct tcb *t);
void sched_append(struct tcb *t);
void sched_dequeue(struct tcb *t);

/* Sets a thread's state, keeping the live-thread count and asking for a new choice if the
 * current thread stops being runnable. */
void thread_set_state(struct tcb *t, enum thread_state state);
/* Makes a newly runnable thread run now if its priority allows, else queues it. */
void sched_possible_switch_to(struct tcb *t);
/* Forces the next schedule() to choose from the ready queues. */
void sched_reschedule_required(void);
/* seL4_Yield: the current thread goes to the back of its priority's queue. */
void sched_yield(void);
/* Kernel tick: charges the current thread's time slice. */
void sched_tick(void);
/* Is prio at least the highest priority of any ready thread? */
bool sched_is_highest_prio(unsigned prio);
/* Carries out the pending scheduler action; afterwards core->cur is the thread to run
 * (core->idle if none). */
void schedule(void);

/* Leaves the kernel: schedules, idles until some thread can run, and returns to EL0.
 * Implemented by the architecture. */
noreturn void kernel_exit(void);
/* Switches address space and thread-local registers from prev to next (architecture). */
void arch_switch_thread(struct tcb *prev, struct tcb *next);

#endif
