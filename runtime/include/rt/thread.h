/*
 * Threads in the root task's own CSpace and VSpace.
 *
 * rt_thread_create makes a TCB, a stack with an unmapped guard page below it, an IPC
 * buffer page and a TLS block (at the top of the stack, initialised from the program's
 * .tdata template, so __thread variables and errno are per thread), configures the TCB in
 * the caller's CSpace and VSpace, sets its priority, and starts it at fn(arg).
 *
 * Stack region, low to high:  [guard page][stack ... TLS block][IPC buffer page]
 *
 * When fn returns (or the thread calls rt_thread_exit) the result is stored in the
 * struct rt_thread, the thread marks itself finished, signals its exit notification and
 * SUSPENDS ITSELF with seL4_TCB_Suspend on its own TCB; its resources stay until
 * rt_thread_destroy. rt_thread_join blocks on that notification.
 *
 * picolibc's malloc is serialised by the runtime's libc lock (a spin lock that yields while
 * it waits), so threads may call malloc and printf; threads that contend for it must share
 * a priority (seL4_Yield only lets equal priorities run).
 *
 * Root task only.
 */
#ifndef RT_THREAD_H
#define RT_THREAD_H

#include <stdbool.h>
#include <sel4/sel4.h>
#include <rt/object.h>

#define RT_THREAD_STACK_SIZE 0x10000 /* default: 64 KiB */

typedef void *(*rt_thread_fn)(void *arg);

struct rt_thread_config {
    seL4_Word priority;   /* 0 .. the caller's MCP */
    seL4_Word stack_size; /* bytes, rounded up to pages; 0: RT_THREAD_STACK_SIZE */
    seL4_CPtr fault_ep;   /* fault endpoint (cptr in the caller's CSpace), or 0 */
    const char *name;     /* for kernel messages, or NULL */
};

struct rt_thread {
    struct rt_object tcb;
    struct rt_object exit_ntfn; /* signalled by the thread as it finishes */
    seL4_Word stack_base;       /* lowest mapped stack address (the guard page is below) */
    seL4_Word ipc_buffer;       /* the IPC buffer page, right above the stack */
    seL4_Word tls_base;         /* the value of TPIDR_EL0 */
    rt_thread_fn fn;
    void *arg;
    void *result;          /* fn's return value, once finished */
    volatile int finished; /* set by the thread itself, just before it suspends */
};

/* Creates and starts a thread running fn(arg) with cfg (NULL: the caller's priority
 * 255 and defaults). Returns seL4_NotEnoughMemory when memory, slots or address space run
 * out, or a failed invocation's error; on error nothing is left allocated. */
seL4_Error rt_thread_create(struct rt_thread *t, rt_thread_fn fn, void *arg,
                            const struct rt_thread_config *cfg);
/* Ends the calling thread (made by rt_thread_create) with `result`: marks it finished,
 * signals its exit notification and suspends it. In the initial thread it is exit(0).
 * Never returns. */
__attribute__((noreturn)) void rt_thread_exit(void *result);
/* The calling thread's record, or NULL in the initial thread. */
struct rt_thread *rt_thread_self(void);

static inline bool rt_thread_finished(const struct rt_thread *t)
{
    return __atomic_load_n(&t->finished, __ATOMIC_ACQUIRE) != 0;
}

/* Blocks until t has finished (on its exit notification); returns its result. */
void *rt_thread_join(struct rt_thread *t);
/* Stops t if it still runs, deletes its TCB and frees its stack, IPC buffer and TLS. */
seL4_Error rt_thread_destroy(struct rt_thread *t);

#endif
