/*
 * AArch64 virtual memory objects (docs/kernel-api.md, "AArch64 virtual memory"), checked
 * through the kernel's answers and through aliasing in the root VSpace:
 *  - a new VSpace cannot take tables or frames before ASIDPool_Assign, can after;
 *  - PageTable_Map installs levels 1, 2, 3 in turn for one address, then DeleteFirst;
 *    a table cap already mapped is refused; a 2 MiB block blocks a table below it;
 *  - Page_Map of 4 KiB and 2 MiB frames and every error: unaligned (AlignmentError), at or
 *    above 2^48 (InvalidArgument), missing table (FailedLookup), occupied (DeleteFirst),
 *    frame mapped elsewhere or VSpace without ASID / not a VSpace (InvalidCapability);
 *    mapping again at the same place is allowed; a refused call maps nothing;
 *  - data written through one mapping is read through a second mapping of the same frame
 *    (a copied cap), for 4 KiB and 2 MiB frames;
 *  - Page_Unmap then Map elsewhere keeps the data; PageTable_Unmap clears the table;
 *  - deleting a VSpace removes its mappings: its frame and table caps then unmap as no-ops
 *    and can be mapped again elsewhere.
 * Access rights, faults, isolation and device frames: test_vspace_access.c; ASID pools:
 * test_asid.c.
 */
#include <stdio.h>
#include "kobj.h"
#include "testlib.h"

#define PAGE  0x1000ull
#define LARGE 0x200000ull
/* One address per level index 1: L0[1] L1[1] L2[1] L3[1]. */
#define X ((1ull << 39) | (1ull << 30) | (1ull << 21) | (1ull << 12))
#define Y ((1ull << 39) | (1ull << 30) | (2ull << 21)) /* same L2 table, next entry */
#define Z ((1ull << 39) | (2ull << 30))                /* same L1 table, no L2 below */

static seL4_CPtr vs, pt1, pt2, pt3, f1, f2, lp;

static seL4_Error map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word va)
{
    return seL4_ARM_Page_Map(frame, vspace, va, seL4_ReadWrite, seL4_ARM_Default_VMAttributes);
}

static seL4_Error map_pt(seL4_CPtr pt, seL4_CPtr vspace, seL4_Word va)
{
    return seL4_ARM_PageTable_Map(pt, vspace, va, seL4_ARM_Default_VMAttributes);
}

static void test_asid_needed(void)
{
    vs = kobj_new(seL4_ARM_VSpaceObject, 0);
    pt1 = kobj_new(seL4_ARM_PageTableObject, 0);
    f1 = kobj_new(seL4_ARM_SmallPageObject, 0);
    CHECK_EQ(map_pt(pt1, vs, X), seL4_InvalidCapability,
             "PageTable_Map into a VSpace without ASID: InvalidCapability");
    CHECK_EQ(map(f1, vs, X), seL4_InvalidCapability,
             "Page_Map into a VSpace without ASID: InvalidCapability");
    CHECK_EQ(seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vs), seL4_NoError,
             "ASIDPool_Assign gives the VSpace an ASID");
    CHECK_EQ(seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vs), seL4_InvalidCapability,
             "assigning it again: InvalidCapability");
    CHECK_EQ(seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, f1), seL4_InvalidCapability,
             "assigning a frame cap: InvalidCapability");
}

static void test_levels(void)
{
    pt2 = kobj_new(seL4_ARM_PageTableObject, 0);
    pt3 = kobj_new(seL4_ARM_PageTableObject, 0);
    seL4_CPtr pt4 = kobj_new(seL4_ARM_PageTableObject, 0);
    lp = kobj_new(seL4_ARM_LargePageObject, 0);

    CHECK_EQ(map(f1, vs, X), seL4_FailedLookup, "Page_Map with no level 1 table: FailedLookup");
    CHECK_EQ(map_pt(pt1, vs, X), seL4_NoError, "PageTable_Map installs level 1");
    CHECK_EQ(map(f1, vs, X), seL4_FailedLookup, "no level 2 yet: FailedLookup");
    CHECK_EQ(map(lp, vs, Y), seL4_FailedLookup, "a 2 MiB frame needs level 2: FailedLookup");
    CHECK_EQ(map_pt(pt2, vs, X), seL4_NoError, "PageTable_Map installs level 2");
    CHECK_EQ(map(lp, vs, Y), seL4_NoError, "a 2 MiB frame maps into level 2");
    CHECK_EQ(map(f1, vs, X), seL4_FailedLookup, "no level 3 yet: FailedLookup");
    CHECK_EQ(map_pt(pt3, vs, X), seL4_NoError, "PageTable_Map installs level 3");
    CHECK_EQ(map_pt(pt4, vs, X), seL4_DeleteFirst, "every level exists: DeleteFirst");
    CHECK_EQ(map_pt(pt4, vs, Y), seL4_DeleteFirst,
             "a table where a 2 MiB frame is mapped: DeleteFirst");
    CHECK_EQ(map_pt(pt1, vs, Z), seL4_InvalidCapability,
             "mapping an already mapped table again: InvalidCapability");
    CHECK_EQ(map_pt(pt4, vs, 1ull << 48), seL4_InvalidArgument,
             "PageTable_Map at 2^48: InvalidArgument");
    CHECK_EQ(map_pt(pt4, f1, Z), seL4_InvalidCapability,
             "PageTable_Map into a frame cap: InvalidCapability");
    CHECK_EQ(map(f1, vs, X), seL4_NoError, "Page_Map of a 4 KiB frame at level 3");
    CHECK_EQ(map_pt(pt4, vs, Z), seL4_NoError, "the refused table maps elsewhere");
}

