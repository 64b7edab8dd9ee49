/* Threads: the TCB object and its invocations (seL4 reference manual, section 6). */
#include <object/tcb.h>
#include <object/cnode.h>
#include <object/endpoint.h>
#include <object/notification.h>
#include <api/invocation.h>
#include <arch/objects.h>
#include <core.h>
#include <sel4/invocation.h>

void tcb_init(struct tcb *t)
{
    t->state = THREAD_INACTIVE;
    t->timeslice = CONFIG_TIME_SLICE_TICKS;
    t->frame.spsr = SPSR_EL0T;
}

void tcb_restart(struct tcb *t)
{
    /* seL4's isStopped: inactive, or waiting for a reply that may never come. */
    if (t->state != THREAD_INACTIVE && t->state != THREAD_BLOCKED_ON_REPLY)
        return;
    ipc_cancel(t);
    thread_set_state(t, THREAD_RESTART);
    sched_possible_switch_to(t);
}

void tcb_suspend(struct tcb *t)
{
    if (t->state == THREAD_RUNNING)
        t->frame.fault_ip = t->frame.pc;
    ipc_cancel(t);
    thread_set_state(t, THREAD_INACTIVE);
}

void tcb_finalise(struct tcb *t)
{
    tcb_suspend(t);
    ntfn_unbind(t);
    if (t->caller) {
        t->caller->replier = NULL;
        t->caller = NULL;
    }
    fpu_release(t);
}

seL4_IPCBuffer *tcb_ipc_buffer(struct tcb *t)
{
    struct cap c = t->slots[TCB_IPCBUF].cap;
    if (c.type != CAP_FRAME)
        return NULL;
    return (seL4_IPCBuffer *)((uintptr_t)cap_ptr(c) + (t->ipc_buffer_va & MASK(c.size_bits)));
}

/* Register numbering of seL4_UserContext (AArch64): frame index or a special. */
enum { REG_PC = 100, REG_SP, REG_SPSR, REG_TPIDR, REG_TPIDRRO };
static const uint8_t user_context_regs[] = {
    REG_PC, REG_SP, REG_SPSR, 0,  1,  2,  3,  4,  5,  6,  7,         8,
    16,     17,     18,       29, 30, 9,  10, 11, 12, 13, 14,        15,
    19,     20,     21,       22, 23, 24, 25, 26, 27, 28, REG_TPIDR, REG_TPIDRRO,
};
#define USER_CONTEXT_WORDS (sizeof(user_context_regs))

static word_t reg_read(const struct tcb *t, unsigned i)
{
    unsigned r = user_context_regs[i];
    switch (r) {
    case REG_PC:
        /* Where the thread will continue: a running (or preempted) thread at its saved
         * pc; any other (inactive, blocked in a system call, restarting) at fault_ip, the
         * instruction it redoes when it runs again (seL4 reports FaultIP). */
        return t->state == THREAD_RUNNING ? t->frame.pc : t->frame.fault_ip;
    case REG_SP:
        return t->frame.sp;
    case REG_SPSR:
        return t->frame.spsr;
    case REG_TPIDR:
        return t->frame.tpidr;
    case REG_TPIDRRO:
        return t->frame.tpidrro;
    default:
        return t->frame.x[r];
    }
}

static void reg_write(struct tcb *t, unsigned i, word_t v)
{
    unsigned r = user_context_regs[i];
    switch (r) {
    case REG_PC:
        t->frame.pc = t->frame.fault_ip = v;
        break;
    case REG_SP:
        t->frame.sp = v;
        break;
    case REG_SPSR:
        /* Only the condition flags are the thread's to choose: it runs at EL0. */
        t->frame.spsr = (v & 0xf0000000u) | SPSR_EL0T;
        break;
    case REG_TPIDR:
        arch_tcb_set_tls(t, v);
        break;
    case REG_TPIDRRO:
        t->frame.tpidrro = v;
        break;
    default:
        t->frame.x[r] = v;
        break;
    }
}

