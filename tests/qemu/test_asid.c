/*
 * ASID pools (docs/kernel-api.md, "AArch64 virtual memory"):
 *  - ASIDControl_MakePool errors: an untyped of the wrong size, device memory, not an
 *    untyped (InvalidCapability), an untyped with children (RevokeFirst), an occupied or
 *    unresolvable destination (DeleteFirst, FailedLookup), the common invocation errors;
 *    a refused call changes nothing (the untyped still retypes from its base);
 *  - a new pool holds 512 ASIDs: the 513th Assign is DeleteFirst and leaves that VSpace
 *    without an ASID; deleting an assigned VSpace frees its ASID;
 *  - ASIDPool_Assign errors (not a VSpace, already assigned, empty slot, wrong object);
 *  - at most 128 pools (the initial one included): the next MakePool is DeleteFirst;
 *    deleting a pool frees its place.
 */
#include <stdio.h>
#include "kobj.h"
#include "testlib.h"

#define CTL seL4_CapASIDControl

static seL4_CPtr pool, pool_ut;

static seL4_Error make_pool(seL4_CPtr ut, seL4_CPtr dest)
{
    return seL4_ARM_ASIDControl_MakePool(CTL, ut, KOBJ_ROOT, dest, KOBJ_DEPTH);
}

/* A 4 KiB device untyped carved from the PCIe window's device untyped. */
static seL4_CPtr device_untyped_4k(void)
{
    seL4_BootInfo *bi = kobj_bi();
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (d->isDevice && d->sizeBits >= 12 && d->paddr >= 0x10000000 &&
            d->paddr < KOBJ_RAM_BASE) {
            seL4_CPtr c = kobj_slot();
            if (kobj_retype(bi->untyped.start + i, seL4_UntypedObject, 12, c, 1) == seL4_NoError)
                return c;
        }
    }
    return 0;
}

static void test_make_pool(void)
{
    seL4_CPtr dest = kobj_slot(), ut13 = kobj_untyped(13),
              ntfn = kobj_new(seL4_NotificationObject, 0);
    pool_ut = kobj_untyped(12);
    seL4_CPtr probe = kobj_slot();
    kobj_retype(pool_ut, seL4_ARM_SmallPageObject, 0, probe, 1);
    seL4_Word base = kobj_paddr(probe);

    CHECK_EQ(make_pool(pool_ut, dest), seL4_RevokeFirst, "MakePool from an untyped with children");
    kobj_revoke(pool_ut);
    CHECK_EQ(make_pool(ut13, dest), seL4_InvalidCapability,
             "MakePool from 8 KiB: InvalidCapability");
    CHECK_EQ(make_pool(ntfn, dest), seL4_InvalidCapability,
             "MakePool from a notification cap: InvalidCapability");
    seL4_CPtr dev = device_untyped_4k();
    CHECK(dev != 0, "a 4 KiB device untyped");
    CHECK_EQ(make_pool(dev, dest), seL4_InvalidCapability,
             "MakePool from device memory: InvalidCapability");
    CHECK_EQ(make_pool(pool_ut, ntfn), seL4_DeleteFirst, "an occupied destination: DeleteFirst");
    CHECK_EQ(make_pool(pool_ut, dest | (1ull << 30)), seL4_FailedLookup,
             "a destination beyond the root CNode: FailedLookup");
    CHECK_EQ(seL4_ARM_ASIDControl_MakePool(CTL, pool_ut, ntfn, dest, KOBJ_DEPTH), seL4_FailedLookup,
             "a destination root that is not a CNode: FailedLookup");
    CHECK_EQ(seL4_ARM_ASIDControl_MakePool(KOBJ_ROOT, pool_ut, KOBJ_ROOT, dest, KOBJ_DEPTH),
             seL4_IllegalOperation, "the MakePool label on a CNode cap: IllegalOperation");
    seL4_Word mr[2] = {dest, KOBJ_DEPTH};
    seL4_SetCap(0, pool_ut);
    CHECK_EQ(seL4_Invoke_(CTL, ARMASIDControlMakePool, 1, 2, mr, NULL), seL4_TruncatedMessage,
             "MakePool with one of its two extra caps: TruncatedMessage");
    CHECK_EQ(kobj_type(dest), seL4_CapType_Null, "no refused MakePool filled the slot");
    CHECK_EQ(kobj_retype(pool_ut, seL4_ARM_SmallPageObject, 0, probe, 1), seL4_NoError,
             "the untyped is untouched: it still retypes");
    CHECK_EQ(kobj_paddr(probe), base, "from its base");
    kobj_revoke(pool_ut);

    CHECK_EQ(make_pool(pool_ut, dest), seL4_NoError, "MakePool from a 4 KiB untyped");
    CHECK_EQ(kobj_type(dest), seL4_CapType_ASIDPool, "the new cap is an ASID pool");
    CHECK_EQ(kobj_copy(kobj_slot(), pool_ut, seL4_AllRights), seL4_RevokeFirst,
             "the pool is a child of the untyped (Copy: RevokeFirst)");
    pool = dest;
}

