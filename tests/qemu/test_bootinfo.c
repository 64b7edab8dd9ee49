/*
 * Boot info and the root task's initial CSpace (docs/kernel-api.md, "Boot info and the
 * root task's CSpace"):
 *  - the fixed caps of slots 0..15 have the right kinds (seL4_DebugCapIdentify), the others
 *    are empty;
 *  - userImagePaging, userImageFrames, untyped and empty follow each other in that order,
 *    without overlap, up to the end of the 2^12-slot CNode, and each slot holds the kind
 *    of cap its region says;
 *  - userImageFrames covers the image page by page in address order (content checked
 *    through a second mapping); the boot info and IPC buffer frame caps name those pages;
 *  - the untyped list: naturally aligned, RAM before device memory, no overlaps with each
 *    other or with the root task's frames, RAM above the root task covered up to the end
 *    of RAM, device untyped flagged and kept clear of the kernel's GIC and UART.
 */
#include <runtime.h>
#include <stdio.h>
#include <string.h>
#include "kobj.h"
#include "testlib.h"

#ifndef NS_RAM_MB
#define NS_RAM_MB 1024
#endif
#define RAM_BASE  KOBJ_RAM_BASE
#define RAM_END   (RAM_BASE + (seL4_Word)NS_RAM_MB * 1024 * 1024)
#define PAGE      4096ull
#define GIC_BASE  0x08000000ull /* distributor and CPU interface: 0x08000000..0x08020000 */
#define GIC_END   0x08020000ull
#define UART_BASE 0x09000000ull
#define RTC_PA    0x09010000ull
#define VIRTIO_PA 0x0a000000ull

extern char _start[];
static volatile seL4_Word data_marker = 1;

static seL4_BootInfo *bi;

static bool overlaps(seL4_Word a, seL4_Word a_size, seL4_Word b, seL4_Word b_size)
{
    return a < b + b_size && b < a + a_size;
}

static seL4_Word ut_size(const seL4_UntypedDesc *d)
{
    return (seL4_Word)1 << d->sizeBits;
}

static void check_initial_caps(void)
{
    static const struct {
        seL4_CPtr slot;
        seL4_Word type;
        const char *what;
    } caps[] = {
        {seL4_CapNull, seL4_CapType_Null, "slot 0 (seL4_CapNull) is empty"},
        {seL4_CapInitThreadTCB, seL4_CapType_TCB, "seL4_CapInitThreadTCB is a TCB cap"},
        {seL4_CapInitThreadCNode, seL4_CapType_CNode, "seL4_CapInitThreadCNode is a CNode cap"},
        {seL4_CapInitThreadVSpace, seL4_CapType_VSpace, "seL4_CapInitThreadVSpace is a VSpace"},
        {seL4_CapIRQControl, seL4_CapType_IRQControl, "seL4_CapIRQControl is IRQ control"},
        {seL4_CapASIDControl, seL4_CapType_ASIDControl, "seL4_CapASIDControl is ASID control"},
        {seL4_CapInitThreadASIDPool, seL4_CapType_ASIDPool, "seL4_CapInitThreadASIDPool is a pool"},
        {seL4_CapIOPortControl, seL4_CapType_Null, "seL4_CapIOPortControl is empty"},
        {seL4_CapIOSpace, seL4_CapType_Null, "seL4_CapIOSpace is empty"},
        {seL4_CapBootInfoFrame, seL4_CapType_Frame, "seL4_CapBootInfoFrame is a frame"},
        {seL4_CapInitThreadIPCBuffer, seL4_CapType_Frame, "seL4_CapInitThreadIPCBuffer is a frame"},
        {seL4_CapDomain, seL4_CapType_Null, "seL4_CapDomain is empty"},
        {seL4_CapSMMUSIDControl, seL4_CapType_Null, "seL4_CapSMMUSIDControl is empty"},
        {seL4_CapSMMUCBControl, seL4_CapType_Null, "seL4_CapSMMUCBControl is empty"},
        {seL4_CapInitThreadSC, seL4_CapType_Null, "seL4_CapInitThreadSC is empty"},
        {seL4_CapSMC, seL4_CapType_Null, "seL4_CapSMC is empty"},
    };
    for (unsigned i = 0; i < sizeof(caps) / sizeof(caps[0]); i++)
        CHECK_EQ(seL4_DebugCapIdentify(caps[i].slot), caps[i].type, caps[i].what);
}

