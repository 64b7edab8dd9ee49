/*
 * The interface between libnotifyset's front end (notifyset.c: configuration, the token
 * table that maps tokens to user pointers, locking, dispatch) and its backends, each a
 * fixed set of functions in its own .c file, like Redis's ae_*.c: backend_kernel.c and
 * userspace-fallback/fallback.c. Both are always compiled; ns_set_create picks one.
 *
 * The front end owns token allocation (tokens are 0 .. capacity-1) and the user pointers;
 * a backend only sees tokens and fills a normalised array of fired (token, badge) pairs.
 */
#ifndef NS_BACKEND_H
#define NS_BACKEND_H

#include <notifyset.h>

struct ns_fired {
    seL4_Word token;
    seL4_Word badge;
};

struct ns_backend_ops {
    const char *name;
    /* Builds the backend's state for a set of capacity members; *state receives it. */
    int (*create)(const struct ns_config *cfg, void **state);
    /* Watches notification as token (front end checked the token is free). */
    int (*add)(void *state, seL4_CPtr notification, seL4_Word token, bool owned);
    /* Stops watching token; a signal it had already taken goes to *pending (has_pending
     * set), for the front end to report. */
    int (*remove)(void *state, seL4_Word token, struct ns_fired *pending, bool *has_pending);
    /* Fills up to max fired members; blocks if `block` and nothing is ready. */
    int (*wait)(void *state, struct ns_fired *fired, size_t max, bool block);
    void (*destroy)(void *state);
};

extern const struct ns_backend_ops ns_backend_kernel;
extern const struct ns_backend_ops ns_backend_fallback;

/* Does the running kernel have the notification-set object? (Probes once.) */
bool ns_kernel_has_sets(void);

#endif