static void test_assign(void)
{
    seL4_CPtr ut = kobj_untyped(22), vs = kobj_slots(513),
              f = kobj_new(seL4_ARM_SmallPageObject, 0);
    CHECK(kobj_retype(ut, seL4_ARM_VSpaceObject, 0, vs, 256) == seL4_NoError &&
              kobj_retype(ut, seL4_ARM_VSpaceObject, 0, vs + 256, 256) == seL4_NoError &&
              kobj_retype(ut, seL4_ARM_VSpaceObject, 0, vs + 512, 1) == seL4_NoError,
          "513 VSpaces");
    CHECK_EQ(seL4_ARM_ASIDPool_Assign(pool, f), seL4_InvalidCapability,
             "Assign a frame: InvalidCapability");
    CHECK_EQ(seL4_ARM_ASIDPool_Assign(pool, kobj_slot()), seL4_InvalidCapability,
             "Assign an empty slot: InvalidCapability");
    CHECK_EQ(seL4_ARM_ASIDPool_Assign(KOBJ_ROOT, vs), seL4_IllegalOperation,
             "the Assign label on a CNode cap: IllegalOperation");
    seL4_Word failed = 0;
    for (seL4_Word i = 0; i < 512; i++)
        failed += seL4_ARM_ASIDPool_Assign(pool, vs + i) != seL4_NoError;
    CHECK_EQ(failed, 0, "a new pool gives out 512 ASIDs");
    CHECK_EQ(seL4_ARM_ASIDPool_Assign(pool, vs), seL4_InvalidCapability,
             "assigning a VSpace that has an ASID: InvalidCapability");
    CHECK_EQ(seL4_ARM_ASIDPool_Assign(pool, vs + 512), seL4_DeleteFirst,
             "the 513th: DeleteFirst (the pool is full)");
    CHECK_EQ(seL4_ARM_Page_Map(f, vs + 512, 0x10000, seL4_ReadWrite, 0), seL4_InvalidCapability,
             "the refused VSpace still has no ASID");
    seL4_CPtr pt = kobj_new(seL4_ARM_PageTableObject, 0);
    CHECK_EQ(seL4_ARM_PageTable_Map(pt, vs + 7, 0x10000, 0), seL4_NoError,
             "a VSpace with an ASID from the new pool takes a table");
    CHECK_EQ(kobj_delete(vs + 3), seL4_NoError, "Delete an assigned VSpace");
    CHECK_EQ(seL4_ARM_ASIDPool_Assign(pool, vs + 512), seL4_NoError,
             "its ASID is free again: the 513th VSpace gets it");
}

static void test_pool_limit(void)
{
    /* The initial pool and ours exist: 126 more make 128. */
    seL4_CPtr ut = kobj_untyped(19), uts = kobj_slots(127), pools = kobj_slots(127);
    CHECK_EQ(kobj_retype(ut, seL4_UntypedObject, 12, uts, 127), seL4_NoError,
             "127 untyped of 4 KiB");
    seL4_Word made = 0;
    for (seL4_Word i = 0; i < 126; i++)
        made += make_pool(uts + i, pools + i) == seL4_NoError;
    CHECK_EQ(made, 126, "126 more pools: 128 in all");
    CHECK_EQ(make_pool(uts + 126, pools + 126), seL4_DeleteFirst, "a 129th pool: DeleteFirst");
    CHECK_EQ(kobj_type(pools + 126), seL4_CapType_Null, "the refused MakePool filled nothing");
    seL4_CPtr c = kobj_slot();
    CHECK_EQ(kobj_copy(c, uts + 126, seL4_AllRights), seL4_NoError,
             "its untyped has no children (Copy succeeds)");
    kobj_delete(c);
    CHECK_EQ(kobj_delete(pools + 5), seL4_NoError, "Delete a pool");
    CHECK_EQ(make_pool(uts + 126, pools + 126), seL4_NoError, "its place is free again");
}

int main(void)
{
    test_begin("asid");
    test_make_pool();
    test_assign();
    test_pool_limit();
    test_finish();
}
