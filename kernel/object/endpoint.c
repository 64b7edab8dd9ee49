/* Endpoint IPC (seL4's sendIPC, receiveIPC, cancelIPC and friends). */
#include <object/endpoint.h>
#include <object/notification.h>
#include <core.h>
#include <hooks.h>
#include <sel4/messageinfo.h>

/* Message info for "nothing received" (NBRecv with no sender). */
static void set_empty_receive(struct tcb *t)
{
    t->frame.x[0] = 0;
    t->frame.x[1] = 0;
}

/* A receiver or sender leaves its queue and runs. */
static void wake(struct tcb *t)
{
    thread_set_state(t, THREAD_RUNNING);
    sched_possible_switch_to(t);
}

/* After a message from sender reached its receiver: a caller waits for the reply (if the
 * cap allowed a reply cap), anything else runs on. */
static void finish_send(struct tcb *sender, bool is_call, bool grant, bool grant_reply,
                        struct tcb *receiver)
{
    if (!is_call)
        return;
    if (grant || grant_reply)
        ipc_setup_caller(sender, receiver);
    else
        thread_set_state(sender, THREAD_INACTIVE);
}

void ep_send(struct tcb *t, struct cap c, bool blocking, bool is_call)
{
    struct endpoint *ep = cap_ptr(c);
    bool grant = c.rights & CAP_RIGHT_GRANT, grant_reply = c.rights & CAP_RIGHT_GRANT_REPLY;

    if (ep_state(ep) == EP_RECV) {
        struct tcb *receiver = ep->queue.head;
        tq_remove(&ep->queue, receiver);
        ipc_transfer(t, ep, c.data, grant, receiver);
        wake(receiver);
        finish_send(t, is_call, grant, grant_reply, receiver);
        return;
    }
    if (!blocking)
        return;
    t->blocked_on = ep;
    t->ipc_badge = c.data;
    t->ipc_can_grant = grant;
    t->ipc_can_grant_reply = grant_reply;
    t->ipc_is_call = is_call;
    thread_set_state(t, THREAD_BLOCKED_ON_SEND);
    tq_append(&ep->queue, t);
}

void ep_receive(struct tcb *t, struct cap c, bool blocking)
{
    struct endpoint *ep = cap_ptr(c);

    /* As seL4's handleRecv: a reply still owed is abandoned. */
    if (t->caller) {
        t->caller->replier = NULL;
        t->caller = NULL;
    }
    struct notification *bound = t->bound_ntfn;
    if (bound && ntfn_active(bound)) {
        ntfn_wait(t, bound, false);
        return;
    }
    if (ep_state(ep) == EP_SEND) {
        struct tcb *sender = ep->queue.head;
        tq_remove(&ep->queue, sender);
        ipc_transfer(sender, ep, sender->ipc_badge, sender->ipc_can_grant, t);
        if (sender->ipc_is_call) {
            finish_send(sender, true, sender->ipc_can_grant, sender->ipc_can_grant_reply, t);
        } else {
            wake(sender);
        }
        return;
    }
    if (!blocking) {
        set_empty_receive(t);
        return;
    }
    t->blocked_on = ep;
    thread_set_state(t, THREAD_BLOCKED_ON_RECV);
    tq_append(&ep->queue, t);
}

void ep_reply(struct tcb *t)
{
    struct tcb *caller = t->caller;
    if (!caller)
        return;
    t->caller = NULL;
    caller->replier = NULL;
    if (caller->fault.type != FAULT_NULL) {
        fault_reply(caller, t);
        return;
    }
    ipc_transfer(t, NULL, 0, true, caller);
    wake(caller);
}

void ipc_cancel(struct tcb *t)
{
    switch (t->state) {
    case THREAD_BLOCKED_ON_SEND:
    case THREAD_BLOCKED_ON_RECV:
        tq_remove(&((struct endpoint *)t->blocked_on)->queue, t);
        break;
    case THREAD_BLOCKED_ON_NOTIFICATION:
        tq_remove(&((struct notification *)t->blocked_on)->queue, t);
        break;
    case THREAD_BLOCKED_ON_NSET:
        nset_hook_cancel_wait(t);
        break;
    case THREAD_BLOCKED_ON_REPLY:
        if (t->replier)
            t->replier->caller = NULL;
        t->replier = NULL;
        t->fault.type = FAULT_NULL;
        break;
    default:
        return;
    }
    t->blocked_on = NULL;
}

/* A blocked thread goes back to redo its system call. */
static void restart_blocked(struct tcb *t)
{
    t->blocked_on = NULL;
    thread_set_state(t, THREAD_RESTART);
    sched_append(t);
}

void ep_finalise(struct endpoint *ep)
{
    while (!tq_empty(&ep->queue)) {
        struct tcb *t = ep->queue.head;
        tq_remove(&ep->queue, t);
        restart_blocked(t);
    }
    sched_reschedule_required();
}

void ep_cancel_badged_sends(struct endpoint *ep, word_t badge)
{
    struct tcb *t = ep->queue.head;
    while (t) {
        struct tcb *next = t->queue_next;
        if (t->state == THREAD_BLOCKED_ON_SEND && t->ipc_badge == badge) {
            tq_remove(&ep->queue, t);
            restart_blocked(t);
        }
        t = next;
    }
    sched_reschedule_required();
}
