/*
 * Chains of sets (docs/notification-set.md, "Composition", "The operations, and why each
 * is bounded"). SetNotification refuses a notification that is a set member, but Add does
 * not refuse a notification that a set signals, so a chain can be built the other way
 * round: set i announces itself on notification N(i), which is a member of set i + 1. An
 * announcement travels one step only: one Signal on set 0's member makes N(0) ready in
 * set 1, and set 1 does not announce itself in turn, so the Signal stays O(1).
 *  - a chain of 3: set 1 has N(0) ready, N(1) got nothing, set 2 is empty;
 *  - the longest kernel entry of that one Signal for chains of 1, 16, 64 and 256 sets
 *    (kernel counters, instructions under -icount): the spec promises O(1) for a Signal,
 *    so the 256-set figure must stay within a small constant of the 1-set one;
 *  - a chain of 4000 sets: the Signal must not crash the kernel (its stack is 16 KiB).
 */
#include <stdio.h>
#include "nset_util.h"
#include "testlib.h"

#define ROOT_PRIO 100
#define MAX_CHAIN 4000
#define BIG_BITS  14

static seL4_CPtr big_cn, ut_sets, ut_ntfns;
static seL4_Word built; /* sets in the chain so far */
static seL4_NotificationSetEvent ev[seL4_NotificationSetMaxEvents];

/* big slots: sets at [0, MAX_CHAIN), their notifications after them, then badged copies. */
static seL4_CPtr set_at(seL4_Word i)
{
    return nset_big(i);
}
static seL4_CPtr ntfn_at(seL4_Word i)
{
    return nset_big(MAX_CHAIN + i);
}

/* Extends the chain to len sets: set i announces on N(i), a member of set i + 1. */
static bool build_chain(seL4_Word len)
{
    bool ok = true;
    for (seL4_Word i = built; i < len; i++) {
        ok = ok &&
             nset_big_mint(2 * MAX_CHAIN + i, MAX_CHAIN + i, seL4_AllRights, 1) == seL4_NoError;
        ok = ok && seL4_NotificationSet_SetNotification(set_at(i), nset_big(2 * MAX_CHAIN + i)) ==
                       seL4_NoError;
        if (i > 0)
            ok = ok && seL4_NotificationSet_Add(set_at(i), ntfn_at(i - 1), 0) == seL4_NoError;
    }
    built = len;
    return ok;
}

/* Signals the head member and returns the longest kernel entry; leaves the chain idle. */
static seL4_Word signal_chain(seL4_CPtr head, seL4_Word len, bool *arrived)
{
    seL4_BenchmarkCounters c;
    seL4_BenchmarkResetCounters();
    seL4_Signal(head);
    seL4_BenchmarkGetCounters(&c);
    /* One step: N(0) is ready in set 1 (or, with a single set, N(0) has the word). */
    if (len == 1) {
        *arrived = nset_ntfn_poll(ntfn_at(0)) == 1;
    } else {
        int got = seL4_NotificationSet_Poll(set_at(1), 60, ev);
        *arrived = got == 1 && ev[0].token == 0 && ev[0].word == 1 &&
                   (len < 3 || seL4_NotificationSet_Poll(set_at(2), 60, ev) == 0);
    }
    /* Drain every set of the chain for the next run. */
    for (seL4_Word i = 0; i < len; i++)
        seL4_NotificationSet_Poll(set_at(i), 60, ev);
    return c.max_entry_cycles;
}

int main(void)
{
    test_begin("nset_chain");
    kobj_set_my_prio(ROOT_PRIO);
    ipc_watchdog_start();
    big_cn = nset_cspace_init(BIG_BITS);
    ut_sets = kobj_untyped(20);
    ut_ntfns = kobj_untyped(18);
    bool ok = big_cn && ut_sets && ut_ntfns;
    for (seL4_Word i = 0; i < MAX_CHAIN; i += 250) {
        ok = ok && seL4_Untyped_Retype(ut_sets, seL4_NotificationSetObject, 2, KOBJ_ROOT, big_cn,
                                       KOBJ_DEPTH, i, 250) == seL4_NoError;
    }
    ok = ok &&
         nset_big_retype(ut_ntfns, seL4_NotificationObject, MAX_CHAIN, MAX_CHAIN) == seL4_NoError;
    seL4_CPtr head = kobj_new(seL4_NotificationObject, 0);
    ok = ok && seL4_NotificationSet_Add(set_at(0), head, 0) == seL4_NoError;
    CHECK(ok, "4000 sets of size_bits 2, 4000 notifications, a head member in set 0");

    ok = build_chain(3);
    CHECK(ok, "a chain of 3: SetNotification(set i, N(i)), Add(set i+1, N(i)) are accepted");
    bool arrived;
    signal_chain(head, 3, &arrived);
    CHECK(arrived, "one Signal on the head member goes one step: N(0) ready in set 1, "
                   "set 2 untouched");

    /* One set alone, announcing on a notification in no set: the baseline. */
    seL4_CPtr solo = nset_new(2), solo_head = kobj_new(seL4_NotificationObject, 0);
    seL4_CPtr solo_n = kobj_new(seL4_NotificationObject, 0);
    seL4_NotificationSet_Add(solo, solo_head, 0);
    seL4_NotificationSet_SetNotification(solo, ipc_mint(solo_n, seL4_AllRights, 1));
    seL4_BenchmarkCounters bc;
    seL4_BenchmarkResetCounters();
    seL4_Signal(solo_head);
    seL4_BenchmarkGetCounters(&bc);
    static const seL4_Word lens[4] = {1, 16, 64, 256};
    seL4_Word cycles[4];
    cycles[0] = bc.max_entry_cycles;
    arrived = nset_ntfn_poll(solo_n) == 1;
    printf("chain,1,signal_max_entry,%lu,%s\n", (unsigned long)cycles[0],
           arrived ? "arrived" : "lost");
    for (int i = 1; i < 4; i++) {
        build_chain(lens[i]);
        cycles[i] = signal_chain(head, lens[i], &arrived);
        printf("chain,%lu,signal_max_entry,%lu,%s\n", (unsigned long)lens[i],
               (unsigned long)cycles[i], arrived ? "arrived" : "lost");
    }
    char what[160];
    snprintf(what, sizeof(what),
             "one Signal is O(1): chain of 256 sets %lu instructions vs %lu for 1 set "
             "(bound: 4x)",
             (unsigned long)cycles[3], (unsigned long)cycles[0]);
    CHECK(cycles[3] <= 4 * cycles[0], what);

    ipc_stage("chain of 4000");
    printf("signalling a chain of %d sets...\n", MAX_CHAIN);
    build_chain(MAX_CHAIN);
    seL4_Word c = signal_chain(head, MAX_CHAIN, &arrived);
    printf("chain,%d,signal_max_entry,%lu,%s\n", MAX_CHAIN, (unsigned long)c,
           arrived ? "arrived" : "lost");
    CHECK(true, "a chain of 4000 sets: the kernel survived one Signal");
    test_finish();
}
