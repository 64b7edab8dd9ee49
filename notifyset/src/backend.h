/*
 * The interface between libnotifyset's front end (notifyset.c: configuration, the token
 * table that maps tokens to user pointers, locking, dispatch) and its backends, each a
 * fixed set of functions in its own .c file, like Redis's ae_*.c: backend_kernel.c and
 * userspace-fallback/fallback.c. Both are always compiled; ns_set_create picks one.
 *
 * The front end owns token allocation (tokens are 0 .. ntokens-1) and the user pointers;
 * a backend only sees tokens and fills a normalised array of fired (token, badge) pairs.
 *
 * Concurrency: create, add, remove and destroy are called with the set's lock and the
 * library's allocator lock held (one at a time per set); wait is called with no lock
 * held, from any number of threads at once, concurrently with add and remove.
 */
#ifndef NS_BACKEND_H
#define NS_BACKEND_H

#include <notifyset.h>
#include <rt/object.h>

struct ns_fired {
    seL4_Word token;
    seL4_Word badge;
};

struct ns_backend_ops {
    const char *name;
    /* Builds the backend's state for a set with tokens 0 .. ntokens-1 (cfg is resolved:
     * backend, variant and priorities are filled in); *state receives it. */
    int (*create)(const struct ns_config *cfg, size_t ntokens, void **state);
    /* Watches notification as token (front end checked the token is free). With owned,
     * `notification` is instead an empty slot of the caller that receives the member's
     * signal cap (the backend makes the member: see ns_add_owned). */
    int (*add)(void *state, seL4_CPtr notification, seL4_Word token, bool owned);
    /* Stops watching token; a signal it had already taken goes to *pending (has_pending
     * set), for the front end to report. */
    int (*remove)(void *state, seL4_Word token, struct ns_fired *pending, bool *has_pending);
    /* Fills up to max fired members, at most one per token; blocks if `block` and nothing
     * is ready. Returns the count or a negative error. */
    int (*wait)(void *state, struct ns_fired *fired, size_t max, bool block);
    void (*destroy)(void *state);
};

extern const struct ns_backend_ops ns_backend_kernel;
extern const struct ns_backend_ops ns_backend_fallback;

/* Adds (token, badge) to fired[0..n): ORs it into an entry of the same token if there is
 * one, else appends it. Returns the new count. */
static inline size_t ns_fired_merge(struct ns_fired *fired, size_t n, seL4_Word token,
                                    seL4_Word badge)
{
    for (size_t i = 0; i < n; i++) {
        if (fired[i].token == token) {
            fired[i].badge |= badge;
            return n;
        }
    }
    fired[n].token = token;
    fired[n].badge = badge;
    return n + 1;
}

/* ---- Shared helpers (ns_util.c) ---- */

/* A mutex that blocks on a notification (a "benaphore"): uncontended lock and unlock are
 * one atomic each; a contended lock waits on the notification, so threads of any
 * priorities may share it (unlike a spin lock that yields). */
struct ns_mutex {
    volatile int count; /* threads holding or wanting the lock */
    seL4_CPtr ntfn;
};

void ns_mutex_lock(struct ns_mutex *m);
void ns_mutex_unlock(struct ns_mutex *m);

/* The library's lock around the runtime's allocators (not thread-safe themselves). */
void ns_rt_lock(void);
void ns_rt_unlock(void);
/* Makes the allocator lock's notification (first ns_set_create; not thread-safe). */
int ns_rt_lock_init(void);

/* Zeroed memory of `size` bytes from untyped memory (mapped frames), not from the heap, so
 * that big tables neither need a large heap nor escape the untyped accounting. Caller
 * holds the allocator lock. NULL when memory runs out. */
void *ns_mem_alloc(size_t size);
void ns_mem_free(void *p);

/* An owned member's notification (ns_add_owned, backends other than the pool): retyped
 * by the library, the caller's slot gets a write-only cap badged NS_OWNED_BADGE. */
struct ns_owned {
    struct rt_object ntfn; /* the original cap (all rights); cap 0 if none */
};

/* Makes the notification and the caller's cap in `slot`. Caller holds the allocator lock. */
int ns_owned_make(struct ns_owned *o, seL4_CPtr slot);
/* Deletes the notification and every cap to it; returns the word it still held (0 if
 * none). Caller holds the allocator lock. */
seL4_Word ns_owned_release(struct ns_owned *o);
/* Maps an rt error (positive seL4_Error) to the library's negative convention. */
static inline int ns_err(seL4_Error e)
{
    return e == seL4_NoError ? 0 : -(int)e;
}

#endif
