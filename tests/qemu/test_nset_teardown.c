/*
 * Tearing down big notification sets (docs/notification-set.md, "The operations, and why
 * each is bounded"; kernel_patched_bench, instructions exact under -icount):
 *  - deleting a set of 16 members and one of 65,536 (size_bits 17), 1,000 of them ready:
 *    the longest single kernel entry (seL4_BenchmarkGetCounters' max_entry_cycles) around
 *    each delete is printed; it must not grow with N (the 65,536 figure stays below
 *    200,000 instructions);
 *  - afterwards every member is a plain notification: all 65,536 join a new set, the ready
 *    ones ready at once with their words, sampled idle ones signal and poll normally;
 *  - Add 65,536 members and Remove them all (each Remove succeeds once, then is a stale
 *    token); a set of size_bits 16 holds exactly 65,534, and takes one more after a
 *    RemoveNotification;
 *  - a set being deleted (a higher-priority thread woken by the virtual timer in the middle
 *    of the deletion, which the interrupt preempts): Poll and Add through its cap are
 *    InvalidCapability; a member signalled meanwhile ends up a plain Active notification
 *    with its word; copying its cap is refused with IllegalOperation (as seL4 refuses
 *    copies of zombies).
 */
#include <stdio.h>
#include "nset_util.h"
#include "testlib.h"

#define ROOT_PRIO   100
#define HIGH_PRIO   150
#define N           65536
#define READY       1000
#define BIG_BITS    17
#define SAMPLE_SLOT N /* big slots from here: badged caps of the ready and sampled members */
#define VTIMER      27
#define CTL_ENABLE  1u
#define BOUND       200000

static seL4_NotificationSetEvent ev[seL4_NotificationSetMaxEvents];
static const seL4_Word sample[4] = {1002, 20000, 40000, N - 1};

static seL4_Word badge_of(seL4_Word m)
{
    return 0x10000 + m;
}

/* Adds members [0, n) at token = member number; returns how many Adds succeeded. */
static seL4_Word add_all(seL4_CPtr set, seL4_Word n)
{
    seL4_Word ok = 0;
    for (seL4_Word m = 0; m < n; m++)
        ok += seL4_NotificationSet_Add(set, nset_big(m), m) == seL4_NoError;
    return ok;
}

/* Deletes set (root slot) and returns the longest kernel entry during the delete; *total
 * gets the instructions the call took as seen from user level, *entries the entries. */
static seL4_Word timed_delete(seL4_CPtr set, seL4_Word *total, seL4_Word *entries)
{
    seL4_BenchmarkCounters c;
    seL4_BenchmarkResetCounters();
    seL4_Word t0 = seL4_BenchmarkReadCycles();
    seL4_Error err = kobj_delete(set);
    seL4_Word t1 = seL4_BenchmarkReadCycles();
    seL4_BenchmarkGetCounters(&c);
    *total = t1 - t0;
    *entries = c.kernel_entries;
    return err == seL4_NoError ? c.max_entry_cycles : ~(seL4_Word)0;
}

