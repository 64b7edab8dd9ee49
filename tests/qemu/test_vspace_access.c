/*
 * What mappings allow (docs/kernel-api.md, "AArch64 virtual memory"), observed by child
 * threads whose faults the kernel reports (tests.cmake expects each report, at the fixed
 * addresses below):
 *  - a read-only mapping can be read, a write faults; mapping the frame again at the same
 *    place with read-write makes the write succeed;
 *  - a frame mapped write-only is not accessible from EL0;
 *  - after Page_Unmap an access faults; after PageTable_Unmap of the level 3 table too;
 *  - ExecuteNever: code runs from an executable alias of an image page, and an instruction
 *    fetch from an ExecuteNever alias of the same page faults;
 *  - isolation: a thread in its own VSpace (code mapped from copies of the root task's
 *    userImageFrames caps, its own data page and stack) sees its own copy of a global,
 *    cannot change the root task's, and faults on an address mapped only in the root's;
 *  - revoking and deleting the VSpace of a running thread stops the thread;
 *  - a device frame: the PL031 RTC at 0x09010000, carved from the device untyped that
 *    covers it, mapped uncached: its ID register reads 0x31 and its seconds are non-zero.
 */
#include <stdio.h>
#include "kobj.h"
#include "testlib.h"

#define ROOT_PRIO  100
#define CHILD_PRIO 200
#define PAGE       0x1000ull
#define RO_VA      0x30000000ull /* these addresses are named in tests.cmake */
#define UNMAP_VA   0x30200000ull
#define XN_VA      0x30400000ull
#define EXEC_VA    0x30600000ull
#define NOREAD_VA  0x30800000ull
#define PTU_VA     0x40000000ull
#define ISO_PROBE  0x31000000ull /* mapped in the root VSpace only */
#define ISO_STACK  0x32000000ull /* in the isolated VSpace */
#define ISO_SHARED 0x33000000ull /* in the isolated VSpace */
#define RTC_PA     0x09010000ull

extern char _start[];

static seL4_CPtr new_frame_at(seL4_Word va, seL4_CapRights_t rights, seL4_Word attr)
{
    seL4_CPtr f = kobj_new(seL4_ARM_SmallPageObject, 0);
    if (!f || kobj_map(f, seL4_CapInitThreadVSpace, va, rights, attr) != seL4_NoError)
        return 0;
    return f;
}

static void test_rights(void)
{
    seL4_CPtr f = new_frame_at(RO_VA, seL4_CanRead, seL4_ARM_Default_VMAttributes);
    CHECK(f != 0, "map a frame read-only");
    CHECK_EQ(*(volatile seL4_Word *)RO_VA, 0, "the root task reads it");
    CHECK_EQ(kobj_touch(RO_VA, false, CHILD_PRIO), KOBJ_TOUCH_DONE, "a thread reads it");
    CHECK_EQ(kobj_touch(RO_VA, true, CHILD_PRIO), KOBJ_TOUCH_FAULT,
             "a thread's write to a read-only mapping faults");
    CHECK_EQ(seL4_ARM_Page_Map(f, seL4_CapInitThreadVSpace, RO_VA, seL4_ReadWrite,
                               seL4_ARM_Default_VMAttributes),
             seL4_NoError, "map it again at the same place read-write");
    CHECK_EQ(kobj_touch(RO_VA, true, CHILD_PRIO), KOBJ_TOUCH_DONE, "now the write succeeds");
    CHECK_EQ(*(volatile seL4_Word *)RO_VA, 0x5a5a5a5a, "and the root task sees it");

    CHECK(new_frame_at(NOREAD_VA, seL4_CanWrite, seL4_ARM_Default_VMAttributes) != 0,
          "map a frame with write but no read right");
    CHECK_EQ(kobj_touch(NOREAD_VA, false, CHILD_PRIO), KOBJ_TOUCH_FAULT,
             "a write-only mapping cannot be read from EL0");
}

