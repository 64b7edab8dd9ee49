/*
 * Untyped_Retype (docs/kernel-api.md, "Untyped"):
 *  - every object type, at the sizes the doc allows, with the kinds of cap it makes;
 *  - memory layout: objects are aligned to their size and placed above the watermark; the
 *    size each type takes (checked with a frame retyped after it and Page_GetAddress);
 *  - the watermark: memory is not reused while any object made from the untyped remains;
 *    after Revoke (or, as in seL4, after every child was deleted) the same physical
 *    addresses come back;
 *  - the fan-out limit (256), node_offset / window bounds, destinations in another CNode
 *    and node_depth 0 (seL4: the root itself);
 *  - NotEnoughMemory leaves the untyped usable; device untyped make only frames and
 *    untyped (and pass that on to child untyped);
 *  - every error of the doc's table plus the common invocation errors, each followed by a
 *    check that nothing changed: the destination slots are still empty and the next valid
 *    Retype gets the memory at the same address.
 */
#include <stdio.h>
#include "kobj.h"
#include "testlib.h"

#define PAGE 4096ull

/* Retypes one 4 KiB frame from ut into a fresh slot and returns its physical address. */
static seL4_Word next_frame(seL4_CPtr ut)
{
    seL4_CPtr f = kobj_slot();
    if (kobj_retype(ut, seL4_ARM_SmallPageObject, 0, f, 1) != seL4_NoError)
        return ~(seL4_Word)0;
    return kobj_paddr(f);
}

/* Number of slots of [first, first + n) that are not empty. */
static seL4_Word filled(seL4_CPtr first, seL4_Word n)
{
    seL4_Word c = 0;
    for (seL4_Word i = 0; i < n; i++)
        c += kobj_type(first + i) != seL4_CapType_Null;
    return c;
}

static seL4_Word wrong_type(seL4_CPtr first, seL4_Word n, seL4_Word type)
{
    seL4_Word c = 0;
    for (seL4_Word i = 0; i < n; i++)
        c += kobj_type(first + i) != type;
    return c;
}

static void test_watermark(void)
{
    seL4_CPtr ut = kobj_untyped(20);
    CHECK(ut != 0, "a private 1 MiB untyped");
    seL4_CPtr f = kobj_slot();
    CHECK_EQ(kobj_retype(ut, seL4_ARM_SmallPageObject, 0, f, 1), seL4_NoError, "retype a frame");
    seL4_Word base = kobj_paddr(f);
    CHECK_EQ(base & ((1u << 20) - 1), 0, "the first object sits at the untyped's aligned base");
    seL4_CPtr f2 = kobj_slot();
    kobj_retype(ut, seL4_ARM_SmallPageObject, 0, f2, 1);
    CHECK_EQ(kobj_delete(f), seL4_NoError, "Delete the first frame");
    CHECK_EQ(next_frame(ut), base + 2 * PAGE,
             "while other children remain, deleted memory is not reused");
    CHECK_EQ(next_frame(ut), base + 3 * PAGE, "the watermark only moves up");
    CHECK_EQ(kobj_revoke(ut), seL4_NoError, "Revoke the untyped");
    CHECK_EQ(next_frame(ut), base, "after Revoke the same physical address comes back");
    CHECK_EQ(next_frame(ut), base + PAGE, "... and the next one after it");
    kobj_revoke(ut);

    /* seL4's rule: an untyped whose last child is gone (deleted one by one, not only by
     * Revoke) starts from the bottom again. */
    seL4_CPtr g = kobj_slots(2);
    kobj_retype(ut, seL4_ARM_SmallPageObject, 0, g, 2);
    kobj_delete(g);
    kobj_delete(g + 1);
    CHECK_EQ(next_frame(ut), base, "after Delete of every child the memory is reused (as seL4)");
    kobj_revoke(ut);

    /* Alignment: a 2 MiB frame after a 4 KiB one goes to the next 2 MiB boundary. */
    seL4_CPtr big = kobj_untyped(22), lp = kobj_slot();
    seL4_Word bbase = next_frame(big);
    CHECK_EQ(kobj_retype(big, seL4_ARM_LargePageObject, 0, lp, 1), seL4_NoError,
             "retype a 2 MiB frame after a 4 KiB one");
    CHECK_EQ(kobj_paddr(lp), bbase + (2u << 20), "the 2 MiB frame is aligned to 2 MiB");
    CHECK_EQ(next_frame(big), ~(seL4_Word)0, "nothing fits above it in a 4 MiB untyped");
    kobj_revoke(big);
    seL4_CPtr child = kobj_slot();
    next_frame(big);
    CHECK_EQ(kobj_retype(big, seL4_UntypedObject, 16, child, 1), seL4_NoError,
             "retype a 64 KiB untyped after a frame");
    CHECK_EQ(next_frame(child), bbase + (64u << 10), "the child untyped is aligned to 64 KiB");
    CHECK_EQ(kobj_revoke(big), seL4_NoError, "Revoke deletes grandchildren too");
    CHECK_EQ(kobj_type(child), seL4_CapType_Null, "the child untyped is gone");
    CHECK_EQ(next_frame(big), bbase, "and the memory is back");
}

