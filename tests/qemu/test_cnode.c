/*
 * CNode operations on the root CNode (docs/kernel-api.md, "CNode" and "Capabilities and
 * invocations"): Copy, Mint (rights can only shrink, badges on unbadged endpoint and
 * notification caps only, CNode guards), Move, Mutate (moves, sets CNode guards, refuses
 * endpoint and notification caps as seL4 does) and Delete, and every error path:
 * empty source, occupied destination, depth out of 1..64, a cptr outside the CNode (guard
 * mismatch), a source root that is not a CNode, an invalid invoked cptr, a label that is
 * not a CNode operation, too few message registers or extra caps, caps that cannot be
 * copied, and an untyped cap with children. Every failing call is checked to have changed
 * nothing. Revoke, finalisation, a 2^18-slot CNode and multi-level lookups are in
 * test_cnode_tree.c.
 *
 * The rights check maps a read-only derived frame cap at RO_VA; a child thread's write
 * there must fault (tests.cmake expects the kernel's report).
 */
#include <stdio.h>
#include "kobj.h"
#include "testlib.h"

#define RO_VA      0x20000000ull /* a fixed address, named in tests.cmake */
#define ROOT_PRIO  100
#define TOUCH_PRIO 200

static seL4_CPtr ntfn, ep, tcb;

static seL4_Error copy_d(seL4_CPtr dest, seL4_Word dest_depth, seL4_CPtr src, seL4_Word src_depth)
{
    return seL4_CNode_Copy(KOBJ_ROOT, dest, (seL4_Uint8)dest_depth, KOBJ_ROOT, src,
                           (seL4_Uint8)src_depth, seL4_AllRights);
}

static void test_copy(void)
{
    seL4_CPtr a = kobj_slot(), empty = kobj_slot();
    CHECK_EQ(kobj_copy(a, ntfn, seL4_AllRights), seL4_NoError, "Copy a notification cap");
    CHECK_EQ(kobj_type(a), seL4_CapType_Notification, "the copy is a notification cap");
    CHECK_EQ(kobj_type(ntfn), seL4_CapType_Notification, "Copy leaves the source in place");

    CHECK_EQ(kobj_copy(empty, kobj_slot(), seL4_AllRights), seL4_FailedLookup,
             "Copy from an empty slot: FailedLookup");
    CHECK_EQ(kobj_type(empty), seL4_CapType_Null, "failed Copy leaves the destination empty");
    CHECK_EQ(kobj_copy(a, ep, seL4_AllRights), seL4_DeleteFirst,
             "Copy onto an occupied slot: DeleteFirst");
    CHECK_EQ(kobj_type(a), seL4_CapType_Notification, "DeleteFirst left the old cap in place");

    CHECK_EQ(copy_d(empty, 0, ntfn, 64), seL4_RangeError, "Copy with dest_depth 0: RangeError");
    CHECK_EQ(copy_d(empty, 65, ntfn, 64), seL4_RangeError, "Copy with dest_depth 65: RangeError");
    CHECK_EQ(copy_d(empty, 64, ntfn, 0), seL4_RangeError, "Copy with src_depth 0: RangeError");
    CHECK_EQ(copy_d(empty, 12, ntfn, 64), seL4_FailedLookup,
             "Copy with a depth shorter than the root's guard + radix: FailedLookup");
    CHECK_EQ(copy_d(empty, 64, ntfn, 63), seL4_FailedLookup,
             "Copy with src_depth 63 (not a whole level): FailedLookup");
    CHECK_EQ(copy_d(empty | (1u << 12), 64, ntfn, 64), seL4_FailedLookup,
             "Copy to an index beyond the root CNode (guard mismatch): FailedLookup");
    CHECK_EQ(copy_d(empty, 64, ntfn | (1ull << 40), 64), seL4_FailedLookup,
             "Copy from an index with a wrong guard bit: FailedLookup");
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, empty, 64, ntfn, ntfn, 64, seL4_AllRights),
             seL4_FailedLookup, "Copy with a source root that is not a CNode: FailedLookup");
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, empty, 64, kobj_slot(), ntfn, 64, seL4_AllRights),
             seL4_FailedLookup, "Copy with an empty source-root extra cap: FailedLookup");
    CHECK_EQ(kobj_type(empty), seL4_CapType_Null, "none of the failed Copies filled the slot");

    /* Caps that cannot be derived. */
    CHECK_EQ(kobj_copy(empty, seL4_CapIRQControl, seL4_AllRights), seL4_IllegalOperation,
             "Copy of the IRQ control cap: IllegalOperation");
    CHECK_EQ(kobj_copy(empty, seL4_CapASIDControl, seL4_AllRights), seL4_IllegalOperation,
             "Copy of the ASID control cap: IllegalOperation");
    seL4_CPtr pt = kobj_new(seL4_ARM_PageTableObject, 0);
    CHECK_EQ(kobj_copy(empty, pt, seL4_AllRights), seL4_IllegalOperation,
             "Copy of an unmapped page table: IllegalOperation");
    seL4_CPtr vs = kobj_new(seL4_ARM_VSpaceObject, 0);
    CHECK_EQ(kobj_copy(empty, vs, seL4_AllRights), seL4_IllegalOperation,
             "Copy of a VSpace without an ASID: IllegalOperation");
    CHECK_EQ(kobj_type(empty), seL4_CapType_Null, "uncopyable caps left the slot empty");

    /* Untyped: copyable until it has children. */
    seL4_CPtr ut = kobj_untyped(16), ut_copy = kobj_slot();
    CHECK_EQ(kobj_copy(ut_copy, ut, seL4_AllRights), seL4_NoError,
             "Copy of an untyped without children");
    CHECK_EQ(kobj_delete(ut_copy), seL4_NoError, "Delete the untyped copy");
    seL4_CPtr child = kobj_slot();
    CHECK_EQ(kobj_retype(ut, seL4_NotificationObject, 0, child, 1), seL4_NoError,
             "Retype a child from the untyped");
    CHECK_EQ(kobj_copy(ut_copy, ut, seL4_AllRights), seL4_RevokeFirst,
             "Copy of an untyped with children: RevokeFirst");
    CHECK_EQ(kobj_type(ut_copy), seL4_CapType_Null, "RevokeFirst left the slot empty");
}