static void test_unmap(void)
{
    seL4_CPtr f = new_frame_at(UNMAP_VA, seL4_ReadWrite, seL4_ARM_Default_VMAttributes);
    *(volatile seL4_Word *)UNMAP_VA = 77;
    CHECK_EQ(kobj_touch(UNMAP_VA, false, CHILD_PRIO), KOBJ_TOUCH_DONE, "a mapped page is readable");
    CHECK_EQ(seL4_ARM_Page_Unmap(f), seL4_NoError, "Page_Unmap");
    CHECK_EQ(kobj_touch(UNMAP_VA, false, CHILD_PRIO), KOBJ_TOUCH_FAULT,
             "after Page_Unmap a read faults");
    CHECK_EQ(kobj_map(f, seL4_CapInitThreadVSpace, UNMAP_VA, seL4_ReadWrite,
                      seL4_ARM_Default_VMAttributes),
             seL4_NoError, "map it back");
    CHECK_EQ(*(volatile seL4_Word *)UNMAP_VA, 77, "the data survived the unmapping");

    /* Our own level 2 and 3 tables for PTU_VA, so that we hold the level 3 table's cap. */
    seL4_CPtr l2 = kobj_new(seL4_ARM_PageTableObject, 0),
              l3 = kobj_new(seL4_ARM_PageTableObject, 0);
    CHECK(seL4_ARM_PageTable_Map(l2, seL4_CapInitThreadVSpace, PTU_VA, 0) == seL4_NoError &&
              seL4_ARM_PageTable_Map(l3, seL4_CapInitThreadVSpace, PTU_VA, 0) == seL4_NoError,
          "map level 2 and 3 tables for a fresh 1 GiB region");
    CHECK(new_frame_at(PTU_VA, seL4_ReadWrite, seL4_ARM_Default_VMAttributes) != 0,
          "map a frame through them");
    CHECK_EQ(kobj_touch(PTU_VA, false, CHILD_PRIO), KOBJ_TOUCH_DONE, "it is readable");
    CHECK_EQ(seL4_ARM_PageTable_Unmap(l3), seL4_NoError, "PageTable_Unmap the level 3 table");
    CHECK_EQ(kobj_touch(PTU_VA, false, CHILD_PRIO), KOBJ_TOUCH_FAULT,
             "a frame mapped through an unmapped table is no longer reachable");
}

static __attribute__((noinline, aligned(64))) int xn_probe(void)
{
    return 42;
}

static volatile seL4_Word call_step, call_result;

static void call_at(seL4_Word addr)
{
    call_step = 1;
    call_result = (seL4_Word)((int (*)(void))addr)();
    call_step = 2;
}

/* Starts a thread at CHILD_PRIO that calls the code at addr; true if it returned. */
static bool child_call(seL4_Word addr)
{
    struct kobj_thread t = {0};
    call_step = 0;
    call_result = 0;
    if (kobj_thread_new(&t, CHILD_PRIO, "caller") != seL4_NoError ||
        kobj_thread_start(&t, call_at, addr) != seL4_NoError)
        return false;
    kobj_delete(t.tcb);
    return call_step == 2;
}

/* The root task's frame cap for the image page holding address va. */
static seL4_CPtr image_frame(seL4_Word va)
{
    seL4_Word image = (seL4_Word)_start & ~(PAGE - 1);
    return kobj_bi()->userImageFrames.start + (va - image) / PAGE;
}

static void test_execute_never(void)
{
    seL4_Word off = (seL4_Word)xn_probe & (PAGE - 1);
    seL4_CPtr x = kobj_slot(), nx = kobj_slot();
    kobj_copy(x, image_frame((seL4_Word)xn_probe), seL4_AllRights);
    kobj_copy(nx, image_frame((seL4_Word)xn_probe), seL4_AllRights);
    CHECK_EQ(
        kobj_map(x, seL4_CapInitThreadVSpace, EXEC_VA, seL4_CanRead, seL4_ARM_Default_VMAttributes),
        seL4_NoError, "map a copy of the code page, executable");
    CHECK_EQ(kobj_map(nx, seL4_CapInitThreadVSpace, XN_VA, seL4_CanRead,
                      seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever),
             seL4_NoError, "map another copy with ExecuteNever");
    CHECK_EQ(((int (*)(void))(EXEC_VA + off))(), 42, "code runs from the executable alias");
    CHECK(child_call(EXEC_VA + off) && call_result == 42, "a thread runs it too");
    CHECK(!child_call(XN_VA + off) && call_step == 1,
          "an instruction fetch from the ExecuteNever alias faults");
    CHECK_EQ(*(volatile unsigned *)(XN_VA + off), *(volatile unsigned *)(EXEC_VA + off),
             "the ExecuteNever alias is still readable");
}