/* Each type: count objects, then a frame: the frame lands at the next page boundary after
 * count * object size. */
static void test_object_sizes(void)
{
    static const struct {
        seL4_Word type, size_bits, count, cap_type;
        seL4_Word frame_offset;
        const char *what;
    } cases[] = {
        {seL4_TCBObject, 0, 3, seL4_CapType_TCB, 8192, "3 TCBs take 6 KiB (2^11 each)"},
        {seL4_EndpointObject, 0, 256, seL4_CapType_Endpoint, 4096, "256 endpoints take 4 KiB"},
        {seL4_NotificationObject, 0, 129, seL4_CapType_Notification, 8192,
         "129 notifications take 4128 bytes (2^5 each)"},
        {seL4_CapTableObject, 7, 1, seL4_CapType_CNode, 4096, "a 2^7-slot CNode takes 4 KiB"},
        {seL4_CapTableObject, 1, 3, seL4_CapType_CNode, 4096, "three 2-slot CNodes fit in a page"},
        {seL4_ARM_PageTableObject, 0, 2, seL4_CapType_PageTable, 8192, "2 page tables take 8 KiB"},
        {seL4_ARM_VSpaceObject, 0, 1, seL4_CapType_VSpace, 4096, "a VSpace takes 4 KiB"},
        {seL4_ARM_SmallPageObject, 0, 3, seL4_CapType_Frame, 12288, "3 small frames take 12 KiB"},
        {seL4_UntypedObject, 4, 3, seL4_CapType_Untyped, 4096, "3 16-byte untyped fit in a page"},
        {seL4_UntypedObject, 13, 1, seL4_CapType_Untyped, 8192, "an 8 KiB untyped"},
    };
    seL4_CPtr ut = kobj_untyped(16);
    seL4_Word base = next_frame(ut);
    kobj_revoke(ut);
    char what[128];
    for (unsigned i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
        seL4_CPtr first = kobj_slots(cases[i].count);
        seL4_Error err = kobj_retype(ut, cases[i].type, cases[i].size_bits, first, cases[i].count);
        snprintf(what, sizeof(what), "retype type %lu: %s", (unsigned long)cases[i].type,
                 cases[i].what);
        CHECK_EQ(err, seL4_NoError, what);
        snprintf(what, sizeof(what), "type %lu makes caps of kind %lu",
                 (unsigned long)cases[i].type, (unsigned long)cases[i].cap_type);
        CHECK_EQ(wrong_type(first, cases[i].count, cases[i].cap_type), 0, what);
        snprintf(what, sizeof(what), "type %lu: the next frame is at base + %lu",
                 (unsigned long)cases[i].type, (unsigned long)cases[i].frame_offset);
        CHECK_EQ(next_frame(ut) - base, cases[i].frame_offset, what);
        kobj_revoke(ut);
    }

    /* Every size the doc allows that fits: untyped 4..20, CNodes 1..14 slot bits. */
    seL4_CPtr big = kobj_untyped(22);
    seL4_Word bad = 0;
    for (seL4_Word bits = seL4_MinUntypedBits; bits <= 20; bits++)
        bad += kobj_retype(big, seL4_UntypedObject, bits, kobj_slot(), 1) != seL4_NoError;
    CHECK_EQ(bad, 0, "untyped of every size 2^4..2^20");
    kobj_revoke(big);
    bad = 0;
    for (seL4_Word bits = seL4_MinCNodeBits; bits <= 14; bits++)
        bad += kobj_retype(big, seL4_CapTableObject, bits, kobj_slot(), 1) != seL4_NoError;
    CHECK_EQ(bad, 0, "CNodes of every size 2^1..2^14 slots");
    kobj_revoke(big);
    seL4_CPtr whole = kobj_slot();
    CHECK_EQ(kobj_retype(big, seL4_UntypedObject, 22, whole, 1), seL4_NoError,
             "an untyped as large as its parent");
    CHECK_EQ(kobj_retype(big, seL4_UntypedObject, 4, kobj_slot(), 1), seL4_NotEnoughMemory,
             "then nothing else fits: NotEnoughMemory");
    kobj_revoke(big);
}

