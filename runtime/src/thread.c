/* Threads in the root task's own CSpace and VSpace (see rt/thread.h). */
#include <stdlib.h>
#include <string.h>
#include <rt/cspace.h>
#include <rt/thread.h>
#include <rt/vspace.h>

void _init_tls(void *tls);

/* TLS layout (AArch64 variant 1, as picolibc has it): TPIDR_EL0 points
 * __arm64_tls_tcb_offset bytes below the block, which holds a copy of the .tdata template
 * followed by zeroed .tbss. These are absolute symbols of runtime/user.ld. */
extern char __tls_size[], __tls_align[], __arm64_tls_tcb_offset[];

static __thread struct rt_thread *current;

/* A linker symbol's value, laundered so the compiler cannot treat it as an object's
 * (never-null) address. */
static seL4_Word symbol_value(const void *sym)
{
    seL4_Word v;
    __asm__("" : "=r"(v) : "0"(sym));
    return v;
}

/* Places a TLS block just below `top`, fills it from the template, and returns the thread
 * pointer for it (the 16 bytes below the block are its thread control block: a stack must
 * start below the thread pointer). */
static seL4_Word tls_init_below(seL4_Word top)
{
    seL4_Word align = symbol_value(__tls_align) < 16 ? 16 : symbol_value(__tls_align);
    seL4_Word block = (top - symbol_value(__tls_size)) & ~(align - 1);
    _init_tls((void *)block);
    return block - symbol_value(__arm64_tls_tcb_offset);
}

struct rt_thread *rt_thread_self(void)
{
    return current;
}

void rt_thread_exit(void *result)
{
    struct rt_thread *t = current;
    if (!t) {
        /* The initial thread has no record: end the program (or process) instead. */
        exit(0);
    }
    t->result = result;
    __atomic_store_n(&t->finished, 1, __ATOMIC_RELEASE);
    seL4_Signal(t->exit_ntfn.cap);
    seL4_TCB_Suspend(t->tcb.cap);
    for (;;)
        seL4_Yield(); /* not reached: the suspend takes effect at once */
}

/* First code of every new thread: x0 = arg, x1 = fn, x2 = its record (see
 * rt_thread_create). Its TLS is already set up, so `current` can be written. */
static __attribute__((noreturn, used)) void thread_entry(void *arg, rt_thread_fn fn,
                                                         struct rt_thread *self)
{
    current = self;
    rt_thread_exit(fn(arg));
}

void *rt_thread_join(struct rt_thread *t)
{
    while (!rt_thread_finished(t))
        seL4_Wait(t->exit_ntfn.cap, NULL);
    return t->result;
}

/* Region layout (see rt/thread.h): the IPC buffer is the page above the stack, the TLS
 * block sits at the top of the stack, and the stack pointer starts below its TCB area. */
seL4_Error rt_thread_create(struct rt_thread *t, rt_thread_fn fn, void *arg,
                            const struct rt_thread_config *cfg)
{
    struct rt_thread_config defaults = {.priority = seL4_MaxPrio};
    struct rt_vspace *vs = rt_vspace_self();
    seL4_CPtr ipc_frame;
    seL4_Word stack_size;

    if (!cfg)
        cfg = &defaults;
    stack_size = cfg->stack_size ? cfg->stack_size : RT_THREAD_STACK_SIZE;
    stack_size = (stack_size + (1u << seL4_PageBits) - 1) & ~(seL4_Word)((1u << seL4_PageBits) - 1);
    if (!fn || stack_size < symbol_value(__tls_size) + 1024)
        return seL4_InvalidArgument;
    memset(t, 0, sizeof(*t));
    t->fn = fn;
    t->arg = arg;

    seL4_Error err = rt_object_alloc(seL4_NotificationObject, 0, &t->exit_ntfn);
    if (err != seL4_NoError)
        return err;
    err = rt_object_alloc(seL4_TCBObject, 0, &t->tcb);
    if (err != seL4_NoError)
        goto fail_ntfn;
    struct rt_map_request req = {
        .size = stack_size + (1u << seL4_PageBits),
        .guard = 1u << seL4_PageBits,
        .page_bits = seL4_PageBits,
        .rights = seL4_ReadWrite,
        .attr = seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever,
    };
    err = rt_vspace_map_new(vs, &req, &t->stack_base);
    if (err != seL4_NoError)
        goto fail_tcb;
    t->ipc_buffer = t->stack_base + stack_size;
    err = rt_vspace_frame_cap(vs, t->ipc_buffer, &ipc_frame);
    if (err != seL4_NoError)
        goto fail_stack;

    t->tls_base = tls_init_below(t->ipc_buffer);
    err = seL4_TCB_Configure(t->tcb.cap, cfg->fault_ep, rt_cspace_root(), rt_cspace_root_data(),
                             vs->root, 0, t->ipc_buffer, ipc_frame);
    if (err == seL4_NoError)
        err = seL4_TCB_SetPriority(t->tcb.cap, seL4_CapInitThreadTCB, cfg->priority);
    if (err == seL4_NoError)
        err = seL4_TCB_SetTLSBase(t->tcb.cap, t->tls_base);
    if (err != seL4_NoError)
        goto fail_stack;
    if (cfg->name)
        seL4_DebugNameThread(t->tcb.cap, cfg->name);

    seL4_UserContext regs = {
        .pc = (seL4_Word)thread_entry,
        .sp = t->tls_base & ~(seL4_Word)15,
        .x0 = (seL4_Word)arg,
        .x1 = (seL4_Word)fn,
        .x2 = (seL4_Word)t,
    };
    /* pc, sp, spsr, x0, x1, x2: the first six words of seL4_UserContext. */
    err = seL4_TCB_WriteRegisters(t->tcb.cap, 1, 0, 6, &regs);
    if (err != seL4_NoError)
        goto fail_stack;
    return seL4_NoError;

fail_stack:
    rt_vspace_unmap(vs, t->stack_base);
fail_tcb:
    rt_object_free(&t->tcb);
fail_ntfn:
    rt_object_free(&t->exit_ntfn);
    return err;
}

/* Deleting the TCB (through its block's revoke) takes it off every queue first, so the
 * stack and IPC buffer are unused by the time they are freed. */
seL4_Error rt_thread_destroy(struct rt_thread *t)
{
    if (t->tcb.cap == seL4_CapNull)
        return seL4_InvalidArgument;
    seL4_TCB_Suspend(t->tcb.cap);
    seL4_Error err = rt_object_free(&t->tcb);
    if (err == seL4_NoError)
        err = rt_object_free(&t->exit_ntfn);
    if (err == seL4_NoError)
        err = rt_vspace_unmap(rt_vspace_self(), t->stack_base);
    return err;
}