/* Counts the slots of [r.start, r.end) whose cap is not of kind type. */
static seL4_Word count_wrong(seL4_SlotRegion r, seL4_Word type)
{
    seL4_Word wrong = 0;
    for (seL4_SlotPos s = r.start; s < r.end; s++)
        wrong += seL4_DebugCapIdentify(s) != type;
    return wrong;
}

static void check_regions(void)
{
    CHECK_EQ(bi->initThreadCNodeSizeBits, 12, "root CNode has 2^12 slots");
    CHECK_EQ(bi->numNodes, 1, "one node");
    CHECK_EQ(bi->nodeID, 0, "node 0");
    CHECK_EQ(bi->initThreadDomain, 0, "root task in domain 0");
    CHECK(bi->sharedFrames.start == bi->sharedFrames.end, "sharedFrames is empty");
    CHECK(bi->ioSpaceCaps.start == bi->ioSpaceCaps.end, "ioSpaceCaps is empty");
    CHECK(bi->extraBIPages.start == bi->extraBIPages.end, "extraBIPages is empty");

    seL4_SlotRegion p = bi->userImagePaging, f = bi->userImageFrames, u = bi->untyped,
                    e = bi->empty;
    printf("regions: paging [%lu,%lu) frames [%lu,%lu) untyped [%lu,%lu) empty [%lu,%lu)\n",
           (unsigned long)p.start, (unsigned long)p.end, (unsigned long)f.start,
           (unsigned long)f.end, (unsigned long)u.start, (unsigned long)u.end,
           (unsigned long)e.start, (unsigned long)e.end);
    CHECK(p.start >= seL4_NumInitialCaps, "userImagePaging starts after the fixed caps");
    CHECK(p.start <= p.end && f.start <= f.end && u.start <= u.end && e.start <= e.end,
          "every region has start <= end");
    CHECK(p.end <= f.start && f.end <= u.start && u.end <= e.start,
          "paging, frames, untyped, empty are ordered and do not overlap");
    CHECK(p.start == seL4_NumInitialCaps && f.start == p.end && u.start == f.end &&
              e.start == u.end,
          "the regions follow each other without gaps");
    CHECK_EQ(e.end, 1u << 12, "empty runs to the end of the root CNode");

    CHECK(p.end - p.start >= 3, "userImagePaging holds at least the level 1..3 tables");
    CHECK_EQ(count_wrong(p, seL4_CapType_PageTable), 0, "every userImagePaging slot is a PT");
    CHECK_EQ(count_wrong(f, seL4_CapType_Frame), 0, "every userImageFrames slot is a frame");
    CHECK_EQ(count_wrong(u, seL4_CapType_Untyped), 0, "every untyped slot is an untyped cap");
    CHECK_EQ(count_wrong(e, seL4_CapType_Null), 0, "every empty slot is empty");
}

/* Maps a copy of frame cap src read-only (or read-write) at a fresh address. */
static void *alias(seL4_CPtr src, bool writable)
{
    seL4_CPtr copy = kobj_slot();
    if (kobj_copy(copy, src, seL4_AllRights) != seL4_NoError)
        return NULL;
    seL4_Word va = kobj_va(PAGE);
    if (kobj_map(copy, seL4_CapInitThreadVSpace, va, writable ? seL4_ReadWrite : seL4_CanRead,
                 seL4_ARM_Default_VMAttributes) != seL4_NoError)
        return NULL;
    return (void *)va;
}