static void test_map_errors(void)
{
    f2 = kobj_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr lp2 = kobj_new(seL4_ARM_LargePageObject, 0);
    CHECK_EQ(seL4_ARM_Page_Map(f1, vs, X, seL4_CanRead, seL4_ARM_Default_VMAttributes),
             seL4_NoError, "mapping a frame again at the same place (new rights) is allowed");
    CHECK_EQ(map(f2, vs, X), seL4_DeleteFirst, "another frame at an occupied entry: DeleteFirst");
    CHECK_EQ(map(f1, vs, X + PAGE), seL4_InvalidCapability,
             "a frame mapped elsewhere: InvalidCapability");
    CHECK_EQ(map(f2, vs, X + PAGE + 8), seL4_AlignmentError,
             "a 4 KiB frame at an unaligned address: AlignmentError");
    CHECK_EQ(map(lp2, vs, Y + LARGE + PAGE), seL4_AlignmentError,
             "a 2 MiB frame at a 4 KiB-aligned address: AlignmentError");
    CHECK_EQ(map(lp2, vs, X & ~(LARGE - 1)), seL4_DeleteFirst,
             "a 2 MiB frame where a level 3 table sits: DeleteFirst");
    CHECK_EQ(map(f2, vs, 1ull << 48), seL4_InvalidArgument, "Page_Map at 2^48: InvalidArgument");
    CHECK_EQ(map(f2, vs, 1ull << 63), seL4_InvalidArgument, "Page_Map at 2^63: InvalidArgument");
    CHECK_EQ(map(lp2, vs, (1ull << 48) - LARGE / 2), seL4_AlignmentError,
             "a 2 MiB frame across 2^48 (unaligned): AlignmentError");
    CHECK_EQ(map(f2, vs, Z + (1ull << 21)), seL4_FailedLookup,
             "an address whose level 3 table is missing: FailedLookup");
    CHECK_EQ(map(f2, KOBJ_ROOT, X + PAGE), seL4_InvalidCapability,
             "Page_Map into a CNode cap: InvalidCapability");
    CHECK_EQ(map(f2, kobj_slot(), X + PAGE), seL4_InvalidCapability,
             "Page_Map into an empty slot: InvalidCapability");
    CHECK_EQ(map(pt3, vs, X + PAGE), seL4_IllegalOperation,
             "a Page label on a page-table cap: IllegalOperation");
    seL4_Word mr[3] = {X + PAGE, seL4_ReadWrite.words[0], seL4_ARM_Default_VMAttributes};
    seL4_SetCap(0, vs);
    CHECK_EQ(seL4_Invoke_(f2, ARMPageMap, 1, 2, mr, NULL), seL4_TruncatedMessage,
             "Page_Map with 2 of 3 message registers: TruncatedMessage");
    /* None of that mapped f2 anywhere. */
    CHECK_EQ(map(f2, vs, X + PAGE), seL4_NoError, "after the refusals f2 maps at a new address");
    CHECK_EQ(map(lp2, vs, Y + LARGE), seL4_NoError, "and the 2 MiB frame at an aligned one");
    seL4_ARM_Page_GetAddress_t a = seL4_ARM_Page_GetAddress(lp2);
    CHECK(a.error == seL4_NoError && (a.paddr & (LARGE - 1)) == 0,
          "a 2 MiB frame's physical address is 2 MiB aligned");
}

