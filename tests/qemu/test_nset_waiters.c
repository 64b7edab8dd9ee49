/*
 * Notification sets: threads blocked in Wait, and deletion (docs/notification-set.md,
 * "Ordering and fairness", "Deletion and revocation"):
 *  - a blocked Wait is woken by a Signal on a member with one pair (token, badge), also
 *    when it asked for 60; a higher-priority waiter runs at once, an equal- or
 *    lower-priority one later, but the pair is its own at once (the member never becomes
 *    ready, a Poll from the signaller finds nothing), even if it is suspended and resumed
 *    before it runs;
 *  - several waiters: FIFO whatever their priorities, one Signal wakes exactly one;
 *  - threads waiting on the member notification itself get its Signal, not the set's
 *    waiter; Add of an Active notification while a thread waits on the set (I2);
 *  - TCB_Suspend takes a waiter out of the queue, Resume makes it wait again; deleting a
 *    waiting thread's TCB also;
 *  - deleting the set: a non-final cap leaves waiters waiting; the last cap restarts them
 *    (their Wait fails: -InvalidCapability); ready members become plain notifications that
 *    keep their words (Poll on them, or Add to a new set where they are ready at once);
 *  - deleting a member's last cap while it is ready removes it (the set does not return
 *    it, its token and its place in the capacity are free); a non-final cap does not;
 *  - Revoke of the untyped under the set, under members, under both;
 *  - a signaller and a waiter in other address spaces.
 */
#include <stdio.h>
#include "nset_util.h"
#include "testlib.h"

#define ROOT_PRIO 100
#define HIGH_PRIO 150
#define LOW_PRIO  50

static struct nset_job jobs[6];
static struct ipc_job direct;
static seL4_NotificationSetEvent ev[seL4_NotificationSetMaxEvents];

static seL4_CPtr sig(seL4_CPtr ntfn, seL4_Word badge)
{
    return ipc_mint(ntfn, seL4_AllRights, badge);
}

/* A thread at prio waiting on set with max (it blocks now if prio > ROOT_PRIO). */
static struct nset_job *waiter(int i, seL4_CPtr set, seL4_Word max, seL4_Word prio)
{
    struct nset_job *j = nset_job_init(&jobs[i], (seL4_Word)i + 1, set, max);
    nset_job_start(j, prio);
    return j;
}

static bool got_pair(const struct nset_job *j, seL4_Word token, seL4_Word word)
{
    return j->done == 1 && j->n == 1 && j->ev[0].token == token && j->ev[0].word == word;
}

static void test_wake(void)
{
    ipc_stage("wake");
    seL4_CPtr set = nset_new(4), n = nset_ntfns(3);
    for (seL4_Word i = 0; i < 3; i++)
        seL4_NotificationSet_Add(set, n + i, 7 + i);
    struct nset_job *w = waiter(0, set, 60, HIGH_PRIO);
    CHECK_EQ(w->done, 0, "Wait on a set with nothing ready blocks");
    seL4_Signal(sig(n, 0x11));
    CHECK(got_pair(w, 7, 0x11),
          "a Signal on a member wakes the higher-priority waiter at once: 1 pair (7, 0x11)");
    CHECK(seL4_NotificationSet_Poll(set, 60, ev) == 0 && nset_ntfn_poll(n) == 0,
          "the badge was handed over: nothing is ready, the notification is idle");

    w = waiter(0, set, 2, ROOT_PRIO);
    seL4_Yield();
    CHECK_EQ(w->done, 0, "an equal-priority waiter blocks");
    seL4_Signal(sig(n + 1, 0x22));
    CHECK_EQ(w->done, 0, "a Signal does not switch to it");
    CHECK(seL4_NotificationSet_Poll(set, 60, ev) == 0 && nset_ntfn_poll(n + 1) == 0,
          "but the pair is already its own (a Poll by the signaller finds nothing)");
    seL4_Yield();
    CHECK(got_pair(w, 8, 0x22), "it gets (8, 0x22) when it runs");

    w = waiter(0, set, 1, LOW_PRIO);
    ipc_run_below(LOW_PRIO, ROOT_PRIO);
    CHECK_EQ(w->done, 0, "a lower-priority waiter blocks");
    seL4_Signal(sig(n + 2, 0x33));
    CHECK(w->done == 0 && seL4_NotificationSet_Poll(set, 60, ev) == 0,
          "a Signal hands it the pair; it has not run yet");
    ipc_run_below(LOW_PRIO, ROOT_PRIO);
    CHECK(got_pair(w, 9, 0x33), "it gets (9, 0x33) when it runs");

    w = waiter(0, set, 60, LOW_PRIO);
    ipc_run_below(LOW_PRIO, ROOT_PRIO);
    seL4_Signal(sig(n, 0x44));
    seL4_TCB_Suspend(w->thread.tcb);
    seL4_TCB_Resume(w->thread.tcb);
    ipc_run_below(LOW_PRIO, ROOT_PRIO);
    CHECK(got_pair(w, 7, 0x44),
          "a waiter handed a pair and suspended before it ran still returns it when resumed");
}