static void test_fan_out(void)
{
    seL4_CPtr ut = kobj_untyped(16);
    seL4_Word base = next_frame(ut);
    kobj_revoke(ut);
    seL4_CPtr first = kobj_slots(257);
    CHECK_EQ(kobj_retype(ut, seL4_NotificationObject, 0, first, 257), seL4_RangeError,
             "257 objects at once: RangeError");
    CHECK_EQ(kobj_retype(ut, seL4_NotificationObject, 0, first, 0), seL4_RangeError,
             "0 objects: RangeError");
    CHECK_EQ(filled(first, 257), 0, "the failed Retypes filled no slot");
    CHECK_EQ(kobj_retype(ut, seL4_NotificationObject, 0, first, seL4_RetypeFanOutLimit),
             seL4_NoError, "256 objects at once");
    CHECK_EQ(wrong_type(first, 256, seL4_CapType_Notification), 0, "256 notification caps");
    CHECK_EQ(next_frame(ut), base + 8192, "they took 8 KiB");
    kobj_revoke(ut);
    CHECK_EQ(filled(first, 256), 0, "Revoke emptied all 256 slots");
}

static void test_destinations(void)
{
    seL4_CPtr ut = kobj_untyped(16), cn = kobj_new(seL4_CapTableObject, 4);
    seL4_Word base = next_frame(ut);
    kobj_revoke(ut);

    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KOBJ_ROOT, cn, 64, 14, 2),
             seL4_NoError, "retype into slots 14, 15 of another CNode (node_index, depth 64)");
    seL4_CPtr out = kobj_slot();
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, out, 64, cn, 15, 4, seL4_AllRights), seL4_NoError,
             "copy slot 15 of that CNode out");
    CHECK_EQ(kobj_type(out), seL4_CapType_Notification, "it holds a new notification");
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KOBJ_ROOT, cn, 64, 16, 1),
             seL4_RangeError, "node_offset 16 in a 16-slot CNode: RangeError");
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KOBJ_ROOT, cn, 64, 15, 2),
             seL4_RangeError, "offset 15 + 2 objects in a 16-slot CNode: RangeError");
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KOBJ_ROOT, cn, 64, 13, 2),
             seL4_DeleteFirst, "a window overlapping an occupied slot: DeleteFirst");
    CHECK_EQ(seL4_CNode_Copy(KOBJ_ROOT, kobj_slot(), 64, cn, 13, 4, seL4_AllRights),
             seL4_FailedLookup, "the failed Retype left slot 13 empty");
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KOBJ_ROOT, out, 64, 0, 1),
             seL4_FailedLookup, "node_index naming a notification cap: FailedLookup");
    CHECK_EQ(
        seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KOBJ_ROOT, cn | (1ull << 40), 64, 0, 1),
        seL4_FailedLookup, "node_index with a wrong guard: FailedLookup");
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KOBJ_ROOT, kobj_slot(), 64, 0, 1),
             seL4_FailedLookup, "node_index naming an empty slot: FailedLookup");
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, out, 0, 0, 0, 1),
             seL4_FailedLookup, "a root that is not a CNode: FailedLookup");
    CHECK_EQ(next_frame(ut) - base, PAGE, "none of the failures used memory");

    /* seL4: node_depth 0 means the root CNode itself (the doc is silent). */
    seL4_CPtr slot = kobj_slot();
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, KOBJ_ROOT, 0, 0, slot, 1),
             seL4_NoError, "node_depth 0 retypes into the root CNode itself (as seL4)");
    CHECK_EQ(kobj_type(slot), seL4_CapType_Notification, "the object is in root slot node_offset");

    seL4_CPtr occupied = kobj_slots(3);
    kobj_copy(occupied, out, seL4_AllRights);
    CHECK_EQ(kobj_retype(ut, seL4_NotificationObject, 0, 1u << 12, 1), seL4_RangeError,
             "node_offset 4096 in the 4096-slot root CNode: RangeError");
    CHECK_EQ(kobj_retype(ut, seL4_NotificationObject, 0, occupied, 3), seL4_DeleteFirst,
             "a window starting at an occupied root slot: DeleteFirst");
    CHECK_EQ(filled(occupied + 1, 2), 0, "the failed Retype filled nothing after it");
}

