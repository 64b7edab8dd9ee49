/*
 * libnotifyset's front end: configuration, the token table, locking and dispatch to the
 * backends (backend.h). Waiting is in ns_wait.c; the token life cycle is drawn in
 * frontend.h.
 */
#include <stdlib.h>
#include <string.h>
#include <rt/rt.h>
#include "frontend.h"

#define NS_DEFAULT_CAPACITY 1024

static bool kernel_probed, kernel_has;

/* Retypes (and frees) the smallest set once: only the patched kernel knows the type. */
bool ns_kernel_has_sets(void)
{
    if (kernel_probed)
        return kernel_has;
    if (ns_rt_lock_init() != 0)
        return false;
    ns_rt_lock();
    struct rt_object o;
    unsigned bits = seL4_NotificationSetMinBits;
    kernel_has = rt_object_alloc_sized(seL4_NotificationSetObject, bits,
                                       bits + seL4_NotificationSetEntryBits, &o) == seL4_NoError;
    if (kernel_has)
        rt_object_free(&o);
    kernel_probed = true;
    ns_rt_unlock();
    return kernel_has;
}

const char *ns_backend_name(ns_backend_t b)
{
    switch (b) {
    case NS_BACKEND_BEST:
        return "best";
    case NS_BACKEND_KERNEL:
        return "kernel";
    case NS_BACKEND_FALLBACK:
        return "fallback";
    }
    return "?";
}

const char *ns_variant_name(ns_fallback_variant_t v)
{
    switch (v) {
    case NS_FALLBACK_DEFAULT:
        return "default";
    case NS_FALLBACK_SEND:
        return "send";
    case NS_FALLBACK_CALL:
        return "call";
    case NS_FALLBACK_POOL:
        return "pool";
    }
    return "?";
}

ns_backend_t ns_set_backend(const ns_set_t *set)
{
    return set->cfg.backend;
}

ns_fallback_variant_t ns_set_variant(const ns_set_t *set)
{
    return set->cfg.variant;
}

/* Checks cfg and fills in what it leaves to the library (docs/api.md, "Configuration"). */
static int resolve(const struct ns_config *in, struct ns_config *out)
{
    struct ns_config defaults = {.backend = NS_BACKEND_BEST, .capacity = NS_DEFAULT_CAPACITY};
    *out = in ? *in : defaults;
    if (out->capacity < 1 || out->capacity > NS_MAX_CAPACITY ||
        out->backend > NS_BACKEND_FALLBACK || out->variant > NS_FALLBACK_POOL ||
        out->helper_priority > seL4_MaxPrio || out->waiter_priority > seL4_MaxPrio)
        return -seL4_InvalidArgument;
    if (out->backend == NS_BACKEND_BEST)
        out->backend = ns_kernel_has_sets() ? NS_BACKEND_KERNEL : NS_BACKEND_FALLBACK;
    else if (out->backend == NS_BACKEND_KERNEL && !ns_kernel_has_sets())
        return -seL4_IllegalOperation;
    if (out->waiter_priority == 0)
        out->waiter_priority = seL4_MaxPrio;
    if (out->backend == NS_BACKEND_KERNEL) {
        out->variant = NS_FALLBACK_DEFAULT;
        out->helper_priority = 0;
        return 0;
    }
    if (out->variant == NS_FALLBACK_DEFAULT)
        out->variant = NS_FALLBACK_SEND;
    /* Helpers one above the waiters (where there is room): a signal from a thread at or
     * below the waiters' priority is with the set before the Signal returns, so ns_poll sees
     * it as with the kernel object. Equal priority is up to 6% cheaper per event but leaves
     * signals in the helpers until the polling thread blocks (userspace-fallback/README.md). */
    if (out->helper_priority == 0)
        out->helper_priority =
            out->waiter_priority < seL4_MaxPrio ? out->waiter_priority + 1 : seL4_MaxPrio;
    return 0;
}

/* Frees what create made; every field may still be empty. Allocator lock held. */
static void teardown(struct ns_set *s)
{
    if (s->state)
        s->ops->destroy(s->state);
    if (s->kick.cap)
        rt_object_free(&s->kick);
    if (s->grace.cap)
        rt_object_free(&s->grace);
    if (s->lock_ntfn.cap)
        rt_object_free(&s->lock_ntfn);
    ns_mem_free(s->tokens);
    free(s);
}

/* Resolves the configuration, makes the token table (2 * capacity + 1 tokens, the last
 * one the KICK member's), the lock, KICK and grace notifications and the backend's state,
 * and adds the KICK member. Everything made is undone on failure. */
