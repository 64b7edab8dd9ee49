/*
 * Notification sets, the basic semantics (docs/notification-set.md; docs/kernel-api.md,
 * "Notification sets"), on the kernel with the patch:
 *  - Retype: sets of size_bits 2..20 have capacity 2^k - 2 (tokens 0..cap-1) and take
 *    2^(k+5) bytes; size_bits 0, 1, 21 and 64 are RangeError;
 *  - Add, Remove, RemoveNotification; a removed notification can join again elsewhere;
 *  - Wait and Poll return (token, word) pairs and consume each word (a second Poll gets
 *    nothing, seL4_Poll on the notification gets 0); Poll on an empty set returns 0; a
 *    Signal with badge 0 is an event with word 0;
 *  - FIFO order of readiness over 200 members; coalescing (three Signals on one member
 *    before a Wait: one event, the OR of the badges, in the member's first place);
 *  - batching: 100 ready, Wait/Poll with max 7, 2, 3 and 60 take them in order, the rest
 *    stays for the next call; 60 pairs through the IPC buffer;
 *  - Add of an Active notification: ready at once, with its word; Remove (and
 *    RemoveNotification) leave the word in the notification; seL4_Wait/seL4_Poll directly
 *    on a member take it off the set's ready list, and it comes back with its next Signal.
 * Error cases are in test_nset_errors.c, waiters in test_nset_waiters.c.
 */
#include <stdio.h>
#include "nset_util.h"
#include "testlib.h"

#define ROOT_PRIO 100

static seL4_NotificationSetEvent ev[seL4_NotificationSetMaxEvents];
static seL4_NotificationSetEvent all[256];

static seL4_CPtr badged(seL4_CPtr ntfn, seL4_Word badge)
{
    return ipc_mint(ntfn, seL4_AllRights, badge);
}

/* Retypes one set of size_bits from a private untyped of 2^ut_bits bytes into a fresh slot;
 * returns the error, *slot gets the slot. */
static seL4_Error retype_set(unsigned ut_bits, seL4_Word size_bits, seL4_CPtr *slot)
{
    seL4_CPtr ut = kobj_untyped(ut_bits);
    *slot = kobj_slot();
    if (!ut)
        return seL4_NotEnoughMemory;
    return kobj_retype(ut, seL4_NotificationSetObject, size_bits, *slot, 1);
}

