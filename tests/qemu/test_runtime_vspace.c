/*
 * The runtime's address spaces (runtime/src/vspace.c): the root task's image, boot info and
 * IPC buffer are never handed out; mappings of 4 KiB and 2 MiB frames with page tables made
 * on demand; fixed addresses, guards, sharing and moving frames; argument errors; another
 * VSpace destroyed with everything in it; exact memory accounting.
 */
#include <rt/rt.h>
#include <stdio.h>
#include <string.h>
#include "testlib.h"

#define KIB 1024ull
#define MIB (1024ull * 1024)

static int in_bss;

static struct rt_map_request request(seL4_Word vaddr, seL4_Word size, unsigned page_bits)
{
    struct rt_map_request req = {
        .vaddr = vaddr,
        .size = size,
        .page_bits = page_bits,
        .rights = seL4_ReadWrite,
        .attr = seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever,
    };
    return req;
}

/* Fills [p, p + size) with a pattern derived from the address and checks it reads back. */
static bool pattern_ok(seL4_Word p, seL4_Word size, seL4_Word step)
{
    for (seL4_Word a = p; a < p + size; a += step)
        *(volatile seL4_Word *)a = a ^ 0x5a5a5a5a;
    for (seL4_Word a = p; a < p + size; a += step)
        if (*(volatile seL4_Word *)a != (a ^ 0x5a5a5a5a))
            return false;
    return true;
}

static void test_image_is_reserved(struct rt_vspace *vs)
{
    const seL4_BootInfo *bi = rt_bootinfo();
    seL4_Word a;
    CHECK_EQ(rt_vspace_reserve(vs, 0x400000, 4096, 12, &a), seL4_DeleteFirst,
             "the image's first page cannot be reserved");
    CHECK_EQ(rt_vspace_reserve(vs, (seL4_Word)&in_bss & ~0xfffull, 4096, 12, &a), seL4_DeleteFirst,
             "nor a .bss page");
    CHECK_EQ(rt_vspace_reserve(vs, (seL4_Word)bi, 4096, 12, &a), seL4_DeleteFirst,
             "nor the boot info page");
    CHECK_EQ(rt_vspace_reserve(vs, (seL4_Word)bi->ipcBuffer, 4096, 12, &a), seL4_DeleteFirst,
             "nor the IPC buffer page");
    CHECK_EQ(rt_vspace_reserve(vs, 0, 4096, 12, &a), seL4_NoError, "a reservation anywhere");
    CHECK(a >= RT_VSPACE_WINDOW_LO, "comes from the allocation window");
    CHECK_EQ(rt_vspace_unmap(vs, a), seL4_NoError, "released again");
}

