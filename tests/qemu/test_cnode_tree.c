/*
 * The capability derivation tree and deletion (docs/kernel-api.md, "CNode"):
 *  - Revoke of an original notification cap removes its copies, its badged children and
 *    their copies; Revoke of a badged cap removes only its own copies; Revoke of a plain
 *    copy removes nothing; Revoke of an untyped removes every object made from it and
 *    every copy of those caps;
 *  - deleting the last cap to a TCB finalises it: the running thread stops (not while a
 *    copy remains); so does revoking the untyped it came from, and deleting a CNode that
 *    holds the last cap;
 *  - a CNode of 2^18 slots: a cap copied into its last slot through (cnode, index, 18) and
 *    read back; depth 19 does not resolve;
 *  - multi-level lookups through guarded CNode caps (guard 0b0101 then 0b1010), wrong
 *    guards at either level, and a depth that ends at the slot holding the second level;
 *  - a chain of 1000 CNodes, each holding the only cap to the next, is deleted by one
 *    Delete of its head.
 * Unreachable cycles of CNodes and TCBs are in test_cnode_cycles.c.
 */
#include <stdio.h>
#include "kobj.h"
#include "testlib.h"

#define ROOT_PRIO 100

static volatile seL4_Word counters[8];

static seL4_Error mint(seL4_CPtr dest, seL4_CPtr src, seL4_Word badge)
{
    return seL4_CNode_Mint(KOBJ_ROOT, dest, 64, KOBJ_ROOT, src, 64, seL4_AllRights, badge);
}

static void test_revoke_badges(void)
{
    seL4_CPtr n = kobj_new(seL4_NotificationObject, 0);
    seL4_CPtr c1 = kobj_slot(), b1 = kobj_slot(), b1c = kobj_slot(), c1c = kobj_slot();
    CHECK(kobj_copy(c1, n, seL4_AllRights) == seL4_NoError && mint(b1, n, 5) == seL4_NoError &&
              kobj_copy(b1c, b1, seL4_AllRights) == seL4_NoError &&
              kobj_copy(c1c, c1, seL4_AllRights) == seL4_NoError,
          "a notification with a copy, a badged child, and a copy of each");

    CHECK_EQ(kobj_revoke(c1), seL4_NoError, "Revoke a plain copy");
    CHECK(kobj_type(n) == seL4_CapType_Notification && kobj_type(b1) == seL4_CapType_Notification &&
              kobj_type(b1c) == seL4_CapType_Notification &&
              kobj_type(c1c) == seL4_CapType_Notification,
          "Revoke of a plain copy removes nothing");

    CHECK_EQ(kobj_revoke(b1), seL4_NoError, "Revoke the badged cap");
    CHECK_EQ(kobj_type(b1c), seL4_CapType_Null, "Revoke of the badged cap removes its copy");
    CHECK(kobj_type(b1) == seL4_CapType_Notification && kobj_type(n) == seL4_CapType_Notification &&
              kobj_type(c1) == seL4_CapType_Notification,
          "... and keeps itself, the original and the unbadged copies");

    CHECK_EQ(kobj_revoke(n), seL4_NoError, "Revoke the original");
    CHECK(kobj_type(c1) == seL4_CapType_Null && kobj_type(c1c) == seL4_CapType_Null &&
              kobj_type(b1) == seL4_CapType_Null,
          "Revoke of the original removes copies and badged children");
    CHECK_EQ(kobj_type(n), seL4_CapType_Notification, "Revoke keeps the revoked cap itself");
    CHECK_EQ(kobj_revoke(kobj_slot()), seL4_NoError, "Revoke of an empty slot succeeds");
}