static int decode_read_registers(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 2)
        return seL4_TruncatedMessage;
    word_t flags = inv_mr(inv, 0), count = inv_mr(inv, 1);
    if (count < 1 || count > USER_CONTEXT_WORDS)
        return seL4_RangeError;
    if (t == inv->thread)
        return seL4_IllegalOperation;
    if (flags & 1)
        tcb_suspend(t);
    for (unsigned i = 0; i < count; i++)
        inv_set_reply(inv, i, reg_read(t, i));
    return seL4_NoError;
}

static int decode_write_registers(struct invocation *inv, struct tcb *t)
{
    if (inv->length < 2)
        return seL4_TruncatedMessage;
    word_t flags = inv_mr(inv, 0), count = inv_mr(inv, 1);
    if (count > USER_CONTEXT_WORDS)
        return seL4_RangeError;
    if (inv->length < 2 + count)
        return seL4_TruncatedMessage;
    if (t == inv->thread)
        return seL4_IllegalOperation;
    for (unsigned i = 0; i < count; i++)
        reg_write(t, i, inv_mr(inv, 2 + i));
    if (flags & 1)
        tcb_restart(t);
    return seL4_NoError;
}

/* Checks the authority cap and that prio is within its MCP. */
static int check_prio(struct invocation *inv, word_t prio)
{
    struct cap auth = inv->extra[0]->cap;
    if (auth.type != CAP_TCB)
        return seL4_InvalidCapability;
    return prio > ((struct tcb *)cap_ptr(auth))->mcp ? seL4_RangeError : seL4_NoError;
}

static void set_priority(struct tcb *t, word_t prio)
{
    sched_dequeue(t);
    t->priority = (uint8_t)prio;
    if (!thread_is_runnable(t))
        return;
    if (t == cur_thread())
        sched_reschedule_required();
    else
        sched_possible_switch_to(t);
}

static int decode_sched(struct invocation *inv, struct tcb *t)
{
    unsigned need = inv->label == TCBSetSchedParams ? 2 : 1;
    if (inv->length < need || inv->extra_caps < 1)
        return seL4_TruncatedMessage;
    word_t a = inv_mr(inv, 0), b = inv_mr(inv, 1);
    int err = check_prio(inv, a);
    if (!err && inv->label == TCBSetSchedParams)
        err = check_prio(inv, b);
    if (err)
        return err;
    if (inv->label == TCBSetPriority) {
        set_priority(t, a);
    } else if (inv->label == TCBSetMCPriority) {
        t->mcp = (uint8_t)a;
    } else {
        t->mcp = (uint8_t)a;
        set_priority(t, b);
    }
    return seL4_NoError;
}

/* A new cap for one of the TCB's slots: what is checked at decode time. */
struct slot_update {
    struct cte *src;
    struct cap cap;
};

static int check_cspace(struct cte *src, word_t data, struct slot_update *u)
{
    struct cap c = src->cap;
    int err;
    if (c.type != CAP_CNODE)
        return seL4_IllegalOperation;
    if (data) {
        c = cap_update_data(false, data, c);
        if (c.type == CAP_NULL)
            return seL4_InvalidArgument;
    }
    u->cap = cap_derive(src, c, &err);
    u->src = src;
    return err;
}

static int check_vspace(struct cte *src, struct slot_update *u)
{
    int err;
    if (!arch_is_valid_vspace(src->cap))
        return seL4_IllegalOperation;
    u->cap = cap_derive(src, src->cap, &err);
    u->src = src;
    return err;
}

static int check_buffer(struct cte *src, word_t va, struct slot_update *u)
{
    int err = seL4_NoError;
    u->src = src;
    u->cap = cap_null();
    if (src->cap.type == CAP_NULL)
        return seL4_NoError;
    if (src->cap.type != CAP_FRAME)
        return seL4_IllegalOperation;
    if (!IS_ALIGNED(va, BIT(seL4_IPCBufferSizeBits)))
        return seL4_AlignmentError;
    u->cap = cap_derive(src, src->cap, &err);
    return err;
}