/* One round of mappings in the root task's VSpace; everything is unmapped at the end. */
static void round_of_mappings(struct rt_vspace *vs, bool report)
{
    seL4_Word a, b, c, d, e;
    seL4_CPtr cap;
    struct rt_map_request req = request(0, 16 * 4096, seL4_PageBits);
    req.guard = 4096;
    bool ok = rt_vspace_map_new(vs, &req, &a) == seL4_NoError;
    if (report) {
        CHECK(ok, "16 pages mapped anywhere, with a guard page below");
        CHECK(pattern_ok(a, 16 * 4096, 8), "they can be written and read");
        CHECK_EQ(rt_vspace_reserve(vs, a - 4096, 4096, 12, &e), seL4_DeleteFirst,
                 "the guard page is reserved too");
        CHECK_EQ(rt_vspace_frame_cap(vs, a + 5 * 4096 + 12, &cap), seL4_NoError,
                 "frame cap of the sixth page");
        CHECK_EQ(seL4_DebugCapIdentify(cap), seL4_CapType_Frame, "is a frame cap");
        CHECK_EQ(rt_vspace_frame_cap(vs, a - 10, &cap), seL4_FailedLookup,
                 "no frame in the guard page");
    }

    req = request(0x20000000, 3 * 4096, seL4_PageBits);
    ok = rt_vspace_map_new(vs, &req, &b) == seL4_NoError;
    if (report) {
        CHECK(ok && b == 0x20000000, "3 pages at a fixed address");
        CHECK_EQ(rt_vspace_map_new(vs, &req, &e), seL4_DeleteFirst,
                 "the same range again: DeleteFirst");
    }

    req = request(0, 4 * MIB, seL4_LargePageBits);
    ok = rt_vspace_map_new(vs, &req, &c) == seL4_NoError;
    if (report) {
        CHECK(ok && (c & (2 * MIB - 1)) == 0, "two 2 MiB pages, 2 MiB aligned");
        CHECK(pattern_ok(c, 4 * MIB, 4096) && pattern_ok(c + 4 * MIB - 8, 8, 8),
              "every page of them is usable");
        seL4_ARM_Page_GetAddress_t pa = {0, 0};
        if (rt_vspace_frame_cap(vs, c + 3 * MIB, &cap) == seL4_NoError)
            pa = seL4_ARM_Page_GetAddress(cap);
        CHECK(pa.error == 0 && (pa.paddr & (2 * MIB - 1)) == 0,
              "the second is a 2 MiB-aligned large frame");
    }

    req = request(0, 0, seL4_PageBits);
    ok = rt_vspace_map_shared(vs, &req, vs, a, &d) == seL4_NoError;
    if (report) {
        CHECK(ok && d != a, "the 16 pages mapped a second time (shared)");
        *(volatile seL4_Word *)(a + 7 * 4096) = 0xfeedface;
        CHECK_EQ(*(volatile seL4_Word *)(d + 7 * 4096), 0xfeedface,
                 "a write through one mapping shows through the other");
    }

    req = request(0x30000000, 0, seL4_PageBits);
    ok = rt_vspace_move(vs, b, vs, &req, &e) == seL4_NoError;
    if (report) {
        CHECK(ok && e == 0x30000000, "3 pages moved to another address");
        CHECK_EQ(rt_vspace_frame_cap(vs, b, &cap), seL4_FailedLookup, "the old range is gone");
    }
    (void)(*(volatile seL4_Word *)e = 1);

    ok = rt_vspace_unmap(vs, d) == seL4_NoError;
    ok = rt_vspace_unmap(vs, a) == seL4_NoError && ok;
    ok = rt_vspace_unmap(vs, c + MIB) == seL4_NoError && ok;
    ok = rt_vspace_unmap(vs, e) == seL4_NoError && ok;
    if (report)
        CHECK(ok, "everything unmapped");
}

static void test_mappings(struct rt_vspace *vs)
{
    /* The first round makes the page tables these addresses need; they stay, so the
     * second round must use exactly the memory it frees. */
    round_of_mappings(vs, true);
    seL4_Word bytes = rt_untyped_free_bytes(), slots = rt_cspace_free_slots();
    round_of_mappings(vs, false);
    CHECK_EQ(rt_untyped_free_bytes(), bytes, "a second round gives back every byte");
    CHECK_EQ(rt_cspace_free_slots(), slots, "and every slot");
}

static void test_errors(struct rt_vspace *vs)
{
    seL4_Word bytes = rt_untyped_free_bytes(), a;
    struct rt_map_request req = request(0, 4096, 13);
    CHECK_EQ(rt_vspace_map_new(vs, &req, &a), seL4_InvalidArgument,
             "page size 2^13: InvalidArgument");
    req = request(0, 0, seL4_PageBits);
    CHECK_EQ(rt_vspace_map_new(vs, &req, &a), seL4_InvalidArgument, "size 0: InvalidArgument");
    req = request(0x20000800, 4096, seL4_PageBits);
    CHECK_EQ(rt_vspace_map_new(vs, &req, &a), seL4_AlignmentError, "misaligned: AlignmentError");
    req = request(0x20100000, 2 * MIB, seL4_LargePageBits);
    CHECK_EQ(rt_vspace_map_new(vs, &req, &a), seL4_AlignmentError,
             "a large page at a 1 MiB boundary: AlignmentError");
    req = request(0x1000000000000ull, 4096, seL4_PageBits);
    CHECK(rt_vspace_map_new(vs, &req, &a) != seL4_NoError, "at 2^48: an error");
    CHECK_EQ(rt_vspace_unmap(vs, 0x50000000), seL4_FailedLookup, "unmap of nothing: FailedLookup");
    CHECK_EQ(rt_vspace_destroy(vs), seL4_IllegalOperation, "the own VSpace cannot be destroyed");
    CHECK_EQ(rt_untyped_free_bytes(), bytes, "the failures used no memory");
}