static void check_frames(void)
{
    seL4_Word image = (seL4_Word)_start & ~(PAGE - 1);
    seL4_SlotRegion f = bi->userImageFrames;
    seL4_Word nframes = f.end - f.start;

    CHECK_EQ((seL4_Word)bi->ipcBuffer, (seL4_Word)bi + PAGE, "IPC buffer follows boot info");
    CHECK_EQ((seL4_Word)seL4_GetIPCBuffer(), (seL4_Word)bi->ipcBuffer,
             "seL4_GetIPCBuffer() is the boot info's IPC buffer");
    CHECK_EQ(nframes, ((seL4_Word)bi - image) / PAGE,
             "userImageFrames has one frame per image page (the boot info follows the image)");

    /* Physical addresses: page aligned, in RAM, all different. */
    static seL4_Word pa[4096];
    seL4_Word n = 0, bad = 0;
    for (seL4_SlotPos s = f.start; s < f.end && n < 4094; s++)
        pa[n++] = kobj_paddr(s);
    pa[n++] = kobj_paddr(seL4_CapBootInfoFrame);
    pa[n++] = kobj_paddr(seL4_CapInitThreadIPCBuffer);
    for (seL4_Word i = 0; i < n; i++)
        bad += (pa[i] & (PAGE - 1)) || pa[i] < RAM_BASE || pa[i] >= RAM_END;
    CHECK_EQ(bad, 0, "every root task frame is a page of RAM (Page_GetAddress)");
    seL4_Word dup = 0;
    for (seL4_Word i = 0; i < n; i++)
        for (seL4_Word j = i + 1; j < n; j++)
            dup += pa[i] == pa[j];
    CHECK_EQ(dup, 0, "the root task's frames are distinct pages");

    /* No untyped covers a page the root task already owns. */
    seL4_Word clash = 0;
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++)
        for (seL4_Word j = 0; j < n; j++)
            clash += overlaps(bi->untypedList[i].paddr, ut_size(&bi->untypedList[i]), pa[j], PAGE);
    CHECK_EQ(clash, 0, "no untyped overlaps a root task frame");

    /* The caps name the pages the root task sees. */
    const unsigned char *b = alias(seL4_CapBootInfoFrame, false);
    CHECK(b && memcmp(b, bi, PAGE) == 0, "boot info frame cap maps to the boot info page");
    volatile seL4_IPCBuffer *ipc = alias(seL4_CapInitThreadIPCBuffer, true);
    if (CHECK(ipc != NULL, "IPC buffer frame cap can be mapped a second time")) {
        ipc->msg[100] = 0xfeed;
        CHECK_EQ(bi->ipcBuffer->msg[100], 0xfeed, "IPC buffer frame cap names the IPC buffer");
    }
    const unsigned char *text = alias(f.start, false);
    CHECK(text && memcmp(text, (void *)image, PAGE) == 0,
          "first userImageFrames cap maps to the first image page");
    seL4_Word k = ((seL4_Word)&data_marker - image) / PAGE;
    volatile seL4_Word *data = alias(f.start + k, false);
    if (CHECK(data != NULL, "userImageFrames cap of a data page can be mapped")) {
        data_marker = 0x1234abcd;
        CHECK_EQ(data[((seL4_Word)&data_marker % PAGE) / sizeof(seL4_Word)], 0x1234abcd,
                 "userImageFrames are in address order (data page k is frame k)");
    }
}