static void test_revoke_untyped(void)
{
    seL4_CPtr ut = kobj_untyped(16), objs = kobj_slots(3), c = kobj_slot(), b = kobj_slot();
    CHECK_EQ(kobj_retype(ut, seL4_NotificationObject, 0, objs, 3), seL4_NoError,
             "retype 3 notifications from a private untyped");
    kobj_copy(c, objs, seL4_AllRights);
    mint(b, objs + 1, 3);
    CHECK_EQ(kobj_revoke(ut), seL4_NoError, "Revoke the untyped");
    CHECK(kobj_type(objs) == seL4_CapType_Null && kobj_type(objs + 1) == seL4_CapType_Null &&
              kobj_type(objs + 2) == seL4_CapType_Null,
          "Revoke of an untyped deletes every object cap made from it");
    CHECK(kobj_type(c) == seL4_CapType_Null && kobj_type(b) == seL4_CapType_Null,
          "... and the copies and badged children of those caps");
    CHECK_EQ(kobj_type(ut), seL4_CapType_Untyped, "the untyped cap stays");
}

static void count_forever(seL4_Word i)
{
    for (;;) {
        counters[i]++;
        seL4_Yield();
    }
}

/* Starts a thread at the root's priority that counts in counters[i] (reusing tcb if set). */
static bool start_counter(struct kobj_thread *t, seL4_Word i)
{
    counters[i] = 0;
    return kobj_thread_new(t, ROOT_PRIO, "counter") == seL4_NoError &&
           kobj_thread_start(t, count_forever, i) == seL4_NoError &&
           kobj_wait_until(&counters[i], 3);
}

/* True if counters[i] does not move while we yield many times. */
static bool stopped(seL4_Word i)
{
    seL4_Word before = counters[i];
    for (int k = 0; k < 200; k++)
        seL4_Yield();
    return counters[i] == before;
}

static void test_finalise(void)
{
    struct kobj_thread t = {0};
    CHECK(start_counter(&t, 0), "a thread runs and counts");
    seL4_CPtr copy = kobj_slot();
    CHECK_EQ(kobj_copy(copy, t.tcb, seL4_AllRights), seL4_NoError, "Copy its TCB cap");
    CHECK_EQ(kobj_delete(t.tcb), seL4_NoError, "Delete the original TCB cap");
    CHECK(!stopped(0), "the thread keeps running while a copy of its cap remains");
    CHECK_EQ(kobj_delete(copy), seL4_NoError, "Delete the last TCB cap");
    CHECK(stopped(0), "deleting the last TCB cap stops the thread");

    struct kobj_thread u = {0};
    seL4_CPtr ut = kobj_untyped(12);
    u.tcb = kobj_slot();
    CHECK_EQ(kobj_retype(ut, seL4_TCBObject, 0, u.tcb, 1), seL4_NoError,
             "retype a TCB from a private untyped");
    CHECK(start_counter(&u, 1), "that thread runs and counts");
    CHECK_EQ(kobj_revoke(ut), seL4_NoError, "Revoke the untyped");
    CHECK_EQ(kobj_type(u.tcb), seL4_CapType_Null, "its TCB cap is gone");
    CHECK(stopped(1), "revoking the untyped stopped the thread");
    CHECK_EQ(kobj_retype(ut, seL4_TCBObject, 0, u.tcb, 1), seL4_NoError,
             "the same memory makes a new TCB after the Revoke");
}