/* The isolated thread: reports what it sees of iso_global, changes it, then reads an
 * address that exists only in the root VSpace (and faults). Should the read succeed, it
 * suspends itself (self: its TCB cap in the shared CSpace). */
static volatile seL4_Word iso_global = 0xaaaa;

static __attribute__((noinline)) void isolated_main(seL4_Word shared_va, seL4_CPtr self)
{
    volatile seL4_Word *shared = (volatile seL4_Word *)shared_va;
    shared[0] = iso_global;
    iso_global = 0xbbbb;
    shared[1] = iso_global;
    shared[2] = 1;
    shared[3] = *(volatile seL4_Word *)ISO_PROBE;
    shared[4] = 1;
    seL4_TCB_Suspend(self);
}

/* A new VSpace with an ASID holding the image pages of [fn, fn + 256) (from copies of the
 * root task's frame caps, at the same addresses), a stack page at ISO_STACK and a copy of
 * shared_frame at ISO_SHARED. 0 on failure. */
static seL4_CPtr code_vspace(seL4_Word fn, seL4_CPtr shared_frame)
{
    seL4_CPtr vs = kobj_new(seL4_ARM_VSpaceObject, 0),
              stack = kobj_new(seL4_ARM_SmallPageObject, 0);
    seL4_CPtr shared = kobj_slot();
    seL4_Word fails = seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, vs) != seL4_NoError;
    for (seL4_Word va = fn & ~(PAGE - 1); va < fn + 256; va += PAGE) {
        seL4_CPtr c = kobj_slot();
        fails += kobj_copy(c, image_frame(va), seL4_AllRights) != seL4_NoError;
        fails += kobj_map(c, vs, va, seL4_CanRead, seL4_ARM_Default_VMAttributes) != seL4_NoError;
    }
    fails += kobj_copy(shared, shared_frame, seL4_AllRights) != seL4_NoError;
    fails += kobj_map(shared, vs, ISO_SHARED, seL4_ReadWrite, seL4_ARM_Default_VMAttributes) !=
             seL4_NoError;
    fails += kobj_map(stack, vs, ISO_STACK, seL4_ReadWrite, seL4_ARM_Default_VMAttributes) !=
             seL4_NoError;
    return fails ? 0 : vs;
}

/* Configures tcb in vspace vs (root CSpace, no IPC buffer) and starts it at fn(x0, x1). */
static bool thread_in(seL4_CPtr tcb, seL4_CPtr vs, seL4_Word fn, seL4_Word x0, seL4_Word x1,
                      seL4_Word prio, const char *name)
{
    if (seL4_TCB_Configure(tcb, 0, KOBJ_ROOT, 0, vs, 0, 0, seL4_CapNull) != seL4_NoError ||
        seL4_TCB_SetPriority(tcb, seL4_CapInitThreadTCB, prio) != seL4_NoError)
        return false;
    seL4_DebugNameThread(tcb, name);
    seL4_UserContext regs = {.pc = fn, .sp = ISO_STACK + PAGE, .x0 = x0, .x1 = x1};
    return seL4_TCB_WriteRegisters(tcb, 1, 0, 5, &regs) == seL4_NoError;
}

static void test_isolation(void)
{
    seL4_CPtr shared_f;
    volatile seL4_Word *shared = kobj_new_page(&shared_f);
    seL4_CPtr vs = code_vspace((seL4_Word)isolated_main, shared_f);
    CHECK(vs != 0, "a VSpace with the code page(s) mapped from copies of the image's caps");
    seL4_CPtr data = kobj_new(seL4_ARM_SmallPageObject, 0);
    CHECK_EQ(kobj_map(data, vs, (seL4_Word)&iso_global & ~(PAGE - 1), seL4_ReadWrite,
                      seL4_ARM_Default_VMAttributes),
             seL4_NoError, "and its own page where the image's data page is");
    CHECK(new_frame_at(ISO_PROBE, seL4_ReadWrite, seL4_ARM_Default_VMAttributes) != 0,
          "a page mapped only in the root VSpace");
    iso_global = 0xaaaa;
    seL4_CPtr tcb = kobj_new(seL4_TCBObject, 0);
    CHECK(thread_in(tcb, vs, (seL4_Word)isolated_main, ISO_SHARED, tcb, CHILD_PRIO, "isolated"),
          "start a thread in that VSpace");
    CHECK_EQ(shared[2], 1, "it ran and reported through the shared page");
    CHECK_EQ(shared[0], 0, "it sees its own, zeroed, copy of the data page");
    CHECK_EQ(shared[1], 0xbbbb, "its write went to its own copy");
    CHECK_EQ(iso_global, 0xaaaa, "the root task's global is unchanged");
    CHECK_EQ(shared[4], 0, "reading an address mapped only in the root VSpace faulted");
    kobj_delete(tcb);
}