static void test_mint(void)
{
    seL4_CPtr b = kobj_slot(), b2 = kobj_slot(), bc = kobj_slot();
    CHECK_EQ(seL4_CNode_Mint(KOBJ_ROOT, b, 64, KOBJ_ROOT, ntfn, 64, seL4_AllRights, 5),
             seL4_NoError, "Mint a badged notification cap");
    CHECK_EQ(kobj_type(b), seL4_CapType_Notification, "the minted cap is a notification cap");
    CHECK_EQ(seL4_CNode_Mint(KOBJ_ROOT, b2, 64, KOBJ_ROOT, b, 64, seL4_AllRights, 6),
             seL4_IllegalOperation,
             "Mint a new badge onto a badged notification: IllegalOperation");
    CHECK_EQ(kobj_type(b2), seL4_CapType_Null, "the failed Mint left the slot empty");
    CHECK_EQ(kobj_copy(bc, b, seL4_AllRights), seL4_NoError, "Copy of a badged cap");

    seL4_CPtr e = kobj_slot(), e2 = kobj_slot();
    CHECK_EQ(seL4_CNode_Mint(KOBJ_ROOT, e, 64, KOBJ_ROOT, ep, 64, seL4_AllRights, 0x77),
             seL4_NoError, "Mint a badged endpoint cap");
    CHECK_EQ(kobj_type(e), seL4_CapType_Endpoint, "the minted cap is an endpoint cap");
    CHECK_EQ(seL4_CNode_Mint(KOBJ_ROOT, e2, 64, KOBJ_ROOT, e, 64, seL4_AllRights, 0x78),
             seL4_IllegalOperation, "Mint a new badge onto a badged endpoint: IllegalOperation");
    CHECK_EQ(kobj_type(e2), seL4_CapType_Null, "the failed Mint left the slot empty");

    /* Guards on CNode caps: guard size + radix may not exceed 64. */
    seL4_CPtr cn = kobj_new(seL4_CapTableObject, 8), g = kobj_slot();
    CHECK_EQ(seL4_CNode_Mint(KOBJ_ROOT, g, 64, KOBJ_ROOT, cn, 64, seL4_AllRights,
                             seL4_CNode_CapData_new(0, 57)),
             seL4_IllegalOperation,
             "Mint a CNode cap with guard size 57 + radix 8: IllegalOperation");
    CHECK_EQ(kobj_type(g), seL4_CapType_Null, "the failed Mint left the slot empty");
    CHECK_EQ(seL4_CNode_Mint(KOBJ_ROOT, g, 64, KOBJ_ROOT, cn, 64, seL4_AllRights,
                             seL4_CNode_CapData_new(0, 56)),
             seL4_NoError, "Mint a CNode cap with guard size 56 + radix 8 = 64");
    /* The guarded cap resolves exactly 64 bits: slot 3 is (guard 0, index 3). */
    CHECK_EQ(seL4_CNode_Copy(g, 3, 64, KOBJ_ROOT, ntfn, 64, seL4_AllRights), seL4_NoError,
             "Copy into the guarded CNode through a 64-bit path");
    CHECK_EQ(seL4_CNode_Copy(g, 3, 8, KOBJ_ROOT, ntfn, 64, seL4_AllRights), seL4_FailedLookup,
             "an 8-bit path does not cover the 56-bit guard: FailedLookup");
    CHECK_EQ(seL4_CNode_Copy(cn, 3, 8, KOBJ_ROOT, ntfn, 64, seL4_AllRights), seL4_DeleteFirst,
             "the unguarded original names the same slot with depth 8 (now occupied)");
}

