/*
 * The head-to-head benchmark (issue 7): one root task that runs every scenario over every
 * backend and N in one boot, printing rows in the CSV layout of bench/results/results.csv:
 *
 *   scenario,backend,kernel,n,active,batch,events,instr_per_event,kentries_per_event,
 *   cswitch_per_event,max_kentry_instr,bytes_per_member
 *
 * A backend is an adapter (backends.c) with one interface, so every scenario (scenarios.c)
 * runs unchanged over the kernel set, the user-level fallback variants and the baselines.
 */
#ifndef H2H_H
#define H2H_H

#include <stdbool.h>
#include <stddef.h>
#include <runtime.h>
#include <rt/cspace.h>
#include <rt/object.h>

#define H2H_MAX_BATCH   64
#define H2H_ROOT_PRIO   100
#define H2H_WAITER_PRIO 150

struct h2h_event {
    seL4_Word token;
    seL4_Word word;
};

/* One backend's state for one N. */
struct h2h_set {
    const struct h2h_backend *backend;
    size_t n;
    seL4_CPtr *watch_caps;  /* member i's notification (unbadged, all rights) */
    seL4_CPtr *signal_caps; /* what seL4_Signal is called on to signal member i: a copy
                               badged 1 << (i % 64), so every signal carries a word */
    struct rt_object_batch *batches;
    struct rt_cspace_range *copies; /* the slots of the badged copies, per batch */
    size_t nbatches;
    void *state; /* the backend's own */
};

struct h2h_backend {
    const char *name;
    size_t max_n;          /* largest N it applies to (0: no limit) */
    bool needs_kernel_set; /* only on kernels with the notification-set object */
    bool can_block;        /* a thread can block until a member is signalled */
    bool has_members;      /* add/remove one member at a time (sets, not baselines) */
    /* Builds an empty watch for s->n members over the notifications already in
     * s->signal_caps (baselines watch them all at once here). */
    int (*create)(struct h2h_set *s);
    /* Starts / stops watching member i (sets only). */
    int (*add)(struct h2h_set *s, size_t i);
    int (*remove)(struct h2h_set *s, size_t i);
    /* Up to max events; blocks if `block` and nothing is pending. Returns the count. */
    int (*wait)(struct h2h_set *s, struct h2h_event *ev, size_t max, bool block);
    void (*destroy)(struct h2h_set *s);
};

extern const struct h2h_backend *const h2h_backends[];

/* Notifications for a set: n fresh ones in batches (s->batches), caps in s->signal_caps. */
int h2h_make_notifications(struct h2h_set *s, size_t n);
void h2h_free_notifications(struct h2h_set *s);

/* The priority of the thread that will wait on the set being built (the fallback puts its
 * helpers just above it): the scenario sets it before building. */
extern seL4_Word h2h_waiter_prio;

/* The kernel in use ("base" or "patched"), found by probing. */
extern const char *h2h_kernel;
extern bool h2h_have_sets;

/* Scenarios: each prints its rows for one backend and one n. */
void h2h_wake(const struct h2h_backend *b, size_t n);
void h2h_wake_xas(const struct h2h_backend *b, size_t n);
void h2h_burst(const struct h2h_backend *b, size_t n);
void h2h_setup(const struct h2h_backend *b, size_t n);
void h2h_teardown(const struct h2h_backend *b, size_t n);
void h2h_irq(const struct h2h_backend *b, size_t n);

/* Row output; fields as in the header above. per-event figures are totals / events. */
struct h2h_row {
    const char *scenario;
    const char *backend;
    size_t n, active, batch, events;
    unsigned long long instr, kentries, cswitches, max_kentry;
    double bytes_per_member;
};
void h2h_print(const struct h2h_row *r);
/* A row saying a configuration was not run, and why (a comment line, never silent). */
void h2h_skip(const char *scenario, const char *backend, size_t n, const char *why);

/* Measurement helpers. */
struct h2h_counters {
    unsigned long long instr, kentries, cswitches, max_kentry;
};
void h2h_begin(struct h2h_counters *c);
void h2h_end(struct h2h_counters *c);
static inline seL4_Word h2h_cycles(void)
{
    return seL4_BenchmarkReadCycles();
}

#endif