static void test_many_waiters(void)
{
    ipc_stage("many waiters");
    seL4_CPtr set = nset_new(4), n = nset_ntfns(5);
    for (seL4_Word i = 0; i < 5; i++)
        seL4_NotificationSet_Add(set, n + i, i);
    for (int i = 0; i < 3; i++)
        waiter(i, set, 60, HIGH_PRIO);
    nset_order_len = 0;
    seL4_Signal(sig(n, 0x1));
    CHECK(jobs[0].done == 1 && jobs[1].done == 0 && jobs[2].done == 0,
          "three waiters, one Signal: exactly one wakes, the first (no thundering herd)");
    seL4_Signal(sig(n + 1, 0x2));
    seL4_Signal(sig(n + 2, 0x4));
    static const seL4_Word ids[3] = {1, 2, 3};
    CHECK(nset_order_len == 3 && nset_order[0] == ids[0] && nset_order[1] == ids[1] &&
              nset_order[2] == ids[2],
          "the next two Signals wake the others, in FIFO order");
    CHECK(got_pair(&jobs[0], 0, 0x1) && got_pair(&jobs[1], 1, 0x2) && got_pair(&jobs[2], 2, 0x4),
          "each got exactly the pair of its own Signal");

    struct nset_job *lo = waiter(0, set, 60, HIGH_PRIO);
    struct nset_job *hi = waiter(1, set, 60, HIGH_PRIO + 10);
    seL4_Signal(sig(n + 3, 0x8));
    CHECK(got_pair(lo, 3, 0x8) && hi->done == 0,
          "waiters are served FIFO, not by priority: the earlier, lower one first");
    seL4_Signal(sig(n + 4, 0x10));
    CHECK(got_pair(hi, 4, 0x10), "then the later, higher one");
}

static void test_direct_and_add(void)
{
    ipc_stage("direct waiters, Add while waiting");
    seL4_CPtr set = nset_new(4), n = nset_ntfns(3);
    seL4_NotificationSet_Add(set, n, 0);
    seL4_NotificationSet_Add(set, n + 1, 1);
    struct nset_job *w = waiter(0, set, 60, HIGH_PRIO);
    ipc_job_init(&direct, 9, seL4_SysRecv, n, 0, 0, 0);
    ipc_job_start(&direct, HIGH_PRIO);
    seL4_Signal(sig(n, 0x40));
    CHECK(direct.done && direct.got.badge == 0x40 && w->done == 0,
          "a thread waiting on the member notification itself gets its Signal, not the set");
    seL4_Signal(sig(n, 0x80));
    CHECK(got_pair(w, 0, 0x80), "the next Signal goes to the set's waiter");

    w = waiter(0, set, 60, HIGH_PRIO);
    seL4_Signal(sig(n + 2, 0x55));
    CHECK_EQ(seL4_NotificationSet_Add(set, n + 2, 2), seL4_NoError,
             "with a thread waiting on the set, Add of an Active notification");
    if (!CHECK(got_pair(w, 2, 0x55),
               "the waiter gets it at once (I2: no waiter while a member is ready)")) {
        int got = seL4_NotificationSet_Poll(set, 60, ev);
        printf("       waiter done %lu; a Poll of the set now returns %d event(s), first "
               "(%lu, %#lx)\n",
               (unsigned long)w->done, got, got > 0 ? (unsigned long)ev[0].token : 0ul,
               got > 0 ? (unsigned long)ev[0].word : 0ul);
        seL4_Signal(sig(n + 1, 0x99));
        CHECK(w->done == 1 && w->ev[0].token == 1,
              "(the waiter stayed blocked with a member ready; the next Signal wakes it)");
    }
}

