/*
 * The notification set's core logic: membership, the ready list, delivery to waiters,
 * and incremental teardown. Plain C (host unit tests link it). Every function runs with
 * interrupts masked and keeps invariants I1-I3 (include/nset.h).
 */
#include <nset.h>
#include <core.h>
#include <kstring.h>
#include <sel4/messageinfo.h>

void nset_init(struct nset *s)
{
    memset(s, 0, sizeof(*s));
}

/* Signals the composition notification, if any. A set's composition notification may
 * itself be a member of another set; that set then takes it as ready (and may wake its
 * waiter) but does not announce itself in turn: the chain stops after one step, so a
 * Signal stays O(1) whatever sets are linked (docs/notification-set.md). */
static bool in_notify;

static void notify(struct nset *s)
{
    struct cap c = s->notify_slot.cap;
    if (c.type != CAP_NOTIFICATION || in_notify)
        return;
    in_notify = true;
    ntfn_signal(cap_ptr(c), c.data);
    in_notify = false;
}

/* Member m's notification n has a word for the set (from a Signal, or found Active by an
 * Add): the first waiting thread gets (token, word) and n stays Idle; otherwise n is Active
 * and m joins the ready list, announcing the set if it was empty (I1, I2). */
static void member_ready(struct nset *s, struct nset_member *m, struct notification *n, word_t word)
{
    if (!tq_empty(&s->waiters)) {
        struct tcb *t = s->waiters.head;
        tq_remove(&s->waiters, t);
        t->blocked_on = NULL;
        nset_put_pair(t, NULL, 0, m->index - NSET_HEADER_ENTRIES, word);
        nset_finish_reply(t, 1);
        n->word = 0;
        n->bound &= ~NTFN_ACTIVE;
        thread_set_state(t, THREAD_RUNNING);
        sched_possible_switch_to(t);
        return;
    }
    n->word = word;
    n->bound |= NTFN_ACTIVE;
    if (s->teardown)
        return; /* being deleted: members stay plain Active notifications */
    bool was_empty = s->ready_head == NSET_NONE;
    nset_ready_append(s, m);
    if (was_empty)
        notify(s);
}

void nset_add(struct nset *s, uint32_t index, struct notification *n)
{
    struct nset_member *m = nset_entry(s, index);
    m->ntfn = n;
    m->index = index;
    m->flags = MEMBER_IN_USE;
    m->next = m->prev = NSET_NONE;
    n->bound = (n->bound & NTFN_ACTIVE) | (word_t)(uintptr_t)m | NTFN_MEMBER;
    s->count++;
    /* A signal that arrived before the Add is not lost: it is delivered or made ready
     * exactly as if it arrived now. */
    if (ntfn_active(n))
        member_ready(s, m, n, n->word);
}

void nset_remove(struct nset_member *m)
{
    struct nset *s = nset_of(m);
    if ((m->flags & MEMBER_READY) && !s->teardown)
        nset_ready_remove(s, m);
    m->ntfn->bound &= NTFN_ACTIVE;
    m->ntfn = NULL;
    m->flags = 0;
    s->count--;
}

unsigned nset_take(struct nset *s, struct tcb *t, unsigned max)
{
    seL4_IPCBuffer *buf = tcb_ipc_buffer(t);
    unsigned n = 0;
    while (n < max && s->ready_head) {
        struct nset_member *m = nset_entry(s, s->ready_head);
        struct notification *ntfn = m->ntfn;
        nset_ready_remove(s, m);
        nset_put_pair(t, buf, n++, m->index - NSET_HEADER_ENTRIES, ntfn->word);
        ntfn->word = 0;
        ntfn->bound &= ~NTFN_ACTIVE;
    }
    nset_finish_reply(t, n);
    return n;
}

void nset_block(struct nset *s, struct tcb *t, unsigned max)
{
    t->blocked_on = s;
    t->ipc_badge = max;
    thread_set_state(t, THREAD_BLOCKED_ON_NSET);
    tq_append(&s->waiters, t);
}

/* Signals the composition notification, if any (it is never a set member itself). */

/*
 * Signal on an idle member with no thread waiting on the notification itself (the base
 * kernel handles those cases). A thread waiting on the set gets (token, badge) at once
 * and the notification stays Idle; otherwise the notification goes Active and joins the
 * ready list. Returns true: a member's signal is always handled here.
 */
bool nset_hook_signal(struct notification *n, word_t badge)
{
    struct nset_member *m = ntfn_member(n);
    member_ready(nset_of(m), m, n, badge);
    return true;
}

/* A set cap can be moved while its deletion is in progress, but not copied. */
int nset_hook_derive(struct cap c)
{
    return ((struct nset *)cap_ptr(c))->teardown ? seL4_IllegalOperation : seL4_NoError;
}

/* A thread took an Active member's word by waiting on the notification itself. */
void nset_hook_consumed(struct notification *n)
{
    struct nset_member *m = ntfn_member(n);
    struct nset *s = nset_of(m);
    if ((m->flags & MEMBER_READY) && !s->teardown)
        nset_ready_remove(s, m);
}

void nset_hook_ntfn_deleted(struct notification *n)
{
    nset_remove(ntfn_member(n));
}

void nset_hook_cancel_wait(struct tcb *t)
{
    tq_remove(&((struct nset *)t->blocked_on)->waiters, t);
}

int nset_teardown(struct nset *s, uint32_t entries)
{
    if (!s->teardown) {
        /* First step: waiters restart (their Recv then fails the lookup), the ready list
         * is dropped (members keep their Active state and words). */
        while (!tq_empty(&s->waiters)) {
            struct tcb *t = s->waiters.head;
            tq_remove(&s->waiters, t);
            t->blocked_on = NULL;
            thread_set_state(t, THREAD_RESTART);
            sched_append(t);
        }
        sched_reschedule_required();
        s->ready_head = s->ready_tail = NSET_NONE;
        s->teardown = entries;
    }
    /* A fixed budget of entries per kernel entry, whatever interrupts do: the longest
     * kernel entry does not grow with the set's size. The system call restarts for the
     * next part. */
    for (unsigned budget = NSET_TEARDOWN_BUDGET; s->teardown > NSET_HEADER_ENTRIES;) {
        struct nset_member *m = nset_entry(s, --s->teardown);
        if (m->flags & MEMBER_IN_USE) {
            m->flags &= ~MEMBER_READY;
            nset_remove(m);
        }
        if (--budget == 0 || preemption_point())
            return ERR_PREEMPTED;
    }
    return cte_delete(&s->notify_slot);
}