int ns_set_create(ns_set_t **set, const struct ns_config *cfg)
{
    struct ns_config c;
    if (!set)
        return -seL4_InvalidArgument;
    int err = resolve(cfg, &c);
    if (err)
        return err;
    if ((err = ns_rt_lock_init()))
        return err;
    struct ns_set *s = calloc(1, sizeof(*s));
    if (!s)
        return -seL4_NotEnoughMemory;
    s->cfg = c;
    s->ops = c.backend == NS_BACKEND_KERNEL ? &ns_backend_kernel : &ns_backend_fallback;
    s->ntokens = 2 * c.capacity + 1;
    s->kick_token = s->ntokens - 1;
    s->free_head = s->limbo_head = s->pending_head = s->pending_tail = NS_NONE;

    ns_rt_lock();
    s->tokens = ns_mem_alloc(s->ntokens * sizeof(*s->tokens));
    err = s->tokens ? 0 : -seL4_NotEnoughMemory;
    if (!err)
        err = ns_err(rt_object_alloc(seL4_NotificationObject, 0, &s->lock_ntfn));
    if (!err)
        err = ns_err(rt_object_alloc(seL4_NotificationObject, 0, &s->kick));
    if (!err)
        err = ns_err(rt_object_alloc(seL4_NotificationObject, 0, &s->grace));
    if (!err)
        err = s->ops->create(&s->cfg, s->ntokens, &s->state);
    if (!err)
        err = s->ops->add(s->state, s->kick.cap, s->kick_token, false);
    if (err) {
        teardown(s);
        ns_rt_unlock();
        return err;
    }
    ns_rt_unlock();

    s->lock.ntfn = s->lock_ntfn.cap;
    s->tokens[s->kick_token].state = NS_TOKEN_KICK;
    /* Lowest tokens first: the fallback's helpers come in chunks of consecutive tokens. */
    for (size_t t = s->kick_token; t-- > 0;) {
        s->tokens[t].next = s->free_head;
        s->free_head = (uint32_t)t;
    }
    *set = s;
    return 0;
}

int ns_set_destroy(ns_set_t *set)
{
    if (!set)
        return -seL4_InvalidArgument;
    ns_rt_lock();
    teardown(set);
    ns_rt_unlock();
    return 0;
}

/* Takes a FREE token, waiting for LIMBO ones to come free if need be. Lock held (it is
 * dropped while waiting). Returns the token, or NS_NONE when the set is full. */
static uint32_t take_token(struct ns_set *s)
{
    while (s->members < s->cfg.capacity && s->free_head == NS_NONE && s->inflight_head) {
        /* Every spare token is in LIMBO, held back by waits in flight: wake them (each
         * woken wait passes the kick on) and wait for one to free tokens. */
        s->grace_waiters++;
        ns_kick(s);
        ns_mutex_unlock(&s->lock);
        seL4_Wait(s->grace.cap, NULL);
        ns_mutex_lock(&s->lock);
        s->grace_waiters--;
    }
    /* Full, or every spare token holds an event no wait has collected yet. */
    if (s->members >= s->cfg.capacity || s->free_head == NS_NONE)
        return NS_NONE;
    uint32_t t = s->free_head;
    s->free_head = s->tokens[t].next;
    return t;
}

/* ns_add and ns_add_owned: a FREE token, then the backend; the token goes back on failure.
 * The set's lock is held throughout, the allocator lock around the backend. */
static int add(ns_set_t *set, seL4_CPtr cap, void *user, seL4_Word *token, bool owned)
{
    if (!set || !token)
        return -seL4_InvalidArgument;
    ns_mutex_lock(&set->lock);
    uint32_t t = take_token(set);
    int err = -seL4_NotEnoughMemory;
    if (t != NS_NONE) {
        ns_rt_lock();
        err = set->ops->add(set->state, cap, t, owned);
        ns_rt_unlock();
        if (err) {
            set->tokens[t].next = set->free_head;
            set->free_head = t;
        } else {
            set->tokens[t].state = NS_TOKEN_MEMBER;
            set->tokens[t].user = user;
            set->members++;
            *token = t;
        }
    }
    /* Pass on a wake-up meant for other adders (grace is binary). */
    if (set->grace_waiters && set->free_head != NS_NONE)
        seL4_Signal(set->grace.cap);
    ns_mutex_unlock(&set->lock);
    return err;
}

int ns_add(ns_set_t *set, seL4_CPtr notification, void *user, seL4_Word *token)
{
    return add(set, notification, user, token, false);
}

int ns_add_owned(ns_set_t *set, seL4_CPtr slot, void *user, seL4_Word *token)
{
    return add(set, slot, user, token, true);
}

/* The backend stops watching the member; the token turns LIMBO (frontend.h) with the
 * backend's pending event, if any, queued for the next wait (a blocked one is kicked). */
int ns_remove(ns_set_t *set, seL4_Word token)
{
    if (!set)
        return -seL4_InvalidArgument;
    ns_mutex_lock(&set->lock);
    if (token >= set->ntokens || set->tokens[token].state != NS_TOKEN_MEMBER) {
        ns_mutex_unlock(&set->lock);
        return -seL4_FailedLookup;
    }
    struct ns_fired pending = {token, 0};
    bool has_pending = false;
    ns_rt_lock();
    int err = set->ops->remove(set->state, token, &pending, &has_pending);
    ns_rt_unlock();
    if (err) {
        ns_mutex_unlock(&set->lock);
        return err;
    }
    struct ns_token *tk = &set->tokens[token];
    set->members--;
    tk->state = NS_TOKEN_LIMBO;
    tk->removed_at = set->epoch++;
    tk->next = set->limbo_head;
    set->limbo_head = (uint32_t)token;
    if (has_pending) {
        tk->has_pending = 1;
        tk->pending = pending.badge;
        tk->next_pending = NS_NONE;
        if (set->pending_tail == NS_NONE)
            set->pending_head = (uint32_t)token;
        else
            set->tokens[set->pending_tail].next_pending = (uint32_t)token;
        set->pending_tail = (uint32_t)token;
        ns_kick(set);
    }
    ns_reclaim(set);
    ns_mutex_unlock(&set->lock);
    return 0;
}
