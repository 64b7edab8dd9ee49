/*
 * Fastpaths for seL4_Call and seL4_ReplyRecv, as seL4 has them: when the message is short
 * (registers only, no caps) and the other side is already waiting, the kernel hands the
 * message over and switches straight to the other thread, skipping the general IPC code
 * and the scheduler's queues. Every check that fails sends the call down the slow path,
 * which gives the same result (docs/kernel-api.md, "Fastpath"); the checks are exactly
 * those under which the slow path would make the same choices.
 */
#include <api/fastpath.h>
#include <arch/arch.h>
#include <arch/objects.h>
#include <counters.h>
#include <core.h>
#include <object/cnode.h>
#include <object/endpoint.h>
#include <object/notification.h>
#include <sel4/messageinfo.h>

/* The endpoint cap the syscall names, if it resolves to one with the given right. */
static struct cap *fast_lookup_ep(struct tcb *t, unsigned right)
{
    struct cte *slot;
    if (unlikely(cnode_lookup_slot(t, t->frame.x[0], &slot)))
        return NULL;
    if (unlikely(slot->cap.type != CAP_ENDPOINT || !(slot->cap.rights & right)))
        return NULL;
    return &slot->cap;
}

/* Copies the message (registers only) and switches to dest; does not return. */
static noreturn void fast_transfer_and_switch(struct tcb *src, struct tcb *dest, word_t badge,
                                              seL4_MessageInfo_t info)
{
    struct core *c = this_core();
    dest->frame.x[0] = badge;
    dest->frame.x[1] = seL4_MessageInfo_new(seL4_MessageInfo_get_label(info), 0, 0,
                                            seL4_MessageInfo_get_length(info))
                           .words[0];
    dest->frame.x[2] = src->frame.x[2];
    dest->frame.x[3] = src->frame.x[3];
    dest->frame.x[4] = src->frame.x[4];
    dest->frame.x[5] = src->frame.x[5];
    dest->state = THREAD_RUNNING;
    arch_switch_thread(src, dest);
    c->cur = dest;
    c->action = SCHED_RESUME_CURRENT;
    counters_exit(dest);
    restore_user_frame(&dest->frame);
}

/* Can this message take a fastpath: registers only, no caps? */
static bool fast_message(seL4_MessageInfo_t info)
{
    return seL4_MessageInfo_get_length(info) <= TCB_MSG_REGISTERS &&
           seL4_MessageInfo_get_extraCaps(info) == 0;
}

void fastpath_call(struct tcb *t)
{
    seL4_MessageInfo_t info = {{t->frame.x[1]}};
    if (unlikely(!fast_message(info)))
        return;
    struct cap *c = fast_lookup_ep(t, CAP_RIGHT_WRITE);
    if (unlikely(!c || !(c->rights & (CAP_RIGHT_GRANT | CAP_RIGHT_GRANT_REPLY))))
        return;
    struct endpoint *ep = cap_ptr(*c);
    if (unlikely(ep_state(ep) != EP_RECV))
        return;
    struct tcb *dest = ep->queue.head;
    if (unlikely(dest->priority < t->priority ||
                 !arch_is_valid_vspace(dest->slots[TCB_VSPACE].cap)))
        return;

    tq_remove(&ep->queue, dest);
    dest->blocked_on = NULL;
    /* The caller waits for the reply (ipc_setup_caller without the scheduler). */
    dest->caller = t;
    t->replier = dest;
    t->state = THREAD_BLOCKED_ON_REPLY;
    fast_transfer_and_switch(t, dest, c->data, info);
}

void fastpath_reply_recv(struct tcb *t)
{
    seL4_MessageInfo_t info = {{t->frame.x[1]}};
    if (unlikely(!fast_message(info)))
        return;
    struct cap *c = fast_lookup_ep(t, CAP_RIGHT_READ);
    if (unlikely(!c))
        return;
    struct endpoint *ep = cap_ptr(*c);
    struct tcb *caller = t->caller;
    if (unlikely(ep_state(ep) == EP_SEND || !caller || caller->fault.type != FAULT_NULL))
        return;
    if (unlikely(t->bound_ntfn && ntfn_active(t->bound_ntfn)))
        return;
    if (unlikely(!sched_is_highest_prio(caller->priority) ||
                 !arch_is_valid_vspace(caller->slots[TCB_VSPACE].cap)))
        return;

    /* The reply: the caller no longer waits. */
    t->caller = NULL;
    caller->replier = NULL;
    /* The receive: t blocks on the endpoint. */
    t->blocked_on = ep;
    t->state = THREAD_BLOCKED_ON_RECV;
    tq_append(&ep->queue, t);
    fast_transfer_and_switch(t, caller, 0, info);
}