/* A CNode of 2^18 slots (8 MiB) addressed as (cnode, index, 18). */
static void test_big_cnode(void)
{
    const seL4_Word bits = 18, last = (1u << 18) - 1;
    seL4_CPtr big = kobj_new(seL4_CapTableObject, bits);
    if (!CHECK(big != 0, "retype a CNode of 2^18 slots"))
        return;
    CHECK_EQ(kobj_type(big), seL4_CapType_CNode, "it is a CNode cap");
    seL4_CPtr n = kobj_new(seL4_NotificationObject, 0);
    CHECK_EQ(seL4_CNode_Copy(big, last, bits, KOBJ_ROOT, n, 64, seL4_AllRights), seL4_NoError,
             "Copy a cap into the last slot (big, 2^18-1, 18)");
    CHECK_EQ(seL4_CNode_Copy(big, last, bits, KOBJ_ROOT, n, 64, seL4_AllRights), seL4_DeleteFirst,
             "the last slot is now occupied");
    CHECK_EQ(seL4_CNode_Copy(big, last, bits + 1, KOBJ_ROOT, n, 64, seL4_AllRights),
             seL4_FailedLookup, "depth 19 does not end at a slot: FailedLookup");
    seL4_CPtr out = kobj_slot();
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, out, 64, big, last, bits, seL4_AllRights), seL4_NoError,
             "Copy it back out to a root slot");
    CHECK_EQ(kobj_type(out), seL4_CapType_Notification, "the cap read back is the notification");
    seL4_CPtr out0 = kobj_slot();
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, out0, 64, big, 0, bits, seL4_AllRights), seL4_FailedLookup,
             "slot 0 of the new CNode is empty (FailedLookup as a source)");

    /* The last cap of a running thread, moved into the big CNode, dies with it. */
    struct kobj_thread t = {0};
    CHECK(start_counter(&t, 2), "a thread runs and counts");
    CHECK_EQ(seL4_CNode_Move(big, 12345, bits, KOBJ_ROOT, t.tcb, 64), seL4_NoError,
             "Move its only TCB cap into the big CNode");
    CHECK(!stopped(2), "the thread still runs");
    CHECK_EQ(kobj_delete(big), seL4_NoError, "Delete the big CNode");
    CHECK_EQ(kobj_type(big), seL4_CapType_Null, "its slot is empty");
    CHECK(stopped(2), "deleting the CNode deleted the TCB cap inside it: the thread stopped");
    CHECK_EQ(kobj_type(n), seL4_CapType_Notification, "the original notification cap survives");
}

/* root slot l1g: CNode L1 (radix 8) with guard 0b0101 (4 bits); L1 slot 3: CNode L2
 * (radix 8) with guard 0b1010. Path to L2 slot 7: 0101 00000011 1010 00000111 (24 bits). */
static void test_multilevel(void)
{
    seL4_CPtr l1 = kobj_new(seL4_CapTableObject, 8), l2 = kobj_new(seL4_CapTableObject, 8);
    seL4_CPtr l1g = kobj_slot(), n = kobj_new(seL4_NotificationObject, 0);
    const seL4_Word to_l2 = (0x5 << 8) | 3, leaf = (to_l2 << 12) | (0xa << 8) | 7;

    CHECK_EQ(mint(l1g, l1, seL4_CNode_CapData_new(0x5, 4)), seL4_NoError,
             "Mint L1 with guard 0b0101");
    CHECK_EQ(seL4_CNode_Mint(l1g, to_l2, 12, KOBJ_ROOT, l2, 64, seL4_AllRights,
                             seL4_CNode_CapData_new(0xa, 4)),
             seL4_NoError, "Mint L2 with guard 0b1010 into L1 slot 3 through the guarded cap");
    CHECK_EQ(seL4_CNode_Copy(l1g, leaf, 24, KOBJ_ROOT, n, 64, seL4_AllRights), seL4_NoError,
             "Copy a cap to L2 slot 7 through a 24-bit two-level path");

    seL4_CPtr out = kobj_slot();
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, out, 64, l1g, leaf, 24, seL4_AllRights), seL4_NoError,
             "Copy it back out through the same path");
    CHECK_EQ(kobj_type(out), seL4_CapType_Notification, "the two-level path names the cap");
    seL4_CPtr out2 = kobj_slot();
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, out2, 64, l2, 7, 8, seL4_AllRights), seL4_NoError,
             "the unguarded L2 cap names the same slot as (l2, 7, 8)");
    CHECK_EQ(kobj_type(out2), seL4_CapType_Notification, "and it holds the notification");

    seL4_CPtr out3 = kobj_slot();
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, out3, 64, l1g, to_l2, 12, seL4_AllRights), seL4_NoError,
             "a 12-bit path ends at the L1 slot that holds L2");
    CHECK_EQ(kobj_type(out3), seL4_CapType_CNode, "that slot holds a CNode cap");

    seL4_CPtr bad = kobj_slot();
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, bad, 64, l1g, leaf ^ (0xfull << 20), 24, seL4_AllRights),
             seL4_FailedLookup, "a wrong first-level guard: FailedLookup");
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, bad, 64, l1g, leaf ^ (0x1ull << 10), 24, seL4_AllRights),
             seL4_FailedLookup, "a wrong second-level guard: FailedLookup");
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, bad, 64, l1g, leaf >> 4, 20, seL4_AllRights),
             seL4_FailedLookup, "a 20-bit path stops inside the second level: FailedLookup");
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, bad, 64, l1g, (leaf & ~0xffull) | 8, 24, seL4_AllRights),
             seL4_FailedLookup, "an empty second-level slot as source: FailedLookup");
    CHECK_EQ(kobj_type(bad), seL4_CapType_Null, "the failed lookups changed nothing");

    CHECK_EQ(seL4_CNode_Delete(l1g, leaf, 24), seL4_NoError, "Delete through the two-level path");
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, bad, 64, l2, 7, 8, seL4_AllRights), seL4_FailedLookup,
             "the slot is empty afterwards");
}

