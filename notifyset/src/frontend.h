/*
 * The front end's state of one set, shared by notifyset.c (create, add, remove, destroy)
 * and ns_wait.c (wait, poll and the bookkeeping that keeps their results right while
 * members come and go).
 *
 * Tokens (0 .. ntokens-1, ntokens = 2 * capacity + 1) move through these states:
 *
 *     FREE --ns_add--> MEMBER --ns_remove--> LIMBO --grace over, nothing pending--> FREE
 *
 * plus one KICK token, the front end's own member (a notification it signals to wake a
 * waiter). A LIMBO token keeps its user pointer: a thread that was already inside a wait
 * when the member was removed may still hold an event of it (taken from the kernel but not
 * yet mapped), and must be able to report it under the right user pointer. The token is
 * freed once every wait that was in progress at the removal ("in flight") has returned;
 * waits are tracked on a list in the order they started, each with the epoch (number of
 * removals so far) at its start.
 *
 * A LIMBO token may also carry a pending event: a signal the backend had taken but not yet
 * delivered when the member was removed (fallback helpers). Pending events are reported by
 * the next wait or poll, first; the KICK member wakes a blocked waiter for them.
 */
#ifndef NS_FRONTEND_H
#define NS_FRONTEND_H

#include <stdint.h>
#include <rt/object.h>
#include "backend.h"

#define NS_NONE UINT32_MAX

enum ns_token_state { NS_TOKEN_FREE, NS_TOKEN_MEMBER, NS_TOKEN_LIMBO, NS_TOKEN_KICK };

struct ns_token {
    void *user;
    seL4_Word pending;   /* the pending event's word (LIMBO with has_pending) */
    uint64_t removed_at; /* epoch of the removal (LIMBO) */
    uint32_t next;       /* free list or limbo list */
    uint32_t next_pending;
    uint8_t state;
    uint8_t has_pending;
};

/* One wait or poll in progress, on its caller's stack. */
struct ns_inflight {
    struct ns_inflight *prev, *next;
    uint64_t entry; /* the set's epoch when it started */
};

struct ns_set {
    /* Fixed at creation. */
    const struct ns_backend_ops *ops;
    void *state;
    struct ns_config cfg; /* resolved */
    size_t ntokens;
    seL4_Word kick_token;
    struct rt_object lock_ntfn, kick, grace;

    /* Guarded by lock. */
    struct ns_mutex lock;
    struct ns_token *tokens;
    size_t members;
    uint32_t free_head;
    uint32_t limbo_head;
    uint32_t pending_head, pending_tail;
    uint64_t epoch;
    struct ns_inflight *inflight_head, *inflight_tail;
    unsigned grace_waiters; /* ns_add callers waiting for LIMBO tokens to become FREE */
};

/* ns_wait.c: frees LIMBO tokens whose grace period is over; returns how many. Lock held. */
size_t ns_reclaim(struct ns_set *s);
/* Signals the KICK member: a thread blocked in a wait (or the next one) wakes. */
void ns_kick(struct ns_set *s);

#endif