static __attribute__((noinline)) void spin_count(seL4_Word shared_va)
{
    volatile seL4_Word *c = (volatile seL4_Word *)shared_va;
    for (;;)
        c[8]++;
}

/* Revoke and Delete of the VSpace a running thread uses: the thread stops running (it
 * faults on its next access), the kernel carries on. */
static void test_delete_running_vspace(void)
{
    seL4_CPtr shared_f;
    volatile seL4_Word *shared = kobj_new_page(&shared_f);
    seL4_CPtr vs = code_vspace((seL4_Word)spin_count, shared_f);
    seL4_CPtr tcb = kobj_new(seL4_TCBObject, 0);
    CHECK(vs && thread_in(tcb, vs, (seL4_Word)spin_count, ISO_SHARED, 0, ROOT_PRIO, "spinner"),
          "a thread spinning in its own VSpace at our priority");
    for (int k = 0; k < 5; k++)
        seL4_Yield();
    CHECK(shared[8] > 0, "it runs");
    CHECK_EQ(kobj_revoke(vs), seL4_NoError, "Revoke its VSpace cap (the TCB's copy goes)");
    CHECK_EQ(kobj_delete(vs), seL4_NoError, "Delete the last VSpace cap");
    for (int k = 0; k < 3; k++)
        seL4_Yield();
    seL4_Word before = shared[8];
    for (int k = 0; k < 10; k++)
        seL4_Yield();
    CHECK_EQ(shared[8], before, "the thread no longer runs in the deleted VSpace");
    kobj_delete(tcb);
}

/* Carves the device untyped covering pa up to pa with child untyped, then retypes one frame
 * at pa. Returns the frame cap or 0. */
static seL4_CPtr device_frame(seL4_Word pa)
{
    seL4_BootInfo *bi = kobj_bi();
    for (seL4_Word i = 0; i < bi->untyped.end - bi->untyped.start; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (!d->isDevice || pa < d->paddr || pa >= d->paddr + (1ull << d->sizeBits))
            continue;
        seL4_CPtr ut = bi->untyped.start + i;
        seL4_Word at = d->paddr;
        while (at < pa) {
            unsigned bits = 12;
            while ((at & ((2ull << bits) - 1)) == 0 && at + (2ull << bits) <= pa)
                bits++;
            if (kobj_retype(ut, seL4_UntypedObject, bits, kobj_slot(), 1) != seL4_NoError)
                return 0;
            at += 1ull << bits;
        }
        seL4_CPtr f = kobj_slot();
        return kobj_retype(ut, seL4_ARM_SmallPageObject, 0, f, 1) == seL4_NoError ? f : 0;
    }
    return 0;
}

static void test_device_frame(void)
{
    seL4_CPtr f = device_frame(RTC_PA);
    if (!CHECK(f != 0, "retype a frame from the device untyped covering the PL031 RTC"))
        return;
    CHECK_EQ(kobj_paddr(f), RTC_PA, "it is the RTC's page (Page_GetAddress)");
    seL4_Word va = kobj_va(PAGE);
    CHECK_EQ(kobj_map(f, seL4_CapInitThreadVSpace, va, seL4_ReadWrite, 0), seL4_NoError,
             "map it uncached (Device-nGnRnE)");
    volatile uint32_t *rtc = (volatile uint32_t *)va;
    printf("rtc: data register %u, periph id 0x%x\n", (unsigned)rtc[0], (unsigned)rtc[0xfe0 / 4]);
    CHECK_EQ(rtc[0xfe0 / 4], 0x31, "the PL031's peripheral ID register reads 0x31");
    CHECK(rtc[0] != 0, "its data register holds a non-zero time in seconds");
}

int main(void)
{
    test_begin("vspace_access");
    kobj_set_my_prio(ROOT_PRIO);
    test_rights();
    test_unmap();
    test_execute_never();
    test_isolation();
    test_delete_running_vspace();
    test_device_frame();
    test_finish();
}