/* The physical address of the next frame retyped from ut. */
static seL4_Word next_frame(seL4_CPtr ut)
{
    seL4_CPtr f = kobj_slot();
    if (kobj_retype(ut, seL4_ARM_SmallPageObject, 0, f, 1) != seL4_NoError)
        return ~(seL4_Word)0;
    return kobj_paddr(f);
}

/* 1000 CNodes, each holding the only cap to the next; the last holds the only cap to a
 * running thread. Deleting the first deletes the whole chain (a kernel that recursed per
 * level would overflow its stack) and the untyped is left with no children. */
static void test_chain(void)
{
    const seL4_Word len = 1000;
    seL4_CPtr ut = kobj_untyped(18), c = kobj_slots(len);
    seL4_Word base = next_frame(ut);
    kobj_revoke(ut);
    seL4_Word failed = 0;
    for (seL4_Word i = 0; i < len; i += 250)
        failed += kobj_retype(ut, seL4_CapTableObject, 1, c + i, 250) != seL4_NoError;
    CHECK_EQ(failed, 0, "1000 two-slot CNodes");
    struct kobj_thread t = {0};
    t.tcb = kobj_slot();
    kobj_retype(ut, seL4_TCBObject, 0, t.tcb, 1);
    CHECK(start_counter(&t, 4), "a thread from the same untyped runs");
    CHECK_EQ(seL4_CNode_Move(c + len - 1, 1, 1, KOBJ_ROOT, t.tcb, 64), seL4_NoError,
             "the last CNode takes the thread's only TCB cap");
    for (seL4_Word i = len - 1; i > 0; i--)
        failed += seL4_CNode_Move(c + i - 1, 0, 1, KOBJ_ROOT, c + i, 64) != seL4_NoError;
    CHECK_EQ(failed, 0, "each CNode takes the only cap to the next");
    CHECK(!stopped(4), "the thread at the end of the chain runs");
    CHECK_EQ(kobj_delete(c), seL4_NoError, "Delete the first CNode's cap");
    CHECK(stopped(4), "the whole chain was deleted: the thread stopped");
    CHECK_EQ(next_frame(ut), base, "the untyped has no children left: Retype starts at its base");
    kobj_revoke(ut);
}

int main(void)
{
    test_begin("cnode_tree");
    kobj_set_my_prio(ROOT_PRIO);
    test_revoke_badges();
    test_revoke_untyped();
    test_finalise();
    test_big_cnode();
    test_multilevel();
    test_chain();
    test_finish();
}
