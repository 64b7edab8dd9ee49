/*
 * Fast paths for the two hot operations of a notification set (hook H12): inline, so that
 * the base kernel's Signal and Recv fast paths (kernel/api/fastpath.c, which include this
 * through hooks.h in patched builds) run them without a call. They give the slow path's
 * results exactly, under conditions where the slow path would make the same scheduling
 * choice; anything else returns and takes the slow path.
 */
#ifndef NSET_FASTPATH_H
#define NSET_FASTPATH_H

#include <nset.h>
#include <api/fastpath.h>
#include <arch/objects.h>
#include <core.h>

/*
 * Signal on an idle member: a thread waiting on the set with a priority above the
 * signaller's gets (token, badge) and runs at once; with no waiter the member becomes
 * ready and the signaller continues (unless the set must announce itself through its
 * composition notification, which may wake someone: slow path).
 */
static inline void nset_fastpath_signal(struct tcb *t, struct notification *n, word_t badge)
{
    struct nset_member *m = ntfn_member(n);
    struct nset *s = nset_of(m);
    if (unlikely(s->teardown))
        return;
    if (!tq_empty(&s->waiters)) {
        struct tcb *dest = s->waiters.head;
        if (unlikely(dest->priority <= t->priority ||
                     !arch_is_valid_vspace(dest->slots[TCB_VSPACE].cap)))
            return;
        tq_remove(&s->waiters, dest);
        dest->blocked_on = NULL;
        nset_put_pair(dest, NULL, 0, m->index - NSET_HEADER_ENTRIES, badge);
        nset_finish_reply(dest, 1);
        dest->state = THREAD_RUNNING;
        sched_enqueue(t);
        fastpath_switch(t, dest);
    }
    if (unlikely(s->ready_head == NSET_NONE && s->notify_slot.cap.type != CAP_NULL))
        return;
    n->word = badge;
    n->bound |= NTFN_ACTIVE;
    nset_ready_append(s, m);
    fastpath_return(t);
}

/* Wait or Poll on a set with ready members: hand them over, the caller continues. */
static inline void nset_fastpath_recv(struct tcb *t, struct cap c)
{
    struct nset *s = cap_ptr(c);
    word_t max = t->frame.x[2];
    if (unlikely(s->teardown || s->ready_head == NSET_NONE || max < 1 ||
                 max > (tcb_ipc_buffer(t) ? seL4_NotificationSetMaxEvents : TCB_MSG_REGISTERS / 2)))
        return;
    nset_take(s, t, (unsigned)max);
    fastpath_return(t);
}

#endif