/* Rights: a read-only derived frame cap stays read-only through Copy with all rights, so a
 * read-write mapping of it is read-only. */
static void test_rights(void)
{
    seL4_CPtr f = kobj_new(seL4_ARM_SmallPageObject, 0), ro = kobj_slot(), ro2 = kobj_slot();
    volatile seL4_Word *rw = (volatile seL4_Word *)kobj_va(4096);
    CHECK_EQ(kobj_map(f, seL4_CapInitThreadVSpace, (seL4_Word)rw, seL4_ReadWrite,
                      seL4_ARM_Default_VMAttributes),
             seL4_NoError, "map a frame read-write");
    CHECK_EQ(seL4_CNode_Mint(KOBJ_ROOT, ro, 64, KOBJ_ROOT, f, 64, seL4_CanRead, 0), seL4_NoError,
             "Mint a read-only frame cap");
    CHECK_EQ(kobj_copy(ro2, ro, seL4_AllRights), seL4_NoError,
             "Copy the read-only cap asking for all rights");
    CHECK_EQ(kobj_map(ro2, seL4_CapInitThreadVSpace, RO_VA, seL4_ReadWrite,
                      seL4_ARM_Default_VMAttributes),
             seL4_NoError, "map the copy asking for read-write");
    rw[0] = 0xabcdef;
    CHECK_EQ(*(volatile seL4_Word *)RO_VA, 0xabcdef, "the read-only mapping shows the frame");
    CHECK_EQ(kobj_touch(RO_VA, false, TOUCH_PRIO), KOBJ_TOUCH_DONE,
             "a thread can read through the read-only mapping");
    CHECK_EQ(kobj_touch(RO_VA, true, TOUCH_PRIO), KOBJ_TOUCH_FAULT,
             "a thread's write through it faults: Copy did not add rights");
    CHECK_EQ(rw[0], 0xabcdef, "the faulting write changed nothing");
}