static void check_untyped(void)
{
    seL4_Word count = bi->untyped.end - bi->untyped.start;
    CHECK(count > 0 && count <= seL4_NumBootinfoUntypedCaps, "1..230 untyped caps");

    seL4_Word bad_size = 0, unaligned = 0, misplaced = 0, order = 0, overlap = 0;
    seL4_Word ram_bytes = 0, ram_top = 0;
    bool seen_device = false;
    for (seL4_Word i = 0; i < count; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        seL4_Word size = ut_size(d);
        bad_size += d->sizeBits < seL4_MinUntypedBits || d->sizeBits > seL4_MaxUntypedBits;
        unaligned += (d->paddr & (size - 1)) != 0;
        bool in_ram = d->paddr >= RAM_BASE && d->paddr + size <= RAM_END;
        misplaced += d->isDevice ? overlaps(d->paddr, size, RAM_BASE, RAM_END - RAM_BASE) : !in_ram;
        order += seen_device && !d->isDevice;
        seen_device |= d->isDevice;
        for (seL4_Word j = i + 1; j < count; j++)
            overlap +=
                overlaps(d->paddr, size, bi->untypedList[j].paddr, ut_size(&bi->untypedList[j]));
        if (!d->isDevice) {
            ram_bytes += size;
            if (d->paddr + size > ram_top)
                ram_top = d->paddr + size;
        }
    }
    CHECK_EQ(bad_size, 0, "every untyped size is within 4..47 bits");
    CHECK_EQ(unaligned, 0, "every untyped is naturally aligned");
    CHECK_EQ(misplaced, 0, "RAM untyped lie in RAM, device untyped outside it");
    CHECK_EQ(order, 0, "RAM untyped come before device untyped");
    CHECK_EQ(overlap, 0, "no two untyped overlap");
    CHECK_EQ(ram_top, RAM_END, "RAM untyped reach the end of RAM");
    CHECK(ram_bytes >= RAM_END - RAM_BASE - 32 * 1024 * 1024,
          "RAM untyped cover all but the kernel and root task (< 32 MiB)");

    /* Above the root task's last frame, free RAM is covered without holes: walk up from
     * the lowest RAM untyped above it. */
    seL4_Word top = 0;
    for (seL4_SlotPos s = bi->userImageFrames.start; s < bi->userImageFrames.end; s++) {
        seL4_Word pa = kobj_paddr(s);
        if (pa != ~(seL4_Word)0 && pa > top)
            top = pa;
    }
    seL4_Word at = RAM_END;
    for (seL4_Word i = 0; i < count; i++)
        if (!bi->untypedList[i].isDevice && bi->untypedList[i].paddr > top &&
            bi->untypedList[i].paddr < at)
            at = bi->untypedList[i].paddr;
    CHECK(at - top < 1024 * 1024, "free RAM starts within 1 MiB of the root task's frames");
    for (bool moved = true; moved && at < RAM_END;) {
        moved = false;
        for (seL4_Word i = 0; i < count; i++)
            if (!bi->untypedList[i].isDevice && bi->untypedList[i].paddr == at) {
                at += ut_size(&bi->untypedList[i]);
                moved = true;
            }
    }
    CHECK_EQ(at, RAM_END, "RAM untyped are contiguous from there to the end of RAM");

    /* Device memory: the RTC and virtio are offered, the kernel's GIC and UART are not. */
    seL4_Word rtc = 0, virtio = 0, kernel_dev = 0;
    for (seL4_Word i = 0; i < count; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice)
            continue;
        rtc += overlaps(d->paddr, ut_size(d), RTC_PA, PAGE);
        virtio += overlaps(d->paddr, ut_size(d), VIRTIO_PA, PAGE);
        kernel_dev += overlaps(d->paddr, ut_size(d), GIC_BASE, GIC_END - GIC_BASE) ||
                      overlaps(d->paddr, ut_size(d), UART_BASE, PAGE);
    }
    CHECK_EQ(rtc, 1, "one device untyped covers the PL031 RTC");
    CHECK_EQ(virtio, 1, "one device untyped covers the first virtio-mmio device");
    CHECK_EQ(kernel_dev, 0, "no device untyped covers the kernel's GIC or UART");
}

int main(void)
{
    test_begin("bootinfo");
    bi = kobj_bi();
    check_initial_caps();
    check_regions();
    check_untyped();
    /* Last: it maps frames, so it uses slots from the empty region. */
    check_frames();
    test_finish();
}
