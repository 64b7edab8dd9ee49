/*
 * ns_wait and ns_poll: collect the backend's fired members and the front end's pending
 * events, map tokens to user pointers, and keep the LIMBO bookkeeping of frontend.h.
 *
 * Why a wait is "in flight" from its start, not just around the system call: the kernel
 * (or a helper) hands an event to a blocked thread inside the kernel, and the thread may
 * then wait for the CPU, or for the set's lock, for an unbounded time before it maps the
 * token. A member removed meanwhile must keep its token and user pointer until the thread
 * has mapped it. Nothing tells the remover whether a given thread holds such an event, so
 * every wait in progress at the removal counts.
 */
#include "frontend.h"

/* Links w at the tail of the in-flight list (newest), stamped with the current epoch. */
static void inflight_enter(struct ns_set *s, struct ns_inflight *w)
{
    w->entry = s->epoch;
    w->next = NULL;
    w->prev = s->inflight_tail;
    if (s->inflight_tail)
        s->inflight_tail->next = w;
    else
        s->inflight_head = w;
    s->inflight_tail = w;
}

static void inflight_leave(struct ns_set *s, struct ns_inflight *w)
{
    if (w->prev)
        w->prev->next = w->next;
    else
        s->inflight_head = w->next;
    if (w->next)
        w->next->prev = w->prev;
    else
        s->inflight_tail = w->prev;
}

/* A LIMBO token is freed when no wait that started at or before its removal is still in
 * flight (waits are listed oldest first) and its pending event, if any, was reported. */
size_t ns_reclaim(struct ns_set *s)
{
    uint64_t oldest = s->inflight_head ? s->inflight_head->entry : UINT64_MAX;
    size_t freed = 0;
    uint32_t *link = &s->limbo_head;
    while (*link != NS_NONE) {
        uint32_t t = *link;
        struct ns_token *tk = &s->tokens[t];
        if (tk->removed_at < oldest && !tk->has_pending) {
            *link = tk->next;
            tk->state = NS_TOKEN_FREE;
            tk->user = NULL;
            tk->next = s->free_head;
            s->free_head = t;
            freed++;
        } else {
            link = &tk->next;
        }
    }
    return freed;
}

void ns_kick(struct ns_set *s)
{
    if (s->inflight_head)
        seL4_Signal(s->kick.cap);
}

/* Adds an event for token t to events[0..n), merging with one of the same token. */
static size_t put_event(struct ns_event *events, size_t n, seL4_Word t, void *user, seL4_Word badge)
{
    for (size_t i = 0; i < n; i++) {
        if (events[i].token == t) {
            events[i].badge |= badge;
            return n;
        }
    }
    events[n].user = user;
    events[n].token = t;
    events[n].badge = badge;
    return n + 1;
}

/* Moves pending events (oldest first) into events[n..max). Lock held. */
static size_t take_pending(struct ns_set *s, struct ns_event *events, size_t n, size_t max)
{
    while (s->pending_head != NS_NONE && n < max) {
        uint32_t t = s->pending_head;
        struct ns_token *tk = &s->tokens[t];
        s->pending_head = tk->next_pending;
        if (s->pending_head == NS_NONE)
            s->pending_tail = NS_NONE;
        tk->has_pending = 0;
        n = put_event(events, n, t, tk->user, tk->pending);
    }
    return n;
}

/* Maps fired tokens to events; the KICK member is the front end's own and is dropped. A
 * FREE token cannot fire (a removed token stays LIMBO while a wait may hold it); it is
 * dropped rather than reported under someone else's pointer. Lock held. */
static size_t map_fired(struct ns_set *s, const struct ns_fired *fired, int k,
                        struct ns_event *events, size_t n)
{
    for (int i = 0; i < k; i++) {
        seL4_Word t = fired[i].token;
        if (t >= s->ntokens)
            continue;
        struct ns_token *tk = &s->tokens[t];
        if (tk->state == NS_TOKEN_MEMBER || tk->state == NS_TOKEN_LIMBO)
            n = put_event(events, n, t, tk->user, fired[i].badge);
    }
    return n;
}

/* The wake-ups a returning wait owes others. Lock held. */
static void pass_on(struct ns_set *s)
{
    if (s->grace_waiters) {
        if (s->free_head != NS_NONE)
            seL4_Signal(s->grace.cap);
        else
            ns_kick(s);
    }
    if (s->pending_head != NS_NONE)
        ns_kick(s);
}

/*
 * The body of ns_wait (block) and ns_poll. Pending events are reported first and without
 * blocking; otherwise the backend is asked, outside the lock. A blocking wait woken only
 * by the KICK member (for another waiter's sake) goes back to waiting.
 */
static int collect(ns_set_t *s, struct ns_event *events, size_t max, bool block)
{
    struct ns_fired fired[NS_MAX_EVENTS];
    struct ns_inflight me;

    if (!s || !events)
        return -seL4_InvalidArgument;
    if (max < 1 || max > NS_MAX_EVENTS)
        return -seL4_RangeError;
    ns_mutex_lock(&s->lock);
    size_t n = take_pending(s, events, 0, max);
    if (n > 0) {
        ns_reclaim(s);
        pass_on(s);
        ns_mutex_unlock(&s->lock);
        return (int)n;
    }
    inflight_enter(s, &me);
    ns_mutex_unlock(&s->lock);
    for (;;) {
        int k = s->ops->wait(s->state, fired, max, block);
        ns_mutex_lock(&s->lock);
        inflight_leave(s, &me);
        if (k > 0)
            n = map_fired(s, fired, k, events, 0);
        n = take_pending(s, events, n, max);
        ns_reclaim(s);
        pass_on(s);
        if (n > 0 || !block || k < 0) {
            ns_mutex_unlock(&s->lock);
            return n > 0 || k >= 0 ? (int)n : k;
        }
        inflight_enter(s, &me);
        ns_mutex_unlock(&s->lock);
    }
}

int ns_wait(ns_set_t *set, struct ns_event *events, size_t max)
{
    return collect(set, events, max, true);
}

int ns_poll(ns_set_t *set, struct ns_event *events, size_t max)
{
    return collect(set, events, max, false);
}
