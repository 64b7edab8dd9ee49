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
#define NSET_WANT_FASTPATHS /* the set's fast paths are inline here (hooks.h) */
#include <hooks.h>
#include <sel4/messageinfo.h>

/* The cap the syscall names, if it resolves to one of type with the given right. */
static struct cap *fast_lookup(struct tcb *t, enum cap_type type, unsigned right)
{
    struct cte *slot;
    if (unlikely(cnode_lookup_slot(t, t->frame.x[0], &slot)))
        return NULL;
    if (unlikely(slot->cap.type != type || !(slot->cap.rights & right)))
        return NULL;
    return &slot->cap;
}

static struct cap *fast_lookup_ep(struct tcb *t, unsigned right)
{
    return fast_lookup(t, CAP_ENDPOINT, right);
}

noreturn void fastpath_switch(struct tcb *from, struct tcb *to)
{
    struct core *c = this_core();
    arch_switch_thread(from, to);
    c->cur = to;
    c->action = SCHED_RESUME_CURRENT;
    counters_exit(to);
    restore_user_frame(&to->frame);
}

noreturn void fastpath_return(struct tcb *t)
{
    counters_exit(t);
    restore_user_frame(&t->frame);
}

/* Copies the message (registers only) and switches to dest; does not return. */
static noreturn void fast_transfer_and_switch(struct tcb *src, struct tcb *dest, word_t badge,
                                              seL4_MessageInfo_t info)
{
    dest->frame.x[0] = badge;
    dest->frame.x[1] = seL4_MessageInfo_new(seL4_MessageInfo_get_label(info), 0, 0,
                                            seL4_MessageInfo_get_length(info))
                           .words[0];
    dest->frame.x[2] = src->frame.x[2];
    dest->frame.x[3] = src->frame.x[3];
    dest->frame.x[4] = src->frame.x[4];
    dest->frame.x[5] = src->frame.x[5];
    dest->state = THREAD_RUNNING;
    fastpath_switch(src, dest);
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

/*
 * seL4_Signal (Send with an empty message on a notification cap). Handled here: a thread
 * waiting on the notification whose priority is above the signaller's (it runs at once,
 * the signaller goes to the head of its ready queue, as schedule() would do); no thread
 * waiting (the word is set or ORed, the signaller continues); a set member (hook H12). A
 * bound TCB, or a waiter the signaller does not yield to, takes the slow path.
 */
void fastpath_signal(struct tcb *t)
{
    if (unlikely(t->frame.x[1] != 0))
        return;
    struct cap *c = fast_lookup(t, CAP_NOTIFICATION, CAP_RIGHT_WRITE);
    if (unlikely(!c))
        return;
    struct notification *n = cap_ptr(*c);
    word_t badge = c->data;
    if (!tq_empty(&n->queue)) {
        struct tcb *dest = n->queue.head;
        if (unlikely(dest->priority <= t->priority ||
                     !arch_is_valid_vspace(dest->slots[TCB_VSPACE].cap)))
            return;
        tq_remove(&n->queue, dest);
        dest->blocked_on = NULL;
        dest->frame.x[0] = badge;
        dest->state = THREAD_RUNNING;
        sched_enqueue(t);
        fastpath_switch(t, dest);
    }
    if (ntfn_active(n)) {
        n->word |= badge;
        fastpath_return(t);
    }
    if (unlikely(n->bound)) {
        if (NSET_PATCHED && (n->bound & NTFN_MEMBER))
            nset_fastpath_signal(t, n, badge);
        return;
    }
    n->word = badge;
    n->bound |= NTFN_ACTIVE;
    fastpath_return(t);
}

/*
 * seL4_Wait / seL4_Poll on a notification that is Active (the word is taken, the caller
 * continues), or on a notification set with ready members (hook H12). Blocking, and
 * endpoints, take the slow path.
 */
void fastpath_recv(struct tcb *t)
{
    struct cte *slot;
    if (unlikely(cnode_lookup_slot(t, t->frame.x[0], &slot)))
        return;
    struct cap c = slot->cap;
    if (unlikely(!(c.rights & CAP_RIGHT_READ)))
        return;
    if (c.type == CAP_NOTIFICATION) {
        struct notification *n = cap_ptr(c);
        if (!ntfn_active(n))
            return;
        t->frame.x[0] = n->word;
        n->word = 0;
        n->bound &= ~NTFN_ACTIVE;
        if (unlikely(n->bound & NTFN_MEMBER))
            nset_hook_consumed(n);
        fastpath_return(t);
    }
    if (NSET_PATCHED && c.type == CAP_NSET)
        nset_fastpath_recv(t, c);
}
