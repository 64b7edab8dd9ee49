/*
 * Helpers for the libnotifyset test suite (tests/qemu/test_notifyset*.c), which is
 * compiled once and linked into one image per backend: each image adds a one-line object
 * (test_notifyset_config.c) that defines ns_test_config.
 *
 *   members   a member of a set as the tests see it: a cap to signal it (badge 1) and, for
 *             members the test owns, the notification itself (to Poll its word); owned
 *             members (ns_add_owned) when the configuration says so
 *   threads   runtime threads (rt_thread_create) that run test bodies; they must not use
 *             printf or malloc (the runtime's libc lock wants equal priorities)
 *   watchdog  a priority-1 thread that ends the run with a failure when nothing else has
 *             run for NS_TEST_HANG_SECONDS (a lost signal would otherwise hang the run)
 *
 * The root task's main thread runs at NS_TEST_PRIO; waiters run there too, so the
 * fallback's helpers sit one above by default.
 */
#ifndef NS_TEST_H
#define NS_TEST_H

#include <notifyset.h>
#include <rt/rt.h>
#include "testlib.h"

#define NS_TEST_PRIO         100
#define NS_TEST_HANG_SECONDS 8

/* What one image of the suite runs against. */
struct ns_test_config {
    const char *name;     /* the suite's name in its summary line */
    ns_backend_t backend; /* passed to ns_set_create */
    ns_fallback_variant_t variant;
    bool owned; /* members made with ns_add_owned */
};

extern const struct ns_test_config ns_test_config;

/* A set with the image's backend and variant and the given capacity; helper priority 0
 * (default) unless helper_prio is non-zero. NULL on failure (reported as a failed check). */
ns_set_t *nst_set(size_t capacity, seL4_Word helper_prio);
/* Whether the set's backend coalesces like the kernel object and orders strictly FIFO
 * (docs/api.md lists where the fallback differs). */
bool nst_is_kernel(const ns_set_t *set);

/* ---- Members ---- */

struct nst_member {
    seL4_CPtr sig;        /* signal through this (badge 1) */
    seL4_CPtr ntfn;       /* the notification (all rights); 0 for an owned member */
    struct rt_object obj; /* the notification object, for members the test made */
    seL4_Word token;
    bool in_set;
};

/* Makes n members' notifications (owned configurations make none: ns_add_owned does). */
int nst_members_make(struct nst_member *m, size_t n);
/* Frees what nst_members_make made (members must be out of every set). */
void nst_members_free(struct nst_member *m, size_t n);
/* Adds m (owned or not, per the configuration) with user pointer user. */
int nst_add(ns_set_t *set, struct nst_member *m, void *user);
/* Removes m; an owned member's signal cap disappears with it. */
int nst_remove(ns_set_t *set, struct nst_member *m);
static inline void nst_signal(const struct nst_member *m)
{
    seL4_Signal(m->sig);
}
/* The word pending in m's notification (Poll; 0 for owned members, which have none). */
seL4_Word nst_word(const struct nst_member *m);
/* A copy of m's notification badged `badge` (write right), in a new slot; 0 for owned. */
seL4_CPtr nst_badged(const struct nst_member *m, seL4_Word badge);

/* ---- Events ---- */

/* Collects events with ns_poll (max per call) until a call returns 0; stores up to cap
 * of them and returns the number collected (or a negative error). */
int nst_drain(ns_set_t *set, size_t max, struct ns_event *out, size_t cap);
/* Waits (blocking) until `want` events are collected. */
int nst_wait_for(ns_set_t *set, size_t max, struct ns_event *out, size_t want);

/* ---- Threads and the watchdog ---- */

/* Starts fn(arg) in a runtime thread at prio with a 16 KiB stack. */
seL4_Error nst_thread(struct rt_thread *t, seL4_Word prio, void *(*fn)(void *), void *arg);
/* Starts the watchdog; nst_progress() records progress and names the current stage. */
void nst_watchdog_start(void);
void nst_progress(const char *stage);

/* ---- Parts of the suite ---- */

void nst_error_tests(void);   /* test_notifyset_errors.c */
void nst_thread_tests(void);  /* test_notifyset_threads.c */
void nst_stress_test(void);   /* test_notifyset_stress.c */
void nst_reclaim_tests(void); /* test_notifyset_reclaim.c */

/* The generic timer's virtual counter and its frequency (EL0 may read both). */
static inline seL4_Word nst_now(void)
{
    seL4_Word v;
    __asm__ volatile("isb\n\tmrs %0, cntvct_el0" : "=r"(v));
    return v;
}

static inline seL4_Word nst_freq(void)
{
    seL4_Word v;
    __asm__ volatile("mrs %0, cntfrq_el0" : "=r"(v));
    return v;
}

#endif
