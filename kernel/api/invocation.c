/* Invocation entry: lookups, message access, dispatch by cap type, and the reply. */
#include <api/invocation.h>
#include <object/cnode.h>
#include <object/irq.h>
#include <object/tcb.h>
#include <core.h>
#include <hooks.h>
#include <sel4/messageinfo.h>

word_t inv_mr(const struct invocation *inv, unsigned i)
{
    if (i < TCB_MSG_REGISTERS)
        return inv->thread->frame.x[2 + i];
    seL4_IPCBuffer *buf = tcb_ipc_buffer(inv->thread);
    return buf && i < seL4_MsgMaxLength ? buf->msg[i] : 0;
}

void inv_set_reply(struct invocation *inv, unsigned i, word_t value)
{
    if (i < TCB_MSG_REGISTERS) {
        inv->thread->frame.x[2 + i] = value;
    } else {
        seL4_IPCBuffer *buf = tcb_ipc_buffer(inv->thread);
        if (!buf || i >= seL4_MsgMaxLength)
            return;
        buf->msg[i] = value;
    }
    if (i + 1 > inv->reply_length)
        inv->reply_length = i + 1;
}

static int dispatch(struct invocation *inv)
{
    switch (inv->cap.type) {
    case CAP_UNTYPED:
        return untyped_decode(inv);
    case CAP_CNODE:
        return cnode_decode(inv);
    case CAP_TCB:
        return tcb_decode(inv);
    case CAP_IRQ_CONTROL:
        return irq_control_decode(inv);
    case CAP_IRQ_HANDLER:
        return irq_handler_decode(inv);
    case CAP_FRAME:
    case CAP_PAGE_TABLE:
    case CAP_VSPACE:
    case CAP_ASID_CONTROL:
    case CAP_ASID_POOL:
        return arch_decode(inv);
    case CAP_NSET:
        return nset_decode(inv);
    case CAP_NULL:
        return seL4_InvalidCapability;
    default:
        return seL4_IllegalOperation;
    }
}

void invocation_handle(struct tcb *t, bool is_call)
{
    seL4_MessageInfo_t info = {{t->frame.x[1]}};
    struct invocation inv = {
        .thread = t,
        .label = seL4_MessageInfo_get_label(info),
        .length = (unsigned)seL4_MessageInfo_get_length(info),
        .extra_caps = (unsigned)seL4_MessageInfo_get_extraCaps(info),
    };
    seL4_IPCBuffer *buf = tcb_ipc_buffer(t);
    int err;

    /* Without an IPC buffer only the register-borne part of a message exists. */
    if (!buf) {
        if (inv.length > TCB_MSG_REGISTERS)
            inv.length = TCB_MSG_REGISTERS;
        inv.extra_caps = 0;
    }
    if (inv.length > seL4_MsgMaxLength)
        inv.length = seL4_MsgMaxLength;

    err = cnode_lookup_slot(t, t->frame.x[0], &inv.slot);
    if (err) {
        err = seL4_InvalidCapability;
        goto out;
    }
    inv.cap = inv.slot->cap;
    for (unsigned i = 0; i < inv.extra_caps; i++) {
        if (cnode_lookup_slot(t, buf->caps_or_badges[i], &inv.extra[i])) {
            err = seL4_InvalidCapability;
            goto out;
        }
    }
    err = dispatch(&inv);

out:
    if (err == ERR_PREEMPTED) {
        /* Re-execute the svc once the pending interrupt has been taken. */
        t->frame.pc = t->frame.fault_ip;
        return;
    }
    /* The reply goes to the caller's registers even if the call suspended the caller
     * itself, so that it reads "no error" when it is resumed. */
    if (!is_call)
        return;
    if (err)
        inv.reply_length = 0;
    t->frame.x[1] = seL4_MessageInfo_new(err ? (word_t)err : 0, 0, 0, inv.reply_length).words[0];
}