static void test_errors(void)
{
    seL4_CPtr ut = kobj_untyped(16), dest = kobj_slots(17), tcb = kobj_new(seL4_TCBObject, 0);
    seL4_Word base = next_frame(ut);
    kobj_revoke(ut);

    static const struct {
        seL4_Word type, size_bits;
        seL4_Error err;
        const char *what;
    } bad_args[] = {
        {seL4_ObjectTypeCount, 0, seL4_InvalidArgument, "unknown type 9: InvalidArgument"},
        {1000, 0, seL4_InvalidArgument, "unknown type 1000: InvalidArgument"},
        {seL4_UntypedObject, 3, seL4_RangeError, "untyped of 2^3 bytes: RangeError"},
        {seL4_UntypedObject, 48, seL4_RangeError, "untyped of 2^48 bytes: RangeError"},
        {seL4_CapTableObject, 0, seL4_RangeError, "CNode of 2^0 slots: RangeError"},
        {seL4_CapTableObject, 25, seL4_RangeError, "CNode of 2^25 slots: RangeError"},
    };
    for (unsigned i = 0; i < sizeof(bad_args) / sizeof(bad_args[0]); i++)
        CHECK_EQ(kobj_retype(ut, bad_args[i].type, bad_args[i].size_bits, dest, 1), bad_args[i].err,
                 bad_args[i].what);

    CHECK_EQ(kobj_retype(ut, seL4_UntypedObject, 17, dest, 1), seL4_NotEnoughMemory,
             "an untyped larger than its parent: NotEnoughMemory");
    CHECK_EQ(kobj_retype(ut, seL4_ARM_SmallPageObject, 0, dest, 17), seL4_NotEnoughMemory,
             "17 frames from 64 KiB: NotEnoughMemory");
    CHECK_EQ(filled(dest, 17), 0, "the failed Retypes filled no slot");
    CHECK_EQ(kobj_retype(ut, seL4_ARM_SmallPageObject, 0, dest, 16), seL4_NoError,
             "after NotEnoughMemory, 16 frames fit");
    CHECK_EQ(kobj_paddr(dest), base, "starting at the untyped's base: nothing was consumed");
    CHECK_EQ(kobj_retype(ut, seL4_ARM_SmallPageObject, 0, kobj_slot(), 1), seL4_NotEnoughMemory,
             "a full untyped: NotEnoughMemory");
    kobj_revoke(ut);
    CHECK_EQ(next_frame(ut), base, "the untyped is usable again after Revoke");
    kobj_revoke(ut);

    /* Common invocation errors. */
    seL4_CPtr d = kobj_slot();
    CHECK_EQ(kobj_retype(kobj_slot(), seL4_NotificationObject, 0, d, 1), seL4_InvalidCapability,
             "Retype on an empty slot: InvalidCapability");
    CHECK_EQ(kobj_retype(tcb, seL4_NotificationObject, 0, d, 1), seL4_IllegalOperation,
             "Retype on a TCB cap: IllegalOperation");
    seL4_Word mr[6] = {seL4_NotificationObject, 0, KOBJ_ROOT, 64, d, 1};
    CHECK_EQ(seL4_Invoke_(ut, CNodeCopy, 0, 5, mr, NULL), seL4_IllegalOperation,
             "a CNode label on an untyped cap: IllegalOperation");
    seL4_Word mr5[6] = {seL4_NotificationObject, 0, KOBJ_ROOT, 64, d, 1};
    seL4_SetCap(0, KOBJ_ROOT);
    CHECK_EQ(seL4_Invoke_(ut, UntypedRetype, 1, 5, mr5, NULL), seL4_TruncatedMessage,
             "Retype with 5 of 6 message registers: TruncatedMessage");
    seL4_Word mr6[6] = {seL4_NotificationObject, 0, KOBJ_ROOT, 64, d, 1};
    CHECK_EQ(seL4_Invoke_(ut, UntypedRetype, 0, 6, mr6, NULL), seL4_TruncatedMessage,
             "Retype without the root extra cap: TruncatedMessage");
    CHECK_EQ(seL4_Untyped_Retype(ut, seL4_NotificationObject, 0, kobj_slot(), KOBJ_ROOT, 64, d, 1),
             seL4_FailedLookup, "Retype with an empty root extra cap: FailedLookup");
    CHECK_EQ(kobj_type(d), seL4_CapType_Null, "the failed Retypes filled nothing");
    CHECK_EQ(next_frame(ut), base, "and used no memory");
}