static void test_retype(void)
{
    char what[120];
    seL4_CPtr ntfn = nset_ntfns(8), slot;
    static const seL4_Word sizes[5] = {2, 3, 5, 8, 12};
    for (int i = 0; i < 5; i++) {
        seL4_Word k = sizes[i], cap = ((seL4_Word)1 << k) - 2;
        seL4_CPtr set = nset_new(k);
        snprintf(what, sizeof(what), "size_bits %lu: a set cap; Add at tokens 0 and %lu (the last)",
                 (unsigned long)k, (unsigned long)cap - 1);
        CHECK(set && kobj_type(set) == seL4_CapType_NotificationSet &&
                  seL4_NotificationSet_Add(set, ntfn, 0) == seL4_NoError &&
                  seL4_NotificationSet_Add(set, ntfn + 1, cap - 1) == seL4_NoError,
              what);
        snprintf(what, sizeof(what), "size_bits %lu: token %lu (= capacity) is RangeError",
                 (unsigned long)k, (unsigned long)cap);
        CHECK_EQ(seL4_NotificationSet_Add(set, ntfn + 2, cap), seL4_RangeError, what);
        kobj_delete(set);
    }

    /* Capacity 2 and 6 exactly: filled, the next Add is NotEnoughMemory. */
    seL4_CPtr s2 = nset_new(2), s3 = nset_new(3);
    seL4_Word ok = 0;
    for (seL4_Word t = 0; t < 2; t++)
        ok += seL4_NotificationSet_Add(s2, ntfn + t, t) == seL4_NoError;
    for (seL4_Word t = 0; t < 6; t++)
        ok += seL4_NotificationSet_Add(s3, ntfn + 2 + t, t) == seL4_NoError;
    CHECK_EQ(ok, 8, "size_bits 2 holds 2 members, size_bits 3 holds 6");
    CHECK_EQ(seL4_NotificationSet_Add(s2, kobj_new(seL4_NotificationObject, 0), 1),
             seL4_NotEnoughMemory, "a full set of size_bits 2: NotEnoughMemory");
    kobj_delete(s2);
    kobj_delete(s3);

    /* Object size: 2^(k+5) bytes, aligned. */
    CHECK_EQ(retype_set(9, 4, &slot), seL4_NoError, "size_bits 4 fits an untyped of 2^9 bytes");
    CHECK_EQ(retype_set(8, 4, &slot), seL4_NotEnoughMemory,
             "... and not one of 2^8 bytes: the set takes 2^(k+5) bytes");
    seL4_CPtr ut = kobj_untyped(10);
    seL4_CPtr two = kobj_slots(2);
    CHECK(kobj_retype(ut, seL4_NotificationSetObject, 4, two, 2) == seL4_NoError &&
              kobj_retype(ut, seL4_NotificationSetObject, 4, kobj_slot(), 1) ==
                  seL4_NotEnoughMemory,
          "two sets of size_bits 4 fill an untyped of 2^10 bytes");

    static const seL4_Word bad[4] = {0, 1, 21, 64};
    ut = kobj_untyped(16);
    for (int i = 0; i < 4; i++) {
        slot = kobj_slot();
        snprintf(what, sizeof(what), "size_bits %lu: RangeError, the slot stays empty",
                 (unsigned long)bad[i]);
        CHECK(kobj_retype(ut, seL4_NotificationSetObject, bad[i], slot, 1) == seL4_RangeError &&
                  kobj_type(slot) == seL4_CapType_Null,
              what);
    }

    /* The largest: size_bits 20, 32 MiB, capacity 2^20 - 2. */
    seL4_Error err = retype_set(25, 20, &slot);
    CHECK_EQ(err, seL4_NoError, "size_bits 20 (32 MiB) is accepted");
    if (err == seL4_NoError) {
        CHECK_EQ(seL4_NotificationSet_Add(slot, ntfn + 7, (1ul << 20) - 3), seL4_NoError,
                 "size_bits 20: Add at token 2^20 - 3");
        CHECK_EQ(seL4_NotificationSet_Add(slot, ntfn + 6, (1ul << 20) - 2), seL4_RangeError,
                 "size_bits 20: token 2^20 - 2 is RangeError");
        CHECK_EQ(kobj_delete(slot), seL4_NoError, "delete it (2^20 entries to visit)");
        CHECK_EQ(seL4_NotificationSet_Add(nset_new(2), ntfn + 7, 0), seL4_NoError,
                 "its member is free again");
    }
}

static void test_add_remove(void)
{
    seL4_CPtr set = nset_new(4), other = nset_new(4), n = nset_ntfns(3);
    CHECK(seL4_NotificationSet_Add(set, n, 5) == seL4_NoError &&
              seL4_NotificationSet_Add(set, n + 1, 0) == seL4_NoError &&
              seL4_NotificationSet_Add(set, n + 2, 13) == seL4_NoError,
          "Add three notifications at tokens 5, 0 and 13");
    CHECK_EQ(seL4_NotificationSet_Remove(set, 5), seL4_NoError, "Remove(5)");
    CHECK_EQ(seL4_NotificationSet_Remove(set, 5), seL4_FailedLookup,
             "Remove(5) again: FailedLookup (stale token)");
    CHECK_EQ(seL4_NotificationSet_RemoveNotification(set, n + 1), seL4_NoError,
             "RemoveNotification of the member at token 0");
    CHECK_EQ(seL4_NotificationSet_Remove(set, 0), seL4_FailedLookup,
             "... its token is free: Remove(0) is FailedLookup");
    CHECK_EQ(seL4_NotificationSet_RemoveNotification(set, n + 1), seL4_InvalidArgument,
             "RemoveNotification of it again: InvalidArgument");
    CHECK(seL4_NotificationSet_Add(set, n, 0) == seL4_NoError &&
              seL4_NotificationSet_Add(other, n + 1, 5) == seL4_NoError,
          "removed notifications join again (another token, another set)");
    seL4_Signal(badged(n + 2, 0x77));
    int got = seL4_NotificationSet_Poll(set, 60, ev);
    CHECK(got == 1 && ev[0].token == 13 && ev[0].word == 0x77,
          "the member at 13 was not disturbed: its Signal arrives as (13, 0x77)");
    got = seL4_NotificationSet_Poll(other, 60, ev);
    CHECK_EQ(got, 0, "the other set has nothing ready");
}