static void test_move_mutate(void)
{
    seL4_CPtr a = kobj_slot(), m = kobj_slot(), occupied = kobj_slot();
    kobj_copy(a, ntfn, seL4_AllRights);
    kobj_copy(occupied, ep, seL4_AllRights);
    CHECK_EQ(seL4_CNode_Move(KOBJ_ROOT, m, 64, KOBJ_ROOT, a, 64), seL4_NoError, "Move a cap");
    CHECK_EQ(kobj_type(a), seL4_CapType_Null, "Move empties the source");
    CHECK_EQ(kobj_type(m), seL4_CapType_Notification, "Move fills the destination");
    CHECK_EQ(seL4_CNode_Move(KOBJ_ROOT, occupied, 64, KOBJ_ROOT, m, 64), seL4_DeleteFirst,
             "Move onto an occupied slot: DeleteFirst");
    CHECK(kobj_type(m) == seL4_CapType_Notification && kobj_type(occupied) == seL4_CapType_Endpoint,
          "the failed Move changed neither slot");
    CHECK_EQ(seL4_CNode_Move(KOBJ_ROOT, a, 64, KOBJ_ROOT, kobj_slot(), 64), seL4_FailedLookup,
             "Move from an empty slot: FailedLookup");
    CHECK_EQ(seL4_CNode_Move(KOBJ_ROOT, a, 0, KOBJ_ROOT, m, 64), seL4_RangeError,
             "Move with dest_depth 0: RangeError");
    CHECK_EQ(kobj_type(m), seL4_CapType_Notification, "the failed Moves left the source");

    /* As in seL4, Mutate cannot badge: it refuses endpoint and notification caps. */
    seL4_CPtr mb = kobj_slot(), mt = kobj_slot(), t2 = kobj_slot();
    CHECK_EQ(seL4_CNode_Mutate(KOBJ_ROOT, mb, 64, KOBJ_ROOT, m, 64, 9), seL4_IllegalOperation,
             "Mutate a notification cap (badge 9): IllegalOperation");
    CHECK_EQ(seL4_CNode_Mutate(KOBJ_ROOT, mb, 64, KOBJ_ROOT, occupied, 64, 0),
             seL4_IllegalOperation, "Mutate an endpoint cap (badge 0): IllegalOperation");
    CHECK(kobj_type(m) == seL4_CapType_Notification && kobj_type(mb) == seL4_CapType_Null &&
              kobj_type(occupied) == seL4_CapType_Endpoint,
          "the refused Mutates left the sources in place");
    kobj_copy(t2, tcb, seL4_AllRights);
    CHECK_EQ(seL4_CNode_Mutate(KOBJ_ROOT, mt, 64, KOBJ_ROOT, t2, 64, 0), seL4_NoError,
             "Mutate a TCB cap");
    CHECK(kobj_type(t2) == seL4_CapType_Null && kobj_type(mt) == seL4_CapType_TCB,
          "Mutate moves the cap");
    CHECK_EQ(seL4_CNode_Mutate(KOBJ_ROOT, occupied, 64, KOBJ_ROOT, mt, 64, 0), seL4_DeleteFirst,
             "Mutate onto an occupied slot: DeleteFirst");
    CHECK_EQ(kobj_type(mt), seL4_CapType_TCB, "the failed Mutate left the source");

    /* Mutate sets a CNode guard. */
    seL4_CPtr cn = kobj_new(seL4_CapTableObject, 4), cg = kobj_slot();
    CHECK_EQ(
        seL4_CNode_Mutate(KOBJ_ROOT, cg, 64, KOBJ_ROOT, cn, 64, seL4_CNode_CapData_new(0x5, 3)),
        seL4_NoError, "Mutate a CNode cap to guard 0b101 (3 bits)");
    CHECK_EQ(seL4_CNode_Copy(cg, (0x5 << 4) | 2, 7, KOBJ_ROOT, ntfn, 64, seL4_AllRights),
             seL4_NoError, "a path through the new guard resolves");
    CHECK_EQ(seL4_CNode_Copy(cg, (0x4 << 4) | 2, 7, KOBJ_ROOT, ntfn, 64, seL4_AllRights),
             seL4_FailedLookup, "a path with the wrong guard: FailedLookup");
    CHECK_EQ(seL4_CNode_Mutate(KOBJ_ROOT, kobj_slot(), 64, KOBJ_ROOT, cg, 64,
                               seL4_CNode_CapData_new(0, 61)),
             seL4_IllegalOperation, "Mutate to guard size 61 + radix 4: IllegalOperation");
    CHECK_EQ(kobj_type(cg), seL4_CapType_CNode, "the failed Mutate left the CNode cap");
}

static void test_delete(void)
{
    seL4_CPtr a = kobj_slot();
    kobj_copy(a, ntfn, seL4_AllRights);
    CHECK_EQ(kobj_delete(a), seL4_NoError, "Delete a copy");
    CHECK_EQ(kobj_type(a), seL4_CapType_Null, "Delete empties the slot");
    CHECK_EQ(kobj_type(ntfn), seL4_CapType_Notification, "deleting a copy keeps the original");
    CHECK_EQ(kobj_delete(a), seL4_NoError, "Delete of an empty slot succeeds");
    kobj_copy(a, ntfn, seL4_AllRights);
    CHECK_EQ(seL4_CNode_Delete(KOBJ_ROOT, a, 0), seL4_RangeError,
             "Delete with depth 0: RangeError");
    CHECK_EQ(seL4_CNode_Delete(KOBJ_ROOT, a, 65), seL4_RangeError,
             "Delete with depth 65: RangeError");
    CHECK_EQ(seL4_CNode_Delete(KOBJ_ROOT, a | (1u << 20), 64), seL4_FailedLookup,
             "Delete beyond the CNode (guard mismatch): FailedLookup");
    CHECK_EQ(seL4_CNode_Delete(KOBJ_ROOT, a, 32), seL4_FailedLookup,
             "Delete with depth 32: FailedLookup");
    CHECK_EQ(kobj_type(a), seL4_CapType_Notification, "the failed Deletes left the cap");
    CHECK_EQ(seL4_CNode_Revoke(KOBJ_ROOT, a, 0), seL4_RangeError,
             "Revoke with depth 0: RangeError");
    CHECK_EQ(seL4_CNode_Revoke(KOBJ_ROOT, a | (1u << 20), 64), seL4_FailedLookup,
             "Revoke beyond the CNode: FailedLookup");
}