/* A big mapping is kept as a few runs of frames, not per page; and it comes back. */
static void test_big_mapping(struct rt_vspace *vs)
{
    seL4_Word a, bytes = rt_untyped_free_bytes();
    struct rt_map_request req = request(0, 48 * MIB + 12 * KIB, seL4_PageBits);
    CHECK_EQ(rt_vspace_map_new(vs, &req, &a), seL4_NoError, "48 MiB + 12 KiB of 4 KiB pages");
    CHECK(pattern_ok(a, 48 * MIB + 12 * KIB, 64 * KIB) &&
              pattern_ok(a + 48 * MIB + 8 * KIB, 4096, 8),
          "usable from end to end");
    CHECK_EQ(rt_vspace_unmap(vs, a + 20 * MIB), seL4_NoError, "unmapped");
    seL4_Word used_by_tables = bytes - rt_untyped_free_bytes();
    printf("page tables kept: %lu bytes\n", (unsigned long)used_by_tables);
    CHECK(used_by_tables <= 32 * 4096, "only its page tables stay");
}

static void test_other_vspace(void)
{
    struct rt_vspace other;
    seL4_Word bytes = rt_untyped_free_bytes(), slots = rt_cspace_free_slots(), a, b;
    CHECK_EQ(rt_vspace_create(&other, seL4_CapInitThreadASIDPool), seL4_NoError,
             "a new VSpace with an ASID");
    struct rt_map_request req = request(0x400000, 64 * KIB, seL4_PageBits);
    CHECK_EQ(rt_vspace_map_new(&other, &req, &a), seL4_NoError, "pages at 0x400000 in it");
    req = request(0, 2 * MIB, seL4_LargePageBits);
    CHECK_EQ(rt_vspace_map_new(&other, &req, &b), seL4_NoError, "a large page in it");
    struct rt_vspace *self = rt_vspace_self();
    seL4_Word mine;
    req = request(0, 0, seL4_PageBits);
    CHECK_EQ(rt_vspace_map_shared(self, &req, &other, a, &mine), seL4_NoError,
             "its pages shared into the root task");
    CHECK(pattern_ok(mine, 64 * KIB, 8), "and usable there");
    CHECK_EQ(rt_vspace_unmap(self, mine), seL4_NoError, "the shared view unmapped");
    CHECK_EQ(rt_vspace_destroy(&other), seL4_NoError, "the VSpace destroyed");
    /* The root task's page tables for `mine` stay; everything else comes back. */
    CHECK(bytes - rt_untyped_free_bytes() <= 3 * 4096,
          "all its frames, tables and the VSpace itself are freed");
    CHECK_EQ(rt_cspace_free_slots(), slots, "all its slots are freed");
}

int main(void)
{
    test_begin("runtime_vspace");
    seL4_Error err = rt_init(0);
    CHECK_EQ(err, seL4_NoError, "rt_init");
    if (err != seL4_NoError)
        test_finish();
    struct rt_vspace *vs = rt_vspace_self();
    test_image_is_reserved(vs);
    test_mappings(vs);
    test_errors(vs);
    test_big_mapping(vs);
    test_other_vspace();
    test_finish();
}