/* Writes through one mapping of a frame and reads through another (a copied cap). */
static void test_aliasing(void)
{
    seL4_CPtr f = kobj_new(seL4_ARM_SmallPageObject, 0), fc = kobj_slot();
    volatile seL4_Word *a = (void *)kobj_va(PAGE), *b = (void *)kobj_va(PAGE);
    kobj_copy(fc, f, seL4_AllRights);
    CHECK(kobj_map(f, seL4_CapInitThreadVSpace, (seL4_Word)a, seL4_ReadWrite,
                   seL4_ARM_Default_VMAttributes) == seL4_NoError &&
              kobj_map(fc, seL4_CapInitThreadVSpace, (seL4_Word)b, seL4_ReadWrite,
                       seL4_ARM_Default_VMAttributes) == seL4_NoError,
          "map a 4 KiB frame and a copy of its cap at two addresses");
    CHECK_EQ(a[0], 0, "a new frame reads as zero");
    a[0] = 0x1111;
    a[511] = 0x2222;
    CHECK(b[0] == 0x1111 && b[511] == 0x2222, "4 KiB: written through one, read through the other");
    CHECK_EQ(kobj_paddr(f), kobj_paddr(fc), "both caps report the same physical address");

    seL4_CPtr l = kobj_new(seL4_ARM_LargePageObject, 0), lc = kobj_slot();
    volatile seL4_Word *la = (void *)kobj_va(LARGE), *lb = (void *)kobj_va(LARGE);
    kobj_copy(lc, l, seL4_AllRights);
    CHECK(kobj_map(l, seL4_CapInitThreadVSpace, (seL4_Word)la, seL4_ReadWrite,
                   seL4_ARM_Default_VMAttributes) == seL4_NoError &&
              kobj_map(lc, seL4_CapInitThreadVSpace, (seL4_Word)lb, seL4_ReadWrite,
                       seL4_ARM_Default_VMAttributes) == seL4_NoError,
          "map a 2 MiB frame and a copy of its cap at two addresses");
    const seL4_Word last = LARGE / sizeof(seL4_Word) - 1;
    la[0] = 0x3333;
    la[last] = 0x4444;
    lb[last / 2] = 0x5555;
    CHECK(lb[0] == 0x3333 && lb[last] == 0x4444 && la[last / 2] == 0x5555,
          "2 MiB: first, middle and last words are shared by both mappings");

    /* Unmap, remap elsewhere: same memory. */
    CHECK_EQ(seL4_ARM_Page_Unmap(fc), seL4_NoError, "Page_Unmap the copy");
    CHECK_EQ(seL4_ARM_Page_Unmap(fc), seL4_NoError, "Page_Unmap of an unmapped frame: no-op");
    volatile seL4_Word *c = (void *)kobj_va(PAGE);
    CHECK_EQ(kobj_map(fc, seL4_CapInitThreadVSpace, (seL4_Word)c, seL4_ReadWrite,
                      seL4_ARM_Default_VMAttributes),
             seL4_NoError, "map it again at a third address");
    CHECK_EQ(c[511], 0x2222, "the data is still there");
}

/* PageTable_Unmap clears the table: after mapping it again, the old entry is gone. */
static void test_pt_unmap(void)
{
    CHECK_EQ(seL4_ARM_PageTable_Unmap(pt3), seL4_NoError, "PageTable_Unmap the level 3 table");
    CHECK_EQ(seL4_ARM_PageTable_Unmap(pt3), seL4_NoError, "again: no-op");
    seL4_CPtr f3 = kobj_new(seL4_ARM_SmallPageObject, 0);
    CHECK_EQ(map(f3, vs, X + 2 * PAGE), seL4_FailedLookup, "its addresses have no table now");
    CHECK_EQ(map_pt(pt3, vs, X), seL4_NoError, "map the same table again");
    CHECK_EQ(map(f3, vs, X), seL4_NoError,
             "the entry that held f1 is empty: the table was cleared");
}

/* Deleting a VSpace removes its ASID and every mapping through it. */
static void test_delete_vspace(void)
{
    seL4_CPtr v = kobj_new(seL4_ARM_VSpaceObject, 0), f = kobj_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr alias = kobj_slot();
    seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, v);
    CHECK_EQ(kobj_map(f, v, X, seL4_ReadWrite, seL4_ARM_Default_VMAttributes), seL4_NoError,
             "a frame mapped in a second VSpace (tables made on the way)");
    kobj_copy(alias, f, seL4_AllRights);
    volatile seL4_Word *a = (void *)kobj_va(PAGE);
    kobj_map(alias, seL4_CapInitThreadVSpace, (seL4_Word)a, seL4_ReadWrite,
             seL4_ARM_Default_VMAttributes);
    a[3] = 0xfeed;
    CHECK_EQ(map(f, seL4_CapInitThreadVSpace, kobj_va(PAGE)), seL4_InvalidCapability,
             "while mapped there it cannot be mapped in the root VSpace");
    seL4_CPtr pt = kobj_new(seL4_ARM_PageTableObject, 0);
    CHECK_EQ(map_pt(pt, v, Z), seL4_NoError, "a table mapped in the second VSpace");

    CHECK_EQ(kobj_delete(v), seL4_NoError, "Delete the second VSpace's only cap");
    CHECK_EQ(seL4_ARM_Page_Unmap(f), seL4_NoError, "Page_Unmap of its frame: no-op");
    CHECK_EQ(seL4_ARM_PageTable_Unmap(pt), seL4_NoError, "PageTable_Unmap of its table: no-op");
    volatile seL4_Word *b = (void *)kobj_va(PAGE);
    CHECK_EQ(kobj_map(f, seL4_CapInitThreadVSpace, (seL4_Word)b, seL4_ReadWrite,
                      seL4_ARM_Default_VMAttributes),
             seL4_NoError, "the frame maps in the root VSpace now");
    CHECK_EQ(b[3], 0xfeed, "with its data");
    seL4_CPtr v2 = kobj_new(seL4_ARM_VSpaceObject, 0);
    seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, v2);
    CHECK_EQ(map_pt(pt, v2, Z), seL4_NoError, "the table maps into a third VSpace");
}

int main(void)
{
    test_begin("vspace");
    test_asid_needed();
    test_levels();
    test_map_errors();
    test_aliasing();
    test_pt_unmap();
    test_delete_vspace();
    test_finish();
}
