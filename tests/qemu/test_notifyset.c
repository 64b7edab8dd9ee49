/*
 * The libnotifyset suite, compiled once and linked into one image per backend and variant
 * (test_notifyset_config.c selects it). This file: the entry point, configuration and
 * backend choice, ordering, coalescing, max smaller than the ready count.
 * test_notifyset_errors.c: errors, and removal with a signal outstanding.
 * test_notifyset_threads.c: add/remove while waiting, many waiters, no lost signal under
 * stress. test_notifyset_reclaim.c: destroy with events pending, memory reclaimed.
 *
 * Where the backends differ (docs/api.md, "Differences"), a check names the behaviour it
 * expects of the set's backend.
 */
#include <stdio.h>
#include "ns_test.h"

#define N 8

static int user_tags[64]; /* user pointers: &user_tags[i] for member i */

/* Backend choice and configuration errors. */
static void test_config(void)
{
    nst_progress("config");
    bool has = ns_kernel_has_sets();
    printf("# kernel has notification sets: %s; suite: %s\n", has ? "yes" : "no",
           ns_test_config.name);
    ns_set_t *set = NULL;
    CHECK_EQ(ns_set_create(&set, NULL), 0, "a set with the default configuration");
    if (set) {
        CHECK_EQ(ns_set_backend(set), has ? NS_BACKEND_KERNEL : NS_BACKEND_FALLBACK,
                 "'best' picks the kernel object exactly when the kernel has it");
        ns_set_destroy(set);
    }
    struct ns_config bad[] = {
        {.capacity = 0},
        {.capacity = NS_MAX_CAPACITY + 1},
        {.backend = 7, .capacity = 4},
        {.backend = NS_BACKEND_FALLBACK, .capacity = 4, .variant = 9},
        {.backend = NS_BACKEND_FALLBACK, .capacity = 4, .helper_priority = 256},
    };
    bool ok = true;
    for (unsigned i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
        ok = ns_set_create(&set, &bad[i]) == -seL4_InvalidArgument && ok;
    CHECK(ok, "bad capacity, backend, variant or priority: InvalidArgument");
    CHECK_EQ(ns_set_create(NULL, NULL), -seL4_InvalidArgument, "no result pointer");
    struct ns_config kcfg = {.backend = NS_BACKEND_KERNEL, .capacity = 4};
    int err = ns_set_create(&set, &kcfg);
    CHECK_EQ(err, has ? 0 : -seL4_IllegalOperation,
             "the kernel backend exists exactly on the patched kernel");
    if (!err)
        ns_set_destroy(set);
    set = nst_set(4, 0);
    if (set) {
        CHECK_EQ(ns_set_backend(set),
                 ns_test_config.backend == NS_BACKEND_BEST
                     ? (has ? NS_BACKEND_KERNEL : NS_BACKEND_FALLBACK)
                     : ns_test_config.backend,
                 "the suite's set uses the backend it asked for");
        printf("# suite set: backend %s, variant %s\n", ns_backend_name(ns_set_backend(set)),
               ns_variant_name(ns_set_variant(set)));
        ns_set_destroy(set);
    }
}

/* Signals members in a scrambled order with nobody waiting, then collects. */
static void test_ordering(void)
{
    nst_progress("ordering");
    static const unsigned order[N] = {3, 1, 7, 0, 5, 2, 6, 4};
    struct nst_member m[N];
    struct ns_event ev[NS_MAX_EVENTS];
    ns_set_t *set = nst_set(N, 0);
    if (!set || nst_members_make(m, N))
        return;
    bool ok = true;
    for (unsigned i = 0; i < N; i++)
        ok = nst_add(set, &m[i], &user_tags[i]) == 0 && ok;
    CHECK(ok, "8 members added");
    CHECK_EQ(ns_poll(set, ev, NS_MAX_EVENTS), 0, "nothing signalled: poll returns 0");
    for (unsigned i = 0; i < N; i++)
        nst_signal(&m[order[i]]);
    int n = nst_drain(set, NS_MAX_EVENTS, ev, NS_MAX_EVENTS);
    CHECK_EQ(n, N, "one event per signalled member");
    bool fifo = n == N, each = n == N;
    for (int i = 0; i < n && i < N; i++) {
        fifo = fifo && ev[i].user == &user_tags[order[i]] && ev[i].token == m[order[i]].token;
        each = each && ev[i].badge == 1;
    }
    CHECK(each, "each event carries the member's word (badge 1)");
    bool pool_owned = ns_set_variant(set) == NS_FALLBACK_POOL && ns_test_config.owned;
    if (pool_owned) {
        /* docs/api.md: bits of one pool notification taken together go out lowest first. */
        bool all = n == N;
        for (unsigned i = 0; i < N && all; i++) {
            bool found = false;
            for (int j = 0; j < n; j++)
                found = found || ev[j].user == &user_tags[i];
            all = found;
        }
        CHECK(all, "pool: every member reported (order within a group: lowest bit first)");
    } else {
        CHECK(fifo, "events come in the order the members were signalled (FIFO)");
    }
    for (unsigned i = 0; i < N; i++)
        nst_remove(set, &m[i]);
    ns_set_destroy(set);
    nst_members_free(m, N);
}

/* Several signals of one member before a wait: one event, the OR of the badges. */
static void test_coalescing(void)
{
    nst_progress("coalescing");
    struct nst_member m[2];
    struct ns_event ev[NS_MAX_EVENTS];
    ns_set_t *set = nst_set(4, 0);
    if (!set || nst_members_make(m, 2))
        return;
    nst_add(set, &m[0], &user_tags[0]);
    nst_add(set, &m[1], &user_tags[1]);
    seL4_CPtr b2 = nst_badged(&m[0], 2), b4 = nst_badged(&m[0], 4);
    nst_signal(&m[0]);
    nst_signal(&m[1]);
    if (b2) {
        seL4_Signal(b2);
        seL4_Signal(b4);
    } else {
        nst_signal(&m[0]);
    }
    int n = ns_poll(set, ev, NS_MAX_EVENTS);
    CHECK_EQ(n, 2, "two members signalled (one of them three times): two events");
    bool ok = n == 2 && ev[0].token == m[0].token && ev[1].token == m[1].token;
    CHECK(ok, "the re-signalled member kept its place (it was signalled first)");
    CHECK_EQ(n >= 1 ? ev[0].badge : 0, b2 ? 7 : 1, "its word is the OR of the badges");
    CHECK_EQ(ns_poll(set, ev, NS_MAX_EVENTS), 0, "and nothing more is reported");
    /* Signals after a wait reported the member: reported again (persistent membership). */
    for (int round = 0; round < 3; round++)
        nst_signal(&m[1]);
    n = ns_poll(set, ev, NS_MAX_EVENTS);
    CHECK(n == 1 && ev[0].user == &user_tags[1] && ev[0].badge == 1,
          "a member reports again after its event was collected, with no re-arming");
    if (b2) {
        rt_cspace_delete(b2);
        rt_cspace_delete(b4);
        rt_cspace_free(b2);
        rt_cspace_free(b4);
    }
    nst_remove(set, &m[0]);
    nst_remove(set, &m[1]);
    ns_set_destroy(set);
    nst_members_free(m, 2);
}

/* More members ready than one wait may return. */
static void test_max_smaller(void)
{
    nst_progress("max smaller than ready");
    enum { M = 10 };
    struct nst_member m[M];
    struct ns_event ev[NS_MAX_EVENTS];
    ns_set_t *set = nst_set(M, 0);
    if (!set || nst_members_make(m, M))
        return;
    for (unsigned i = 0; i < M; i++)
        nst_add(set, &m[i], &user_tags[i]);
    for (unsigned i = 0; i < M; i++)
        nst_signal(&m[i]);
    int a = ns_wait(set, ev, 3), b = 0, c = 0;
    bool order = a == 3;
    for (int i = 0; i < a && order; i++)
        order = ev[i].user == &user_tags[i];
    CHECK_EQ(a, 3, "wait with max 3 and 10 ready: 3 events");
    b = ns_wait(set, ev, 3);
    for (int i = 0; i < b && order; i++)
        order = ev[i].user == &user_tags[3 + i];
    CHECK_EQ(b, 3, "the next wait: the next 3");
    c = nst_drain(set, 1, ev, NS_MAX_EVENTS);
    for (int i = 0; i < c && order; i++)
        order = ev[i].user == &user_tags[6 + i];
    CHECK_EQ(c, 4, "polls with max 1 take the remaining 4, one each");
    if (!(ns_set_variant(set) == NS_FALLBACK_POOL && ns_test_config.owned))
        CHECK(order, "in the order they were signalled");
    for (unsigned i = 0; i < M; i++)
        nst_remove(set, &m[i]);
    ns_set_destroy(set);
    nst_members_free(m, M);
}

int main(void)
{
    test_begin(ns_test_config.name);
    if (rt_init(0) != seL4_NoError) {
        CHECK(false, "rt_init");
        test_finish();
    }
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, NS_TEST_PRIO);
    nst_watchdog_start();
    test_config();
    test_ordering();
    test_coalescing();
    test_max_smaller();
    nst_error_tests();
    nst_thread_tests();
    nst_reclaim_tests();
    nst_progress("done");
    test_finish();
}