/* Replaces the cap in one of t's slots. The old cap may be the last to its object, so its
 * deletion may be preempted; the new cap goes in only if its source is still there (the
 * deletion may have removed it), as in seL4. */
static int install_slot(struct tcb *t, enum tcb_slot which, struct slot_update *u)
{
    struct cte *dest = &t->slots[which];
    int err = cte_delete(dest);
    if (err)
        return err;
    if (u->cap.type != CAP_NULL && cap_same_object(u->cap, u->src->cap))
        cte_insert(u->cap, u->src, dest);
    return seL4_NoError;
}

static int decode_set_space(struct invocation *inv, struct tcb *t)
{
    bool configure = inv->label == TCBConfigure;
    bool space = inv->label != TCBSetIPCBuffer;
    bool buffer = inv->label != TCBSetSpace;
    unsigned need_mrs = configure ? 4 : space ? 3 : 1;
    unsigned need_caps = configure ? 3 : space ? 2 : 1;
    struct slot_update cs = {0}, vs = {0}, buf = {0};
    word_t fault_ep = 0, buffer_va = 0;
    int err;

    if (inv->length < need_mrs || inv->extra_caps < need_caps)
        return seL4_TruncatedMessage;
    if (space) {
        fault_ep = inv_mr(inv, 0);
        err = check_cspace(inv->extra[0], inv_mr(inv, 1), &cs);
        if (!err)
            err = check_vspace(inv->extra[1], &vs);
        if (err)
            return err;
    }
    if (buffer) {
        buffer_va = inv_mr(inv, configure ? 3 : 0);
        err = check_buffer(inv->extra[configure ? 2 : 0], buffer_va, &buf);
        if (err)
            return err;
    }

    if (space) {
        t->fault_ep = fault_ep;
        if ((err = install_slot(t, TCB_CSPACE, &cs)) || (err = install_slot(t, TCB_VSPACE, &vs)))
            return err;
        if (t == cur_thread())
            arch_set_vm_root(t);
    }
    if (buffer) {
        if ((err = install_slot(t, TCB_IPCBUF, &buf)))
            return err;
        t->ipc_buffer_va = buf.cap.type == CAP_NULL ? 0 : buffer_va;
        arch_tcb_set_ipc_buffer(t, t->ipc_buffer_va);
    }
    return seL4_NoError;
}

int tcb_decode(struct invocation *inv)
{
    struct tcb *t = cap_ptr(inv->cap);
    switch (inv->label) {
    case TCBReadRegisters:
        return decode_read_registers(inv, t);
    case TCBWriteRegisters:
        return decode_write_registers(inv, t);
    case TCBConfigure:
    case TCBSetSpace:
    case TCBSetIPCBuffer:
        return decode_set_space(inv, t);
    case TCBSetPriority:
    case TCBSetMCPriority:
    case TCBSetSchedParams:
        return decode_sched(inv, t);
    case TCBSuspend:
        tcb_suspend(t);
        return seL4_NoError;
    case TCBResume:
        tcb_restart(t);
        return seL4_NoError;
    case TCBBindNotification: {
        if (inv->extra_caps < 1)
            return seL4_TruncatedMessage;
        struct cap c = inv->extra[0]->cap;
        if (c.type != CAP_NOTIFICATION)
            return seL4_InvalidCapability;
        struct notification *n = cap_ptr(c);
        /* Already bound to a thread, or a notification-set member. */
        if (t->bound_ntfn || (n->bound & ~NTFN_ACTIVE) || !tq_empty(&n->queue) ||
            !(c.rights & CAP_RIGHT_READ))
            return seL4_IllegalOperation;
        ntfn_bind(n, t);
        return seL4_NoError;
    }
    case TCBUnbindNotification:
        if (!t->bound_ntfn)
            return seL4_IllegalOperation;
        ntfn_unbind(t);
        return seL4_NoError;
    case TCBSetTLSBase:
        if (inv->length < 1)
            return seL4_TruncatedMessage;
        arch_tcb_set_tls(t, inv_mr(inv, 0));
        return seL4_NoError;
    default:
        return seL4_IllegalOperation;
    }
}