static void test_wait_poll(void)
{
    seL4_CPtr set = nset_new(4), n = nset_ntfns(2), b = badged(n, 0x10);
    seL4_NotificationSet_Add(set, n, 3);
    seL4_NotificationSet_Add(set, n + 1, 4);
    CHECK_EQ(seL4_NotificationSet_Poll(set, 60, ev), 0, "Poll on a set with nothing ready: 0");
    seL4_Signal(b);
    int got = seL4_NotificationSet_Poll(set, 60, ev);
    CHECK(got == 1 && ev[0].token == 3 && ev[0].word == 0x10,
          "Signal a member, Poll returns one pair (token 3, word 0x10)");
    CHECK_EQ(seL4_NotificationSet_Poll(set, 60, ev), 0, "a second Poll returns 0 events");
    CHECK_EQ(nset_ntfn_poll(n), 0, "seL4_Poll on the notification returns 0 (word consumed)");
    seL4_Signal(b);
    got = seL4_NotificationSet_Wait(set, 1, ev);
    CHECK(got == 1 && ev[0].token == 3 && ev[0].word == 0x10,
          "Wait with a member ready returns at once with its pair");
    CHECK_EQ(nset_ntfn_poll(n), 0, "... and consumed the word");
    seL4_Signal(n + 1);
    got = seL4_NotificationSet_Poll(set, 60, ev);
    CHECK(got == 1 && ev[0].token == 4 && ev[0].word == 0,
          "a Signal with badge 0 (unbadged cap) is an event with word 0");
    CHECK_EQ(seL4_NotificationSet_Poll(set, 60, ev), 0, "... consumed as well");
}

static void test_fifo(void)
{
    enum { N = 200 };
    seL4_CPtr set = nset_new(8), n = nset_ntfns(N), sig = kobj_slots(N);
    seL4_Word order[N], words[N];
    bool ok = true;
    for (seL4_Word i = 0; i < N; i++) {
        ok = ok && seL4_NotificationSet_Add(set, n + i, i) == seL4_NoError;
        ok = ok && seL4_CNode_Mint(KOBJ_ROOT, sig + i, KOBJ_DEPTH, KOBJ_ROOT, n + i, KOBJ_DEPTH,
                                   seL4_AllRights, 0x1000 + i) == seL4_NoError;
    }
    CHECK(ok, "200 members at tokens 0..199, badged caps 0x1000 + token");
    for (seL4_Word i = 0; i < N; i++) {
        order[i] = (i * 73 + 11) % N;
        words[i] = 0x1000 + order[i];
        seL4_Signal(sig + order[i]);
    }
    int got = nset_drain(set, 60, all, 256);
    CHECK_EQ(got, N, "all 200 signalled members are returned (Polls of at most 60)");
    CHECK(got == N && nset_events_are(all, N, order, words),
          "in the order they were signalled, each with its badge");
}