static void test_teardown(void)
{
    ipc_stage("teardown");
    char what[160];
    seL4_Word small_total, small_entries, big_total, big_entries;
    seL4_CPtr small = nset_new(5);
    CHECK_EQ(add_all(small, 16), 16, "a set with 16 members");
    seL4_Word small_max = timed_delete(small, &small_total, &small_entries);

    seL4_CPtr set = nset_new(BIG_BITS);
    CHECK_EQ(add_all(set, N), N, "a set of size_bits 17 with 65536 members");
    bool ok = true;
    for (seL4_Word m = 0; m < READY; m++) {
        ok = ok &&
             nset_big_mint(SAMPLE_SLOT + m, m * 7, seL4_AllRights, badge_of(m * 7)) == seL4_NoError;
        seL4_Signal(nset_big(SAMPLE_SLOT + m));
    }
    CHECK(ok, "1000 of them ready (members 0, 7, 14, ...)");
    seL4_Word big_max = timed_delete(set, &big_total, &big_entries);
    printf("teardown,members,max_entry_instructions,delete_call_instructions,kernel_entries\n");
    printf("teardown,16,%lu,%lu,%lu\n", (unsigned long)small_max, (unsigned long)small_total,
           (unsigned long)small_entries);
    printf("teardown,65536,%lu,%lu,%lu\n", (unsigned long)big_max, (unsigned long)big_total,
           (unsigned long)big_entries);
    CHECK(small_max != ~(seL4_Word)0 && big_max != ~(seL4_Word)0, "both deletes succeeded");
    CHECK_EQ(kobj_type(set), seL4_CapType_Null, "the set's slot is empty");
    snprintf(what, sizeof(what),
             "the longest kernel entry does not grow with N: %lu instructions for 65536 "
             "members (%lu for 16), below %d",
             (unsigned long)big_max, (unsigned long)small_max, BOUND);
    CHECK(big_max < BOUND, what);

    /* Every member is plain again. */
    seL4_Word polled = 0;
    for (seL4_Word i = 0; i < 10; i++)
        polled += nset_ntfn_poll(nset_big(i * 7)) == badge_of(i * 7);
    CHECK_EQ(polled, 10, "10 of the ready ones: seL4_Poll returns each one's word");
    ok = true;
    for (int i = 0; i < 4; i++) {
        seL4_CPtr b = nset_big(SAMPLE_SLOT + READY + (seL4_Word)i);
        ok = ok && nset_big_mint(SAMPLE_SLOT + READY + (seL4_Word)i, sample[i], seL4_AllRights,
                                 badge_of(sample[i])) == seL4_NoError;
        seL4_Signal(b);
        ok = ok && nset_ntfn_poll(nset_big(sample[i])) == badge_of(sample[i]) &&
             nset_ntfn_poll(nset_big(sample[i])) == 0;
    }
    CHECK(ok, "sampled idle members 1002, 20000, 40000, 65535: Signal, then seL4_Poll");
    seL4_CPtr again = nset_new(BIG_BITS);
    CHECK_EQ(add_all(again, N), N, "all 65536 join a new set (none is still in the old one)");
    static seL4_NotificationSetEvent got[READY];
    int n = nset_drain(again, 60, got, READY);
    ok = n == READY - 10;
    for (int i = 0; ok && i < n; i++)
        ok = got[i].token == (seL4_Word)(i + 10) * 7 && got[i].word == badge_of(got[i].token);
    CHECK(ok, "the other 990 ready ones are ready there at once, in token order, with words");

    /* Remove them all, then again. */
    seL4_Word removed = 0, stale = 0;
    for (seL4_Word m = 0; m < N; m++)
        removed += seL4_NotificationSet_Remove(again, m) == seL4_NoError;
    for (seL4_Word m = 0; m < N; m++)
        stale += seL4_NotificationSet_Remove(again, m) == seL4_FailedLookup;
    CHECK_EQ(removed, N, "Remove of all 65536 tokens succeeds");
    CHECK_EQ(stale, N, "a second Remove of each is FailedLookup");
    CHECK_EQ(seL4_NotificationSet_Poll(again, 60, ev), 0, "the empty set has nothing ready");
    seL4_CPtr exact = nset_new(16);
    CHECK_EQ(add_all(exact, N - 2), N - 2, "a set of size_bits 16 takes 65534 members");
    CHECK_EQ(seL4_NotificationSet_Add(exact, nset_big(N - 2), 0), seL4_NotEnoughMemory,
             "the next Add: NotEnoughMemory");
    CHECK_EQ(seL4_NotificationSet_RemoveNotification(exact, nset_big(500)), seL4_NoError,
             "RemoveNotification of one");
    CHECK_EQ(seL4_NotificationSet_Add(exact, nset_big(N - 2), 500), seL4_NoError,
             "then one more fits");
    CHECK_EQ(kobj_delete(exact), seL4_NoError, "delete it");
    CHECK_EQ(kobj_delete(again), seL4_NoError, "delete the empty big set");
}

/* ---- A set being deleted ---- */

static struct {
    seL4_CPtr set, ntfn, timer, copy_slot, member0;
    volatile seL4_Word woke, poll, add, type, copy;
} probe;

static void vtimer_set(seL4_Word cval, seL4_Word ctl)
{
    __asm__ volatile("msr cntv_cval_el0, %0\n\tmsr cntv_ctl_el0, %1\n\tisb" ::"r"(cval), "r"(ctl));
}

/* Woken by the timer: looks at the set through its cap, whatever state it is in, signals
 * member 0 (the last entry the deletion visits) and tries to copy the set's cap. */
static void probe_main(seL4_Word unused)
{
    (void)unused;
    seL4_NotificationSetEvent pev[2];
    seL4_Wait(probe.timer, NULL);
    vtimer_set(0, 0);
    probe.type = seL4_DebugCapIdentify(probe.set);
    probe.poll = (seL4_Word)seL4_NotificationSet_Poll(probe.set, 2, pev);
    probe.add = seL4_NotificationSet_Add(probe.set, probe.ntfn, 0);
    seL4_Signal(probe.member0);
    probe.copy = kobj_copy(probe.copy_slot, probe.set, seL4_AllRights);
    probe.woke = 1;
}

