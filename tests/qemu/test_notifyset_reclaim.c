/*
 * Part of the libnotifyset suite (test_notifyset.c): memory.
 *   destroy with events pending: everything comes back and the member notifications still
 *   work (the kernel object leaves their words in them; the fallback loses words its
 *   helpers had taken: docs/api.md);
 *   memory per member, printed for the record;
 *   a set of 4,096 members created and destroyed 100 times: the untyped allocator's free
 *   bytes and the CSpace's free slots are exactly where they started.
 */
#include <stdio.h>
#include "ns_test.h"

#define BIG    4096
#define ROUNDS 100

static struct nst_member big[BIG];

/* One set of n members from m, a few of them signalled, then destroyed. */
static bool round_trip(struct nst_member *m, size_t n, unsigned signal_every)
{
    ns_set_t *set = nst_set(n, 0);
    if (!set)
        return false;
    bool ok = true;
    for (size_t i = 0; i < n && ok; i++)
        ok = nst_add(set, &m[i], &m[i]) == 0;
    for (size_t i = 0; i < n && ok && signal_every; i += signal_every)
        nst_signal(&m[i]);
    ok = ns_set_destroy(set) == 0 && ok;
    for (size_t i = 0; i < n; i++) {
        m[i].in_set = false;
        if (ns_test_config.owned && m[i].sig) {
            rt_cspace_free(m[i].sig); /* the library deleted the cap in it */
            m[i].sig = 0;
        }
        nst_word(&m[i]); /* take any word the destroy left behind */
    }
    return ok;
}

static void test_destroy_pending(void)
{
    nst_progress("destroy with events pending");
    enum { M = 64 };
    struct nst_member *m = big;
    if (nst_members_make(m, M))
        return;
    round_trip(m, M, 1); /* page tables for the tables' addresses, once */
    seL4_Word bytes = rt_untyped_free_bytes(), slots = rt_cspace_free_slots();
    ns_set_t *set = nst_set(M, 0);
    bool ok = set != NULL;
    for (unsigned i = 0; i < M && ok; i++)
        ok = nst_add(set, &m[i], &m[i]) == 0;
    for (unsigned i = 0; i < M && ok; i++)
        nst_signal(&m[i]);
    bool kernel = ok && nst_is_kernel(set);
    CHECK(ok && ns_set_destroy(set) == 0, "a set destroyed with 64 events pending");
    unsigned kept = 0;
    for (unsigned i = 0; i < M; i++) {
        if (ns_test_config.owned && m[i].sig) {
            rt_cspace_free(m[i].sig);
            m[i].sig = 0;
        }
        kept += nst_word(&m[i]) != 0;
    }
    CHECK_EQ(rt_untyped_free_bytes(), bytes, "every byte of untyped memory is back");
    CHECK_EQ(rt_cspace_free_slots(), slots, "every CSpace slot is back");
    printf("# destroy: %u of %u pending words left in the notifications\n", kept, M);
    if (ns_test_config.owned)
        CHECK_EQ(kept, 0, "owned members' notifications went with the set");
    else if (kernel)
        CHECK_EQ(kept, M, "kernel: every pending word stays in its notification");
    else
        CHECK(kept < M, "fallback: words its helpers had taken are gone with them");
    ok = true;
    for (unsigned i = 0; i < M && !ns_test_config.owned; i++) {
        nst_signal(&m[i]);
        ok = ok && nst_word(&m[i]) == 1;
    }
    CHECK(ok, "the member notifications work as plain notifications afterwards");
    nst_members_free(m, M);
}

/* Untyped bytes a set takes: when created (per unit of capacity) and per member added. */
static void test_bytes_per_member(void)
{
    nst_progress("bytes per member");
    enum { M = 1024 };
    if (nst_members_make(big, M))
        return;
    round_trip(big, M, 0);
    seL4_Word b0 = rt_untyped_free_bytes();
    ns_set_t *set = nst_set(M, 0);
    if (!set)
        return;
    seL4_Word b1 = rt_untyped_free_bytes();
    bool ok = true;
    for (unsigned i = 0; i < M && ok; i++)
        ok = nst_add(set, &big[i], &big[i]) == 0;
    seL4_Word b2 = rt_untyped_free_bytes();
    CHECK(ok, "1,024 members added");
    printf("# memory,%s,%s,capacity=%u,create_bytes_per_capacity=%lu,"
           "add_bytes_per_member=%lu,total_bytes_per_member=%lu\n",
           ns_backend_name(ns_set_backend(set)), ns_variant_name(ns_set_variant(set)), M,
           (unsigned long)((b0 - b1) / M), (unsigned long)((b1 - b2) / M),
           (unsigned long)((b0 - b2) / M));
    ns_set_destroy(set);
    for (unsigned i = 0; i < M; i++) {
        if (ns_test_config.owned && big[i].sig) {
            rt_cspace_free(big[i].sig);
            big[i].sig = 0;
        }
    }
    CHECK_EQ(rt_untyped_free_bytes(), b0, "and all of it is back after the destroy");
    nst_members_free(big, M);
}

/* The proof: 100 rounds of a 4,096-member set, every round reclaimed in full. */
static void test_reclaim_rounds(void)
{
    nst_progress("4096 x 100");
    if (nst_members_make(big, BIG)) {
        CHECK(false, "4,096 notifications");
        return;
    }
    bool ok = round_trip(big, BIG, 64); /* page tables, once */
    seL4_Word bytes = rt_untyped_free_bytes(), slots = rt_cspace_free_slots();
    seL4_Word start = nst_now();
    for (unsigned r = 0; r < ROUNDS && ok; r++) {
        ok = round_trip(big, BIG, 64 + r);
        nst_progress("4096 x 100");
    }
    seL4_Word ms = (nst_now() - start) / (nst_freq() / 1000);
    printf("# 4096 x 100: %lu.%03lu s of QEMU time (generic timer)\n", (unsigned long)(ms / 1000),
           (unsigned long)(ms % 1000));
    CHECK(ok, "a set of 4,096 members created, signalled and destroyed 100 times");
    CHECK_EQ(rt_untyped_free_bytes(), bytes, "the untyped free count is back where it started");
    CHECK_EQ(rt_cspace_free_slots(), slots, "and so is the CSpace's");
    nst_members_free(big, BIG);
}

void nst_reclaim_tests(void)
{
    test_destroy_pending();
    test_bytes_per_member();
    test_reclaim_rounds();
}