static void test_coalesce(void)
{
    seL4_CPtr set = nset_new(4), n = nset_ntfns(3);
    seL4_CPtr a1 = badged(n, 1), a2 = badged(n, 2), a4 = badged(n, 4);
    seL4_CPtr b = badged(n + 1, 0x100), c = badged(n + 2, 0x200);
    for (seL4_Word i = 0; i < 3; i++)
        seL4_NotificationSet_Add(set, n + i, 10 + i);
    seL4_Signal(a1);
    seL4_Signal(b);
    seL4_Signal(a2);
    seL4_Signal(c);
    seL4_Signal(a4);
    int got = seL4_NotificationSet_Wait(set, 60, ev);
    static const seL4_Word t1[3] = {10, 11, 12}, w1[3] = {7, 0x100, 0x200};
    CHECK_EQ(got, 3, "a signalled 3 times, b and c once: Wait returns 3 events");
    CHECK(got == 3 && nset_events_are(ev, 3, t1, w1),
          "a once with the OR of its badges (7), in its first place, then b, then c");

    seL4_Signal(b);
    seL4_Signal(a1);
    seL4_Signal(b);
    got = seL4_NotificationSet_Poll(set, 60, ev);
    static const seL4_Word t2[2] = {11, 10}, w2[2] = {0x100, 1};
    CHECK(got == 2 && nset_events_are(ev, 2, t2, w2),
          "after being consumed a member queues again at the tail (b, a)");
}

static void test_batch(void)
{
    enum { N = 100 };
    seL4_CPtr set = nset_new(8), n = nset_ntfns(N), sig = kobj_slots(N);
    bool ok = true;
    for (seL4_Word i = 0; i < N; i++) {
        ok = ok && seL4_NotificationSet_Add(set, n + i, 2 * i) == seL4_NoError;
        ok = ok &&
             seL4_CNode_Mint(KOBJ_ROOT, sig + i, KOBJ_DEPTH, KOBJ_ROOT, n + i, KOBJ_DEPTH,
                             seL4_AllRights, (seL4_Word)1 << (i % 64) | (i << 8)) == seL4_NoError;
    }
    CHECK(ok, "100 members at tokens 0, 2, .., 198 with distinct badges");
    for (seL4_Word i = 0; i < N; i++)
        seL4_Signal(sig + i);
    seL4_Word tokens[N], words[N];
    for (seL4_Word i = 0; i < N; i++) {
        tokens[i] = 2 * i;
        words[i] = (seL4_Word)1 << (i % 64) | (i << 8);
    }
    int got = seL4_NotificationSet_Wait(set, 7, ev);
    CHECK(got == 7 && nset_events_are(ev, 7, tokens, words),
          "100 ready, Wait(max 7) returns the first 7 in order");
    got = seL4_NotificationSet_Wait(set, 2, ev);
    CHECK(got == 2 && nset_events_are(ev, 2, tokens + 7, words + 7),
          "Wait(max 2) the next 2 (registers only)");
    got = seL4_NotificationSet_Poll(set, 3, ev);
    CHECK(got == 3 && nset_events_are(ev, 3, tokens + 9, words + 9),
          "Poll(max 3) the next 3 (the third pair through the IPC buffer)");
    got = seL4_NotificationSet_Poll(set, 60, ev);
    CHECK(got == 60 && nset_events_are(ev, 60, tokens + 12, words + 12),
          "Poll(max 60) the next 60 (pairs 2..59 through the IPC buffer)");
    got = seL4_NotificationSet_Wait(set, 60, ev);
    CHECK(got == 28 && nset_events_are(ev, 28, tokens + 72, words + 72),
          "Wait(max 60) the remaining 28");
    CHECK_EQ(seL4_NotificationSet_Poll(set, 60, ev), 0, "then nothing is left");
    CHECK_EQ(nset_ntfn_poll(n + 50), 0, "and the members' words were consumed");
}