static void test_suspend(void)
{
    ipc_stage("suspend");
    seL4_CPtr set = nset_new(4), n = nset_ntfns(5);
    for (seL4_Word i = 0; i < 5; i++)
        seL4_NotificationSet_Add(set, n + i, i);
    struct nset_job *w1 = waiter(0, set, 60, HIGH_PRIO), *w2 = waiter(1, set, 60, HIGH_PRIO);
    CHECK_EQ(seL4_TCB_Suspend(w1->thread.tcb), seL4_NoError, "suspend the first of two waiters");
    seL4_Signal(sig(n, 0x1));
    CHECK(got_pair(w2, 0, 0x1) && w1->done == 0, "it left the queue: a Signal goes to the second");
    seL4_Signal(sig(n + 1, 0x2));
    int got = seL4_NotificationSet_Poll(set, 60, ev);
    CHECK(w1->done == 0 && got == 1 && ev[0].token == 1,
          "with no waiter left the next Signal makes the member ready");
    CHECK_EQ(seL4_TCB_Resume(w1->thread.tcb), seL4_NoError, "resume it");
    CHECK_EQ(w1->done, 0, "it waits again (nothing is ready)");
    seL4_Signal(sig(n + 2, 0x4));
    CHECK(got_pair(w1, 2, 0x4), "and the next Signal wakes it");

    w1 = waiter(0, set, 60, HIGH_PRIO);
    seL4_TCB_Suspend(w1->thread.tcb);
    seL4_Signal(sig(n + 3, 0x8));
    seL4_TCB_Resume(w1->thread.tcb);
    CHECK(got_pair(w1, 3, 0x8), "resumed while a member is ready, it takes it at once");

    w1 = waiter(0, set, 60, HIGH_PRIO);
    CHECK_EQ(kobj_delete(w1->thread.tcb), seL4_NoError, "delete a waiting thread's TCB");
    seL4_Signal(sig(n + 4, 0x10));
    got = seL4_NotificationSet_Poll(set, 60, ev);
    CHECK(got == 1 && ev[0].token == 4 && ev[0].word == 0x10,
          "it left the queue: the next Signal makes the member ready, not lost");
}

static void test_delete_set(void)
{
    ipc_stage("delete set");
    seL4_CPtr set = nset_new(4), copy = ipc_copy(set, seL4_AllRights), n = nset_ntfns(10);
    for (seL4_Word i = 0; i < 10; i++)
        seL4_NotificationSet_Add(set, n + i, i);
    struct nset_job *w1 = waiter(0, set, 60, HIGH_PRIO), *w2 = waiter(1, copy, 60, HIGH_PRIO);
    CHECK_EQ(kobj_delete(set), seL4_NoError, "delete one of two caps of a set with 2 waiters");
    CHECK(w1->done == 0 && w2->done == 0, "the set lives on: both still wait");
    seL4_Signal(sig(n, 0x1));
    CHECK(got_pair(w1, 0, 0x1), "a Signal still reaches the first waiter");
    set = copy;
    w1 = waiter(0, set, 60, HIGH_PRIO);
    CHECK_EQ(kobj_delete(set), seL4_NoError, "delete the set's last cap");
    CHECK(w2->done == 1 && w2->n == -seL4_InvalidCapability && w1->done == 1 &&
              w1->n == -seL4_InvalidCapability,
          "both waiters restarted and their Wait failed: -InvalidCapability");

    set = nset_new(4);
    for (seL4_Word i = 0; i < 10; i++)
        seL4_NotificationSet_Add(set, n + i, i);
    for (seL4_Word i = 0; i < 6; i++) {
        seL4_Signal(sig(n + i, (seL4_Word)1 << i));
        seL4_Signal(sig(n + i, (seL4_Word)0x100 << i));
    }
    CHECK_EQ(kobj_delete(set), seL4_NoError, "delete a set with 6 ready and 4 idle members");
    bool ok = true;
    for (seL4_Word i = 0; i < 3; i++)
        ok = ok && nset_ntfn_poll(n + i) == ((seL4_Word)0x101 << i);
    CHECK(ok, "3 of the ready ones: seL4_Poll returns each one's word");
    seL4_CPtr set2 = nset_new(5);
    for (seL4_Word i = 5; i >= 3; i--)
        ok = ok && seL4_NotificationSet_Add(set2, n + i, 20 - i) == seL4_NoError;
    int got = seL4_NotificationSet_Poll(set2, 60, ev);
    static const seL4_Word t[3] = {15, 16, 17}, w[3] = {0x2020, 0x1010, 0x808};
    CHECK(ok && got == 3 && nset_events_are(ev, 3, t, w),
          "the other 3 join a new set and are ready at once with their words, in Add order");

    for (seL4_Word i = 6; i < 10; i++) {
        seL4_Signal(sig(n + i, 0x7));
        ok = ok && nset_ntfn_poll(n + i) == 0x7;
    }
    CHECK(ok, "the idle ones are plain notifications: Signal then seL4_Poll");
    CHECK_EQ(seL4_TCB_BindNotification(kobj_new(seL4_TCBObject, 0), n + 9), seL4_NoError,
             "and can be bound to a TCB");
}