/* Errors every invocation shares, on a CNode cap. */
static void test_invocation_errors(void)
{
    seL4_CPtr empty = kobj_slot(), dest = kobj_slot();
    CHECK_EQ(seL4_CNode_Copy(empty, dest, 64, KOBJ_ROOT, ntfn, 64, seL4_AllRights),
             seL4_InvalidCapability, "invoking an empty slot: InvalidCapability");
    CHECK_EQ(seL4_CNode_Copy(0x12345, dest, 64, KOBJ_ROOT, ntfn, 64, seL4_AllRights),
             seL4_InvalidCapability, "invoking a cptr beyond the root CNode: InvalidCapability");
    CHECK_EQ(seL4_CNode_Copy(seL4_CapNull, dest, 64, KOBJ_ROOT, ntfn, 64, seL4_AllRights),
             seL4_InvalidCapability, "invoking seL4_CapNull: InvalidCapability");
    CHECK_EQ(seL4_CNode_Copy(tcb, dest, 64, KOBJ_ROOT, ntfn, 64, seL4_AllRights),
             seL4_IllegalOperation, "a CNode operation on a TCB cap: IllegalOperation");

    seL4_Word mr[6] = {0};
    CHECK_EQ(seL4_Invoke_(KOBJ_ROOT, TCBSuspend, 0, 0, mr, NULL), seL4_IllegalOperation,
             "a TCB label on a CNode cap: IllegalOperation");
    CHECK_EQ(seL4_Invoke_(KOBJ_ROOT, InvalidInvocation, 0, 0, mr, NULL), seL4_IllegalOperation,
             "label 0 on a CNode cap: IllegalOperation");
    CHECK_EQ(seL4_Invoke_(KOBJ_ROOT, 5000, 0, 0, mr, NULL), seL4_IllegalOperation,
             "an unknown label: IllegalOperation");

    seL4_Word copy_mr[5] = {dest, 64, ntfn, 64, seL4_AllRights.words[0]};
    seL4_SetCap(0, KOBJ_ROOT);
    CHECK_EQ(seL4_Invoke_(KOBJ_ROOT, CNodeCopy, 1, 4, copy_mr, NULL), seL4_TruncatedMessage,
             "Copy with 4 of its 5 message registers: TruncatedMessage");
    seL4_Word copy_mr2[5] = {dest, 64, ntfn, 64, seL4_AllRights.words[0]};
    CHECK_EQ(seL4_Invoke_(KOBJ_ROOT, CNodeCopy, 0, 5, copy_mr2, NULL), seL4_TruncatedMessage,
             "Copy without its extra cap: TruncatedMessage");
    seL4_Word del_mr[2] = {dest, 64};
    CHECK_EQ(seL4_Invoke_(KOBJ_ROOT, CNodeDelete, 0, 1, del_mr, NULL), seL4_TruncatedMessage,
             "Delete with 1 of its 2 message registers: TruncatedMessage");
    seL4_Word mint_mr[6] = {dest, 64, ntfn, 64, seL4_AllRights.words[0], 3};
    seL4_SetCap(0, KOBJ_ROOT);
    CHECK_EQ(seL4_Invoke_(KOBJ_ROOT, CNodeMint, 1, 5, mint_mr, NULL), seL4_TruncatedMessage,
             "Mint without its badge word: TruncatedMessage");
    CHECK_EQ(kobj_type(dest), seL4_CapType_Null, "no failed invocation filled the slot");
}

int main(void)
{
    test_begin("cnode");
    kobj_set_my_prio(ROOT_PRIO);
    ntfn = kobj_new(seL4_NotificationObject, 0);
    ep = kobj_new(seL4_EndpointObject, 0);
    tcb = kobj_new(seL4_TCBObject, 0);
    CHECK(ntfn && ep && tcb, "retype a notification, an endpoint and a TCB");

    test_copy();
    test_mint();
    test_rights();
    test_move_mutate();
    test_delete();
    test_invocation_errors();
    test_finish();
}
