/*
 * Moving a message from one thread to another (seL4's doIPCTransfer, transferCaps):
 * message registers, the badge, capabilities, or a fault message.
 */
#include <object/endpoint.h>
#include <object/cnode.h>
#include <core.h>
#include <fault.h>
#include <sel4/messageinfo.h>

/* Message register i of thread t (buf: its IPC buffer, may be NULL). */
static word_t get_mr(struct tcb *t, seL4_IPCBuffer *buf, unsigned i)
{
    return i < TCB_MSG_REGISTERS ? t->frame.x[2 + i] : buf->msg[i];
}

static void set_mr(struct tcb *t, seL4_IPCBuffer *buf, unsigned i, word_t v)
{
    if (i < TCB_MSG_REGISTERS)
        t->frame.x[2 + i] = v;
    else
        buf->msg[i] = v;
}

/* The slot a receiver named for an incoming cap, if it is valid and empty. */
static struct cte *receive_slot(struct tcb *receiver, seL4_IPCBuffer *rbuf)
{
    struct cte *cnode_slot, *slot;
    if (cnode_lookup_slot(receiver, rbuf->receiveCNode, &cnode_slot))
        return NULL;
    if (cnode_lookup_op_slot(cnode_slot->cap, rbuf->receiveIndex, rbuf->receiveDepth, &slot))
        return NULL;
    return slot->cap.type == CAP_NULL ? slot : NULL;
}

/* Transfers or unwraps the sender's extra caps; returns the message info's extraCaps and
 * capsUnwrapped fields for the receiver. */
static void transfer_caps(struct tcb *sender, seL4_IPCBuffer *sbuf, unsigned count,
                          struct endpoint *ep, struct tcb *receiver, seL4_IPCBuffer *rbuf,
                          word_t *extra, word_t *unwrapped)
{
    struct cte *dest = rbuf ? receive_slot(receiver, rbuf) : NULL;
    *extra = *unwrapped = 0;
    for (unsigned i = 0; i < count; i++) {
        struct cte *src;
        if (cnode_lookup_slot(sender, sbuf->caps_or_badges[i], &src) || src->cap.type == CAP_NULL)
            break;
        struct cap c = src->cap;
        if (c.type == CAP_ENDPOINT && ep && cap_ptr(c) == ep) {
            /* A cap to the endpoint itself: the receiver learns its badge. */
            rbuf->caps_or_badges[i] = c.data;
            *unwrapped |= 1u << i;
        } else {
            int err;
            if (!dest)
                break;
            struct cap d = cap_derive(src, c, &err);
            if (err || d.type == CAP_NULL)
                break;
            cte_insert(d, src, dest);
            dest = NULL; /* one slot: at most one cap is copied */
        }
        (*extra)++;
    }
}

void ipc_transfer(struct tcb *sender, struct endpoint *ep, word_t badge, bool can_grant,
                  struct tcb *receiver)
{
    seL4_IPCBuffer *rbuf = tcb_ipc_buffer(receiver);
    receiver->frame.x[0] = badge;
    if (sender->fault.type != FAULT_NULL) {
        unsigned len = fault_message(sender, receiver);
        receiver->frame.x[1] = seL4_MessageInfo_new(sender->fault.type, 0, 0, len).words[0];
        return;
    }

    seL4_IPCBuffer *sbuf = tcb_ipc_buffer(sender);
    seL4_MessageInfo_t info = {{sender->frame.x[1]}};
    unsigned len = (unsigned)seL4_MessageInfo_get_length(info);
    if (len > seL4_MsgMaxLength)
        len = seL4_MsgMaxLength;
    if (!sbuf || !rbuf) {
        if (len > TCB_MSG_REGISTERS)
            len = TCB_MSG_REGISTERS;
    }
    for (unsigned i = 0; i < len; i++)
        set_mr(receiver, rbuf, i, get_mr(sender, sbuf, i));

    word_t extra = 0, unwrapped = 0;
    unsigned caps = (unsigned)seL4_MessageInfo_get_extraCaps(info);
    if (can_grant && caps && sbuf && rbuf)
        transfer_caps(sender, sbuf, caps, ep, receiver, rbuf, &extra, &unwrapped);
    receiver->frame.x[1] =
        seL4_MessageInfo_new(seL4_MessageInfo_get_label(info), unwrapped, extra, len).words[0];
}

void ipc_setup_caller(struct tcb *caller, struct tcb *callee)
{
    /* As seL4: a callee holds one reply; an older caller it still owed is abandoned. */
    if (callee->caller)
        callee->caller->replier = NULL;
    callee->caller = caller;
    caller->replier = callee;
    caller->blocked_on = NULL;
    thread_set_state(caller, THREAD_BLOCKED_ON_REPLY);
}