static void test_add_active_remove(void)
{
    seL4_CPtr set = nset_new(4), n = nset_ntfns(4);
    seL4_CPtr a = badged(n, 0xa), b = badged(n + 1, 0xb), c = badged(n + 2, 0xc),
              d = badged(n + 3, 0xd);
    seL4_NotificationSet_Add(set, n, 0);
    seL4_NotificationSet_Add(set, n + 1, 1);
    seL4_Signal(c);
    seL4_Signal(a);
    seL4_Signal(b);
    CHECK_EQ(seL4_NotificationSet_Add(set, n + 2, 2), seL4_NoError,
             "Add of a notification signalled before (Active)");
    static const seL4_Word t1[3] = {0, 1, 2}, w1[3] = {0xa, 0xb, 0xc};
    int got = seL4_NotificationSet_Poll(set, 60, ev);
    CHECK(got == 3 && nset_events_are(ev, 3, t1, w1),
          "it is ready at once with its word, after the members ready before the Add");
    CHECK_EQ(nset_ntfn_poll(n + 2), 0, "its word was consumed by the Poll");

    seL4_NotificationSet_Add(set, n + 3, 3);
    seL4_Signal(a);
    seL4_Signal(b);
    seL4_Signal(d);
    CHECK_EQ(seL4_NotificationSet_Remove(set, 1), seL4_NoError,
             "Remove a ready member from the middle of the ready list");
    CHECK_EQ(seL4_NotificationSet_RemoveNotification(set, n + 3), seL4_NoError,
             "RemoveNotification of the ready member at its tail");
    got = seL4_NotificationSet_Poll(set, 60, ev);
    CHECK(got == 1 && ev[0].token == 0 && ev[0].word == 0xa,
          "the set returns only the member still in it");
    CHECK_EQ(nset_ntfn_poll(n + 1), 0xb, "the removed notification kept its word (Remove)");
    CHECK_EQ(nset_ntfn_poll(n + 3), 0xd, "... and (RemoveNotification)");
    seL4_Signal(b);
    CHECK_EQ(seL4_NotificationSet_Poll(set, 60, ev), 0,
             "a Signal on a removed notification does not reach the set");
    CHECK_EQ(nset_ntfn_poll(n + 1), 0xb, "it is a plain notification again");
}

static void test_direct(void)
{
    seL4_CPtr set = nset_new(4), n = nset_ntfns(3);
    seL4_CPtr a = badged(n, 0x1), b = badged(n + 1, 0x2), c = badged(n + 2, 0x4);
    for (seL4_Word i = 0; i < 3; i++)
        seL4_NotificationSet_Add(set, n + i, i);
    seL4_Signal(a);
    seL4_Signal(b);
    seL4_Signal(c);
    CHECK_EQ(nset_ntfn_poll(n + 1), 0x2, "seL4_Poll directly on a ready member gets its word");
    seL4_Word w = 0;
    seL4_Wait(n, &w);
    CHECK_EQ(w, 0x1, "seL4_Wait directly on a ready member returns its word at once");
    int got = seL4_NotificationSet_Poll(set, 60, ev);
    CHECK(got == 1 && ev[0].token == 2 && ev[0].word == 0x4,
          "both left the set's ready list: the set returns only the third");
    seL4_Signal(b);
    seL4_Signal(a);
    got = seL4_NotificationSet_Poll(set, 60, ev);
    static const seL4_Word t[2] = {1, 0}, wd[2] = {0x2, 0x1};
    CHECK(got == 2 && nset_events_are(ev, 2, t, wd),
          "they are still members: their next Signals reach the set");
}

int main(void)
{
    test_begin("nset_basic");
    kobj_set_my_prio(ROOT_PRIO);
    ipc_watchdog_start();
    ipc_stage("retype");
    test_retype();
    ipc_stage("add/remove");
    test_add_remove();
    ipc_stage("wait/poll");
    test_wait_poll();
    ipc_stage("fifo");
    test_fifo();
    ipc_stage("coalesce");
    test_coalesce();
    ipc_stage("batch");
    test_batch();
    ipc_stage("add active, remove");
    test_add_active_remove();
    ipc_stage("direct wait");
    test_direct();
    test_finish();
}
