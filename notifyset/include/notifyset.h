/*
 * libnotifyset: wait on many seL4 notifications at once.
 *
 * One API over two backends, chosen when a set is created:
 *   NS_BACKEND_KERNEL    the kernel's notification-set object (kernels with kernel-patch/)
 *   NS_BACKEND_FALLBACK  stock seL4 only: one helper thread per member that waits on the
 *                        notification and forwards its word to the set's endpoint
 *   NS_BACKEND_BEST      the kernel object if the kernel has it, else the fallback
 *
 * A member is a notification cap (read right) plus a user pointer. ns_wait returns events
 * (user pointer, token, badge word) for members that were signalled; the word is consumed
 * as seL4_Wait consumes it. Membership persists: a member reports every later signal with
 * no re-arming. The semantics common to both backends, and every difference, are in
 * docs/api.md.
 *
 * Thread safety: ns_add, ns_remove and ns_poll may be called from any thread while one
 * or more threads block in ns_wait on the same set. ns_destroy must not race with any
 * other call on the set.
 *
 * Errors are negative seL4_Error values (-seL4_InvalidArgument, ...); 0 or a count on
 * success.
 */
#ifndef NOTIFYSET_H
#define NOTIFYSET_H

#include <stddef.h>
#include <sel4/sel4.h>

typedef enum {
    NS_BACKEND_BEST = 0,
    NS_BACKEND_KERNEL,
    NS_BACKEND_FALLBACK,
} ns_backend_t;

/* Fallback variants (ignored by the kernel backend). The default is the fastest correct
 * one; the others stay selectable for the benchmark. */
typedef enum {
    NS_FALLBACK_DEFAULT = 0,
    NS_FALLBACK_SEND, /* helper: Wait(member) -> seL4_Send(endpoint); waiter Recv + NBRecv drain */
    NS_FALLBACK_CALL, /* helper: Wait(member) -> seL4_Call(endpoint); waiter ReplyRecv (fastpath) */
    NS_FALLBACK_POOL, /* a fixed pool of helpers, each watching up to 64 members through the
                         badge bits of a private notification (members minted from
                         notifications the caller owns: see ns_add_owned) */
} ns_fallback_variant_t;

struct ns_config {
    ns_backend_t backend;
    size_t capacity;               /* most members at once (>= 1) */
    ns_fallback_variant_t variant; /* fallback only */
    seL4_Word helper_priority;     /* fallback only: 0 = one above the creating thread */
};

/* One signalled member. */
struct ns_event {
    void *user;      /* the pointer given to ns_add */
    seL4_Word token; /* the member's token */
    seL4_Word badge; /* the notification's word (OR of the badges signalled) */
};

typedef struct ns_set ns_set_t;

/* Creates a set (cfg NULL: best backend, capacity 1024). The creating thread must be the
 * root task or another thread with the runtime's allocators (runtime/include/rt/rt.h).
 * Returns 0, -seL4_IllegalOperation (kernel backend asked for on a kernel without the
 * object), -seL4_InvalidArgument (bad config) or -seL4_NotEnoughMemory. */
int ns_set_create(ns_set_t **set, const struct ns_config *cfg);
/* The backend a set uses (never NS_BACKEND_BEST). */
ns_backend_t ns_set_backend(const ns_set_t *set);
const char *ns_backend_name(ns_backend_t b);

/* Watches notification (a cap the caller holds with the read right; the library keeps no
 * copy beyond the set's lifetime). *token receives the member's token. Errors:
 * -seL4_NotEnoughMemory (set full or out of memory), -seL4_InvalidCapability (not a
 * notification cap with the read right), -seL4_IllegalOperation (already a member of a
 * set, or bound to a TCB). */
int ns_add(ns_set_t *set, seL4_CPtr notification, void *user, seL4_Word *token);
/* NS_FALLBACK_POOL only: as ns_add, for a notification the caller owns through an
 * unbadged cap with all rights; the library mints badged caps of it for the pool. */
int ns_add_owned(ns_set_t *set, seL4_CPtr notification, void *user, seL4_Word *token);
/* Stops watching a member. Signals before the call are not lost: they are either still in
 * the notification's word or reported by a later ns_wait/ns_poll (docs/api.md).
 * -seL4_FailedLookup for a token that is not a member. */
int ns_remove(ns_set_t *set, seL4_Word token);

/* Blocks until at least one member is signalled; fills up to max events (1..60) and
 * returns their number. */
int ns_wait(ns_set_t *set, struct ns_event *events, size_t max);
/* As ns_wait without blocking: returns 0..max. */
int ns_poll(ns_set_t *set, struct ns_event *events, size_t max);

/* Removes every member, reclaims every object and all memory the set used. */
int ns_set_destroy(ns_set_t *set);

#endif