static void test_delete_member(void)
{
    ipc_stage("delete member");
    seL4_CPtr set = nset_new(2), n = nset_ntfns(3);
    seL4_CPtr a = sig(n, 0xa), b = sig(n + 1, 0xb);
    seL4_NotificationSet_Add(set, n, 0);
    seL4_NotificationSet_Add(set, n + 1, 1);
    seL4_Signal(b);
    seL4_Signal(a);
    CHECK_EQ(kobj_delete(n + 1), seL4_NoError, "delete one of two caps of a ready member");
    int got = seL4_NotificationSet_Poll(set, 60, ev);
    static const seL4_Word t1[2] = {1, 0}, w1[2] = {0xb, 0xa};
    CHECK(got == 2 && nset_events_are(ev, 2, t1, w1), "it is still a member and still ready");
    seL4_Signal(a);
    seL4_Signal(b);
    CHECK_EQ(kobj_delete(b), seL4_NoError, "delete its last cap while it is ready");
    got = seL4_NotificationSet_Poll(set, 60, ev);
    CHECK(got == 1 && ev[0].token == 0 && ev[0].word == 0xa,
          "the set does not return it, only the other ready member");
    CHECK_EQ(seL4_NotificationSet_Remove(set, 1), seL4_FailedLookup, "its token is free");
    CHECK_EQ(seL4_NotificationSet_Add(set, n + 2, 1), seL4_NoError,
             "a set of capacity 2 takes a new member there (the count went down)");
    seL4_Signal(n + 2);
    got = seL4_NotificationSet_Poll(set, 60, ev);
    CHECK(got == 1 && ev[0].token == 1, "the new member works");
}

static void test_revoke(void)
{
    ipc_stage("revoke");
    seL4_CPtr ut = kobj_untyped(12), s = kobj_slot(), n = nset_ntfns(4);
    CHECK_EQ(kobj_retype(ut, seL4_NotificationSetObject, 4, s, 1), seL4_NoError,
             "a set from a private untyped");
    seL4_NotificationSet_Add(s, n, 0);
    seL4_NotificationSet_Add(s, n + 1, 1);
    struct nset_job *w = waiter(0, s, 60, HIGH_PRIO);
    CHECK_EQ(kobj_revoke(ut), seL4_NoError, "Revoke the untyped under it while a thread waits");
    CHECK(w->done == 1 && w->n == -seL4_InvalidCapability && kobj_type(s) == seL4_CapType_Null,
          "the set's cap is gone; the waiter restarted and failed: -InvalidCapability");
    kobj_retype(ut, seL4_NotificationSetObject, 4, s, 1);
    seL4_NotificationSet_Add(s, n, 0);
    seL4_NotificationSet_Add(s, n + 1, 1);
    seL4_Signal(sig(n, 0x3));
    kobj_revoke(ut);
    CHECK(nset_ntfn_poll(n) == 0x3 && nset_ntfn_poll(n + 1) == 0,
          "Revoke under a set with a ready member: it keeps its word");
    seL4_CPtr set = nset_new(4);
    CHECK(seL4_NotificationSet_Add(set, n, 0) == seL4_NoError &&
              seL4_NotificationSet_Add(set, n + 1, 1) == seL4_NoError,
          "both were freed from the revoked set (they join another)");

    seL4_CPtr mut = kobj_untyped(8), m = kobj_slots(3);
    kobj_retype(mut, seL4_NotificationObject, 0, m, 3);
    for (seL4_Word i = 0; i < 3; i++)
        seL4_NotificationSet_Add(set, m + i, 2 + i);
    seL4_Signal(sig(n + 1, 0x1));
    seL4_Signal(m);
    seL4_Signal(m + 2);
    seL4_Signal(sig(n, 0x2));
    CHECK_EQ(kobj_revoke(mut), seL4_NoError, "Revoke the untyped under 3 members (2 ready)");
    int got = seL4_NotificationSet_Poll(set, 60, ev);
    static const seL4_Word t[2] = {1, 0}, wd[2] = {0x1, 0x2};
    CHECK(got == 2 && nset_events_are(ev, 2, t, wd),
          "the set returns only the members that are left, in order");
    CHECK(seL4_NotificationSet_Remove(set, 2) == seL4_FailedLookup &&
              seL4_NotificationSet_Remove(set, 4) == seL4_FailedLookup,
          "the revoked members' tokens are free");

    seL4_CPtr both = kobj_untyped(12), bs = kobj_slot(), bn = kobj_slots(4);
    kobj_retype(both, seL4_NotificationSetObject, 3, bs, 1);
    kobj_retype(both, seL4_NotificationObject, 0, bn, 4);
    for (seL4_Word i = 0; i < 4; i++)
        seL4_NotificationSet_Add(bs, bn + i, i);
    seL4_Signal(bn + 1);
    seL4_Signal(bn + 3);
    CHECK_EQ(kobj_revoke(both), seL4_NoError, "Revoke an untyped holding a set and its members");
    CHECK_EQ(kobj_retype(both, seL4_NotificationSetObject, 3, bs, 1), seL4_NoError,
             "its memory is reused for a new set");
    seL4_NotificationSet_Add(bs, n + 3, 5);
    seL4_Signal(n + 3);
    got = seL4_NotificationSet_Poll(bs, 60, ev);
    CHECK(got == 1 && ev[0].token == 5 && ev[0].word == 0, "which works");
}

