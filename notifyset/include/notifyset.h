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
 * Thread safety: ns_add, ns_add_owned, ns_remove, ns_wait and ns_poll may be called from
 * any thread while one or more threads block in ns_wait on the same set. ns_set_create and
 * ns_set_destroy use the runtime's allocators, which are not thread-safe: call them from
 * one thread at a time, and ns_set_destroy only when no other call on the set is in
 * progress. The library serialises its own use of the allocators (ns_add and ns_remove
 * of the fallback, and owned members, allocate), but not the application's.
 *
 * Errors are negative seL4_Error values (-seL4_InvalidArgument, ...); 0 or a count on
 * success. A call that fails has changed nothing.
 */
#ifndef NOTIFYSET_H
#define NOTIFYSET_H

#include <stdbool.h>
#include <stddef.h>
#include <sel4/sel4.h>

typedef enum {
    NS_BACKEND_BEST = 0,
    NS_BACKEND_KERNEL,
    NS_BACKEND_FALLBACK,
} ns_backend_t;

/* Fallback variants (ignored by the kernel backend). The default is the fastest correct
 * one (NS_FALLBACK_SEND, measured: userspace-fallback/README.md); the others stay
 * selectable for the benchmark. */
typedef enum {
    NS_FALLBACK_DEFAULT = 0,
    NS_FALLBACK_SEND, /* helper: Wait(member) -> seL4_Send(endpoint); waiter Recv + NBRecv drain */
    NS_FALLBACK_CALL, /* helper: Wait(member) -> seL4_Call(endpoint); waiter ReplyRecv (fastpath) */
    NS_FALLBACK_POOL, /* owned members (ns_add_owned) are badge bits of a private notification,
                         up to 64 per helper thread; other members get their own helper as
                         in NS_FALLBACK_SEND */
} ns_fallback_variant_t;

struct ns_config {
    ns_backend_t backend;
    size_t capacity;               /* most members at once (1 .. NS_MAX_CAPACITY) */
    ns_fallback_variant_t variant; /* fallback only */
    seL4_Word helper_priority;     /* fallback only: 0 = waiter_priority + 1 (docs/api.md) */
    seL4_Word waiter_priority;     /* the priority of the threads that will call ns_wait
                                      (0: seL4_MaxPrio, the root task's) */
};

#define NS_MAX_CAPACITY 65536
#define NS_MAX_EVENTS   60 /* most events one ns_wait/ns_poll returns */
#define NS_OWNED_BADGE  1  /* the badge word of an owned member's events */

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
/* The fallback variant a set uses (NS_FALLBACK_DEFAULT resolved; NS_FALLBACK_DEFAULT for
 * a kernel set). */
ns_fallback_variant_t ns_set_variant(const ns_set_t *set);
const char *ns_backend_name(ns_backend_t b);
const char *ns_variant_name(ns_fallback_variant_t v);

/* Watches notification (a cap the caller holds with the read right; the library keeps no
 * copy beyond the member's lifetime). *token receives the member's token, a small integer
 * below 2 * capacity + 1. Errors: -seL4_NotEnoughMemory (set full or out of memory),
 * -seL4_InvalidCapability (not a notification cap with the read right),
 * -seL4_IllegalOperation (kernel backend: already a member of a set, or bound to a TCB;
 * the fallback cannot see either: docs/api.md). */
int ns_add(ns_set_t *set, seL4_CPtr notification, void *user, seL4_Word *token);
/* Adds a member whose notification the library provides and owns: `slot` (an empty slot
 * of the caller's CSpace, a cptr resolved from rt_cspace_root() with depth 64) receives a
 * cap with the write right only that signals the member; hand out copies of it to the
 * signallers. Events of an owned member carry badge NS_OWNED_BADGE. ns_remove deletes
 * every cap derived from it (wherever it was copied) and reports a signal not yet reported.
 * With NS_FALLBACK_POOL the member is one badge bit of a notification that one helper
 * thread watches for 64 members; elsewhere the library retypes a notification for it.
 * Errors as ns_add, and -seL4_FailedLookup / -seL4_DeleteFirst for a bad or full slot. */
int ns_add_owned(ns_set_t *set, seL4_CPtr slot, void *user, seL4_Word *token);
/* Stops watching a member. Signals before the call are not lost: they are either still in
 * the notification's word or reported by a later ns_wait/ns_poll (docs/api.md). The
 * token is not reused while a wait that may still report it is in progress.
 * -seL4_FailedLookup for a token that is not a member. */
int ns_remove(ns_set_t *set, seL4_Word token);

/* Blocks until at least one member is signalled; fills up to max events (1..60) and
 * returns their number. One call reports a member at most once. -seL4_RangeError for a
 * bad max, -seL4_InvalidArgument for NULL arguments. */
int ns_wait(ns_set_t *set, struct ns_event *events, size_t max);
/* As ns_wait without blocking: returns 0..max. */
int ns_poll(ns_set_t *set, struct ns_event *events, size_t max);

/* Removes every member, reclaims every object and all memory the set used. */
int ns_set_destroy(ns_set_t *set);

/* Does the running kernel have the notification-set object? (Probes once; root task.) */
bool ns_kernel_has_sets(void);

#endif