/* A device untyped of at least 64 KiB in the PCIe MMIO window (0x10000000 up), where no
 * device answers on QEMU virt by default. */
static seL4_CPtr device_untyped(seL4_Word *paddr)
{
    seL4_BootInfo *bi = kobj_bi();
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (d->isDevice && d->sizeBits >= 16 && d->paddr >= 0x10000000 &&
            d->paddr < KOBJ_RAM_BASE) {
            *paddr = d->paddr;
            return bi->untyped.start + i;
        }
    }
    return 0;
}

static void test_device(void)
{
    seL4_Word pa = 0;
    seL4_CPtr dev = device_untyped(&pa);
    if (!CHECK(dev != 0, "a device untyped of at least 64 KiB in the PCIe window"))
        return;
    static const struct {
        seL4_Word type, size_bits;
        const char *what;
    } refused[] = {
        {seL4_TCBObject, 0, "a TCB from device memory: InvalidArgument"},
        {seL4_EndpointObject, 0, "an endpoint from device memory: InvalidArgument"},
        {seL4_NotificationObject, 0, "a notification from device memory: InvalidArgument"},
        {seL4_CapTableObject, 4, "a CNode from device memory: InvalidArgument"},
        {seL4_ARM_PageTableObject, 0, "a page table from device memory: InvalidArgument"},
        {seL4_ARM_VSpaceObject, 0, "a VSpace from device memory: InvalidArgument"},
    };
    seL4_CPtr d = kobj_slot();
    for (unsigned i = 0; i < sizeof(refused) / sizeof(refused[0]); i++)
        CHECK_EQ(kobj_retype(dev, refused[i].type, refused[i].size_bits, d, 1),
                 seL4_InvalidArgument, refused[i].what);
    CHECK_EQ(kobj_type(d), seL4_CapType_Null, "the refused Retypes filled nothing");
    CHECK_EQ(next_frame(dev), pa, "a frame from device memory, at the untyped's base");
    seL4_CPtr child = kobj_slot();
    CHECK_EQ(kobj_retype(dev, seL4_UntypedObject, 12, child, 1), seL4_NoError,
             "an untyped from device memory");
    CHECK_EQ(kobj_retype(child, seL4_TCBObject, 0, d, 1), seL4_InvalidArgument,
             "the child untyped is device memory too: a TCB is refused");
    CHECK_EQ(next_frame(child), pa + PAGE, "and it makes a frame at its base");
    CHECK_EQ(kobj_revoke(dev), seL4_NoError, "Revoke the device untyped");
}

int main(void)
{
    test_begin("untyped");
    test_watermark();
    test_object_sizes();
    test_fan_out();
    test_destinations();
    test_errors();
    test_device();
    test_finish();
}