/* Run in another address space: signals each of the caps in the array, then returns. */
static seL4_CPtr space_caps[4];
static void space_signal(seL4_Word count)
{
    for (seL4_Word i = 0; i < count; i++)
        seL4_Signal(space_caps[i]);
}

static void test_other_space(void)
{
    ipc_stage("other address spaces");
    seL4_CPtr set = nset_new(4), n = nset_ntfns(4);
    for (seL4_Word i = 0; i < 4; i++) {
        seL4_NotificationSet_Add(set, n + i, 10 + i);
        space_caps[i] = sig(n + i, 0x100 << i);
    }
    struct nset_space sp;
    CHECK_EQ(nset_space_new(&sp, LOW_PRIO, "nsetsig"), seL4_NoError,
             "a thread in an address space of its own (lower priority)");
    kobj_thread_start(&sp.thread, space_signal, 3);
    int got = seL4_NotificationSet_Wait(set, 60, ev);
    CHECK(got == 1 && ev[0].token == 10 && ev[0].word == 0x100,
          "we block in Wait; its first Signal, from its VSpace, wakes us with (10, 0x100)");
    got = seL4_NotificationSet_Wait(set, 60, ev);
    CHECK(got == 1 && ev[0].token == 11, "each of its Signals wakes us in turn (11)");
    got = seL4_NotificationSet_Wait(set, 60, ev);
    CHECK(got == 1 && ev[0].token == 12 && ev[0].word == 0x400, "... (12, 0x400)");

    struct nset_space wsp;
    struct nset_job *w = nset_job_init(&jobs[0], 1, set, 60);
    CHECK_EQ(nset_space_new(&wsp, HIGH_PRIO, "nsetwait"), seL4_NoError,
             "a higher-priority thread in another address space");
    w->rounds = 2;
    kobj_thread_start(&wsp.thread, nset_job_main, (seL4_Word)w);
    CHECK_EQ(w->done, 0, "it waits on the set");
    seL4_Signal(space_caps[3]);
    CHECK(w->done == 1 && w->n == 1 && w->ev[0].token == 13 && w->ev[0].word == 0x800,
          "our Signal wakes it at once in its address space with (13, 0x800)");
    seL4_Signal(space_caps[0]);
    CHECK(w->done == 2 && w->ev[0].token == 10, "and again (10)");
}

int main(void)
{
    test_begin("nset_waiters");
    kobj_set_my_prio(ROOT_PRIO);
    ipc_watchdog_start();
    test_wake();
    test_many_waiters();
    test_direct_and_add();
    test_suspend();
    test_delete_set();
    test_delete_member();
    test_revoke();
    test_other_space();
    test_finish();
}
