/* Notifications (seL4's sendSignal, receiveSignal, binding). */
#include <object/notification.h>
#include <object/endpoint.h>
#include <core.h>
#include <hooks.h>

static void deliver(struct tcb *t, word_t badge)
{
    t->frame.x[0] = badge;
    t->blocked_on = NULL;
    thread_set_state(t, THREAD_RUNNING);
    sched_possible_switch_to(t);
}

void ntfn_signal(struct notification *n, word_t badge)
{
    if (!tq_empty(&n->queue)) {
        struct tcb *t = n->queue.head;
        tq_remove(&n->queue, t);
        deliver(t, badge);
        return;
    }
    if (ntfn_active(n)) {
        n->word |= badge;
        return;
    }
    /* Idle. The bound word is non-zero only for a bound TCB or a set member. */
    if (unlikely(n->bound)) {
        if ((n->bound & NTFN_MEMBER) && nset_hook_signal(n, badge))
            return;
        struct tcb *bound = ntfn_bound_tcb(n);
        if (bound->state == THREAD_BLOCKED_ON_RECV) {
            ipc_cancel(bound);
            deliver(bound, badge);
            return;
        }
    }
    n->word = badge;
    n->bound |= NTFN_ACTIVE;
}

void ntfn_wait(struct tcb *t, struct notification *n, bool blocking)
{
    if (ntfn_active(n)) {
        t->frame.x[0] = n->word;
        n->word = 0;
        n->bound &= ~NTFN_ACTIVE;
        if (unlikely(n->bound & NTFN_MEMBER))
            nset_hook_consumed(n);
        return;
    }
    if (!blocking) {
        t->frame.x[0] = 0;
        return;
    }
    t->blocked_on = n;
    thread_set_state(t, THREAD_BLOCKED_ON_NOTIFICATION);
    tq_append(&n->queue, t);
}

void ntfn_bind(struct notification *n, struct tcb *t)
{
    n->bound = (n->bound & NTFN_FLAGS) | (word_t)(uintptr_t)t;
    t->bound_ntfn = n;
}

void ntfn_unbind(struct tcb *t)
{
    struct notification *n = t->bound_ntfn;
    if (!n)
        return;
    n->bound &= NTFN_FLAGS;
    t->bound_ntfn = NULL;
}

void ntfn_finalise(struct notification *n)
{
    while (!tq_empty(&n->queue)) {
        struct tcb *t = n->queue.head;
        tq_remove(&n->queue, t);
        t->blocked_on = NULL;
        thread_set_state(t, THREAD_RESTART);
        sched_append(t);
    }
    if (n->bound & NTFN_MEMBER)
        nset_hook_ntfn_deleted(n);
    struct tcb *bound = ntfn_bound_tcb(n);
    if (bound)
        ntfn_unbind(bound);
    sched_reschedule_required();
}