/* How many of 15 sampled members can be bound to a TCB (only a plain notification can). */
static seL4_Word plain_members(void)
{
    seL4_Word plain = 0;
    for (seL4_Word m = 4096; m < N; m += 4096) {
        seL4_CPtr tcb = kobj_new(seL4_TCBObject, 0);
        plain += seL4_TCB_BindNotification(tcb, nset_big(m)) == seL4_NoError;
        kobj_delete(tcb);
    }
    return plain;
}

static void test_being_deleted(seL4_Word delete_ticks)
{
    ipc_stage("being deleted");
    seL4_CPtr handler = kobj_slot(), set = nset_new(BIG_BITS);
    probe.set = set;
    probe.ntfn = kobj_new(seL4_NotificationObject, 0);
    probe.timer = kobj_new(seL4_NotificationObject, 0);
    probe.copy_slot = kobj_slot();
    probe.member0 = nset_big(SAMPLE_SLOT + READY + 4);
    bool ok = seL4_IRQControl_Get(seL4_CapIRQControl, VTIMER, KOBJ_ROOT, handler, KOBJ_DEPTH) ==
                  seL4_NoError &&
              seL4_IRQHandler_SetNotification(handler, probe.timer) == seL4_NoError &&
              seL4_IRQHandler_Ack(handler) == seL4_NoError &&
              nset_big_mint(SAMPLE_SLOT + READY + 4, 0, seL4_AllRights, 0x77) == seL4_NoError;
    struct kobj_thread t = {0};
    ok = ok && kobj_thread_new(&t, HIGH_PRIO, "probe") == seL4_NoError &&
         nset_cspace_adopt(t.tcb, seL4_CapInitThreadVSpace) == seL4_NoError &&
         kobj_thread_start(&t, probe_main, 0) == seL4_NoError;
    CHECK(ok && add_all(set, N) == N,
          "a set of 65536 members, a higher-priority thread waiting for the virtual timer");
    vtimer_set(ipc_now() + delete_ticks / 3, CTL_ENABLE);
    seL4_Error err = kobj_delete(set);
    seL4_Word woke = probe.woke;
    printf("being deleted: timer after 1/3 of the delete (%lu counter ticks); the prober "
           "woke %s; it saw cap type %lu, Poll %ld, Add %lu, Copy %lu\n",
           (unsigned long)(delete_ticks / 3), woke ? "during it" : "after it",
           (unsigned long)probe.type, (long)probe.poll, (unsigned long)probe.add,
           (unsigned long)probe.copy);
    CHECK_EQ(err, seL4_NoError, "the delete succeeds");
    if (!CHECK(woke, "the timer interrupt preempted the deletion; the prober ran during it")) {
        vtimer_set(0, 0);
        return;
    }
    CHECK_EQ(probe.type, seL4_CapType_NotificationSet, "it sees the set cap still in the slot");
    CHECK_EQ((long)probe.poll, -(long)seL4_InvalidCapability,
             "Poll on the set being deleted: -InvalidCapability");
    CHECK_EQ(probe.add, seL4_InvalidCapability, "Add to it: InvalidCapability");
    seL4_Word plain = plain_members();
    printf("being deleted: after the delete returned, the copy slot holds cap type %lu; "
           "%lu of 15 sampled members are plain\n",
           (unsigned long)kobj_type(probe.copy_slot), (unsigned long)plain);
    CHECK_EQ(probe.copy, seL4_IllegalOperation,
             "Copy of the set's cap while it is being deleted: IllegalOperation");
    CHECK_EQ(kobj_type(probe.copy_slot), seL4_CapType_Null, "so no copy exists");
    CHECK_EQ(plain, 15, "once the delete returned every sampled member is plain");
    CHECK_EQ(nset_ntfn_poll(nset_big(0)), 0x77,
             "member 0, signalled during the deletion, kept its word");
}

int main(void)
{
    test_begin("nset_teardown");
    kobj_set_my_prio(ROOT_PRIO);
    ipc_watchdog_start();
    seL4_CPtr big = nset_cspace_init(BIG_BITS), ut = kobj_untyped(21);
    bool ok = big && ut && nset_big_retype(ut, seL4_NotificationObject, 0, N) == seL4_NoError;
    if (!CHECK(ok, "65536 notifications in a 2^17-slot CNode"))
        test_finish();
    seL4_Word t0 = ipc_now();
    test_teardown();
    seL4_Word total, entries;
    seL4_CPtr set = nset_new(BIG_BITS);
    add_all(set, N);
    seL4_Word c0 = ipc_now();
    timed_delete(set, &total, &entries);
    seL4_Word delete_ticks = ipc_now() - c0;
    test_being_deleted(delete_ticks);
    printf("teardown: %lu ms in all\n", (unsigned long)((ipc_now() - t0) / ipc_ms(1)));
    test_finish();
}
