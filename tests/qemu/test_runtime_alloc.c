/*
 * The runtime's allocators (runtime/src/untyped.c, object.c, cspace.c): the two-level CSpace
 * bootstrap, exact accounting of untyped memory and slots over create/destroy loops, every
 * object type, batches, 20,000 objects, and out-of-memory errors that leave nothing behind.
 */
#include <rt/rt.h>
#include <stdio.h>
#include <stdlib.h>
#include "testlib.h"

struct snapshot {
    seL4_Word free_bytes;
    seL4_Word free_slots;
    unsigned nodes;
};

static struct snapshot snap(void)
{
    struct snapshot s = {rt_untyped_free_bytes(), rt_cspace_free_slots(), rt_cspace_num_nodes()};
    return s;
}

static bool same(struct snapshot a, struct snapshot b)
{
    if (a.free_bytes != b.free_bytes || a.free_slots != b.free_slots || a.nodes != b.nodes) {
        printf("       bytes %lu/%lu slots %lu/%lu nodes %u/%u\n", (unsigned long)a.free_bytes,
               (unsigned long)b.free_bytes, (unsigned long)a.free_slots,
               (unsigned long)b.free_slots, a.nodes, b.nodes);
        return false;
    }
    return true;
}

/* Bytes the CSpace's second-level CNodes added since s took. */
static seL4_Word node_bytes_since(struct snapshot s)
{
    return (seL4_Word)(rt_cspace_num_nodes() - s.nodes) << (12 + seL4_SlotBits);
}

static void test_bootstrap(void)
{
    const seL4_BootInfo *bi = rt_bootinfo();
    CHECK(rt_cspace_is_two_level(), "rt_init switched to a two-level CSpace");
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadTCB), seL4_CapType_TCB,
             "the TCB's boot cptr still resolves");
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadCNode), seL4_CapType_CNode,
             "slot seL4_CapInitThreadCNode holds a CNode cap (the new root)");
    CHECK_EQ(seL4_DebugCapIdentify(bi->untyped.start), seL4_CapType_Untyped,
             "the first boot untyped's cptr still resolves");
    CHECK_EQ(seL4_DebugCapIdentify(seL4_CapInitThreadASIDPool), seL4_CapType_ASIDPool,
             "the ASID pool's cptr still resolves");
    CHECK_EQ(rt_init(0), seL4_IllegalOperation, "rt_init a second time is refused");
    CHECK(rt_untyped_total_bytes() > ((seL4_Word)256 << 20), "the allocator holds the free RAM");
    CHECK(rt_untyped_free_bytes() <= rt_untyped_total_bytes(), "free <= total");
    CHECK(rt_cspace_free_slots() >= RT_CSPACE_RESERVE, "the slot reserve is kept");
}

static void test_blocks(void)
{
    struct snapshot s0 = snap();
    struct rt_untyped a, b, c;
    CHECK_EQ(rt_untyped_alloc(12, &a), seL4_NoError, "a 4 KiB untyped block");
    CHECK_EQ(rt_untyped_free_bytes(), s0.free_bytes - 4096, "free bytes drop by exactly 4096");
    CHECK_EQ(seL4_DebugCapIdentify(a.cap), seL4_CapType_Untyped, "the block is an untyped cap");
    CHECK_EQ(a.paddr & 0xfff, 0, "the block is aligned to its size");
    CHECK_EQ(rt_untyped_alloc(4, &b), seL4_NoError, "a 16-byte block");
    CHECK_EQ(rt_untyped_alloc(22, &c), seL4_NoError, "a 4 MiB block");
    CHECK_EQ(rt_untyped_free_bytes(), s0.free_bytes - 4096 - 16 - (4 << 20),
             "free bytes count every block exactly");
    struct rt_object tcb;
    CHECK_EQ(seL4_Untyped_Retype(a.cap, seL4_TCBObject, 0, rt_cspace_root(), 0, 0, 0, 0),
             seL4_RangeError, "a block is an ordinary untyped cap (kernel checks apply)");
    CHECK_EQ(rt_object_alloc(seL4_TCBObject, 0, &tcb), seL4_NoError, "an object meanwhile");
    CHECK_EQ(rt_untyped_free(&b), seL4_NoError, "free the 16-byte block");
    CHECK_EQ(rt_untyped_free(&a), seL4_NoError, "free the 4 KiB block");
    CHECK_EQ(rt_untyped_free(&c), seL4_NoError, "free the 4 MiB block");
    CHECK_EQ(rt_object_free(&tcb), seL4_NoError, "free the object");
    CHECK(same(snap(), s0), "memory and slots are back exactly");
}

static const struct {
    seL4_Word type, size_bits;
    seL4_Word cap_type;
    const char *name;
} kinds[] = {
    {seL4_UntypedObject, 10, seL4_CapType_Untyped, "untyped"},
    {seL4_TCBObject, 0, seL4_CapType_TCB, "TCB"},
    {seL4_EndpointObject, 0, seL4_CapType_Endpoint, "endpoint"},
    {seL4_NotificationObject, 0, seL4_CapType_Notification, "notification"},
    {seL4_CapTableObject, 6, seL4_CapType_CNode, "CNode"},
    {seL4_ARM_SmallPageObject, 0, seL4_CapType_Frame, "4 KiB frame"},
    {seL4_ARM_LargePageObject, 0, seL4_CapType_Frame, "2 MiB frame"},
    {seL4_ARM_PageTableObject, 0, seL4_CapType_PageTable, "page table"},
    {seL4_ARM_VSpaceObject, 0, seL4_CapType_VSpace, "VSpace"},
};
#define NUM_KINDS (sizeof(kinds) / sizeof(kinds[0]))

static void test_every_type(void)
{
    struct snapshot s0 = snap();
    struct rt_object obj[NUM_KINDS];
    bool ok = true;
    char what[80];
    for (unsigned i = 0; i < NUM_KINDS; i++) {
        ok = rt_object_alloc(kinds[i].type, kinds[i].size_bits, &obj[i]) == seL4_NoError;
        snprintf(what, sizeof(what), "one %s object, cap of the right kind", kinds[i].name);
        CHECK(ok && seL4_DebugCapIdentify(obj[i].cap) == kinds[i].cap_type, what);
    }
    for (unsigned i = 0; i < NUM_KINDS; i++)
        ok = rt_object_free(&obj[NUM_KINDS - 1 - i]) == seL4_NoError && ok;
    CHECK(ok, "every object freed");
    /* The form for types the runtime does not know takes the size from the caller. */
    struct rt_object_batch batch;
    CHECK(rt_object_alloc_sized(seL4_EndpointObject, 0, seL4_EndpointBits, &obj[0]) ==
                  seL4_NoError &&
              seL4_DebugCapIdentify(obj[0].cap) == seL4_CapType_Endpoint &&
              rt_object_free(&obj[0]) == seL4_NoError,
          "an object with the size given by the caller");
    CHECK(rt_object_alloc_batch_sized(seL4_EndpointObject, 0, seL4_EndpointBits, 5, &batch) ==
                  seL4_NoError &&
              seL4_DebugCapIdentify(batch.first + 4) == seL4_CapType_Endpoint &&
              rt_object_free_batch(&batch) == seL4_NoError,
          "a batch with the size given by the caller");
    CHECK_EQ(rt_object_alloc_sized(seL4_EndpointObject, 0, 3, &obj[0]), seL4_InvalidArgument,
             "a size below 16 bytes: InvalidArgument");
    CHECK(same(snap(), s0), "memory and slots are back exactly");
}

/* Create/destroy rounds of mixed objects, freed in a different order each round. */
static void test_loops(void)
{
    enum { ROUNDS = 200, PER = 12 };
    struct rt_object obj[PER];
    struct snapshot s0 = snap();
    bool ok = true, exact = true;
    for (unsigned r = 0; r < ROUNDS && ok; r++) {
        for (unsigned i = 0; i < PER && ok; i++) {
            unsigned k = (r + i) % NUM_KINDS;
            ok = rt_object_alloc(kinds[k].type, kinds[k].size_bits, &obj[i]) == seL4_NoError;
        }
        for (unsigned i = 0; i < PER && ok; i++)
            ok = rt_object_free(&obj[(i * 5 + r) % PER]) == seL4_NoError;
        exact = exact && snap().free_bytes == s0.free_bytes;
    }
    CHECK(ok, "200 rounds of 12 mixed objects created and destroyed");
    CHECK(exact, "free bytes return exactly after every round");
    CHECK(same(snap(), s0), "memory and slots are back exactly");
}

static void test_batches(void)
{
    struct snapshot s0 = snap();
    struct rt_object_batch b;
    CHECK_EQ(rt_object_alloc_batch(seL4_NotificationObject, 0, 4096, &b), seL4_NoError,
             "a batch of 4096 notifications");
    CHECK(seL4_DebugCapIdentify(b.first) == seL4_CapType_Notification &&
              seL4_DebugCapIdentify(b.first + 4095) == seL4_CapType_Notification,
          "first and last caps are notifications");
    CHECK_EQ(rt_untyped_free_bytes(),
             s0.free_bytes - (4096u << seL4_NotificationBits) - node_bytes_since(s0),
             "the batch took exactly 4096 * 32 bytes (plus any CNode the CSpace grew by)");
    CHECK_EQ(rt_object_free_batch(&b), seL4_NoError, "free the batch");
    CHECK_EQ(seL4_DebugCapIdentify(b.first), seL4_CapType_Null, "the caps are gone");

    CHECK_EQ(rt_object_alloc_batch(seL4_TCBObject, 0, 300, &b), seL4_NoError,
             "300 TCBs (more than one Retype call's fan-out)");
    bool all = true;
    for (seL4_Word i = 0; i < 300; i++)
        all = all && seL4_DebugCapIdentify(b.first + i) == seL4_CapType_TCB;
    CHECK(all, "all 300 caps are TCBs");
    CHECK_EQ(rt_object_free_batch(&b), seL4_NoError, "free them");
    CHECK_EQ(rt_object_alloc_batch(seL4_ARM_LargePageObject, 0, 3, &b), seL4_NoError,
             "3 large frames");
    CHECK_EQ(rt_object_free_batch(&b), seL4_NoError, "free them");
    CHECK(same(snap(), s0), "memory and slots are back exactly");
}

/* 20,000 notifications one by one (each with its own untyped block), then 20,000 TCBs in
 * batches of 4000: the CSpace grows by second-level CNodes and shrinks back. */
static void test_twenty_thousand(void)
{
    enum { N = 20000, BATCH = 4000 };
    struct snapshot s0 = snap();
    struct rt_object *obj = malloc(N * sizeof(*obj));
    unsigned made = 0;
    if (!CHECK(obj != NULL, "malloc for 20,000 records"))
        return;
    while (made < N && rt_object_alloc(seL4_NotificationObject, 0, &obj[made]) == seL4_NoError)
        made++;
    CHECK_EQ(made, N, "20,000 notifications allocated one at a time");
    bool kinds_ok = true;
    for (unsigned i = 0; i < made; i += 997)
        kinds_ok = kinds_ok && seL4_DebugCapIdentify(obj[i].cap) == seL4_CapType_Notification;
    CHECK(kinds_ok && seL4_DebugCapIdentify(obj[made - 1].cap) == seL4_CapType_Notification,
          "they are notifications");
    CHECK(rt_cspace_num_nodes() > s0.nodes + 10, "second-level CNodes were added");
    CHECK_EQ(rt_untyped_free_bytes(), s0.free_bytes - (seL4_Word)N * 32 - node_bytes_since(s0),
             "exactly 20,000 * 32 bytes are used, plus 128 KiB per CNode added");
    bool freed = true;
    for (unsigned i = 0; i < made; i++)
        freed = rt_object_free(&obj[(i * 7919u) % made]) == seL4_NoError && freed;
    CHECK(freed, "all freed, in a scrambled order");
    CHECK(same(snap(), s0), "memory, slots and CNodes are back exactly");
    free(obj);

    struct rt_object_batch b[N / BATCH];
    unsigned nb = 0;
    while (nb < N / BATCH &&
           rt_object_alloc_batch(seL4_TCBObject, 0, BATCH, &b[nb]) == seL4_NoError)
        nb++;
    CHECK_EQ(nb, N / BATCH, "20,000 TCBs in batches of 4000");
    CHECK(seL4_DebugCapIdentify(b[nb - 1].first + BATCH - 1) == seL4_CapType_TCB,
          "the last one is a TCB");
    freed = true;
    for (unsigned i = 0; i < nb; i++)
        freed = rt_object_free_batch(&b[i]) == seL4_NoError && freed;
    CHECK(freed, "batches freed");
    CHECK(same(snap(), s0), "memory, slots and CNodes are back exactly");
}

static void test_errors(void)
{
    struct snapshot s0 = snap();
    struct rt_untyped ut;
    struct rt_object obj;
    struct rt_object_batch batch;
    CHECK_EQ(rt_untyped_alloc(48, &ut), seL4_RangeError, "an untyped above 2^47: RangeError");
    CHECK_EQ(rt_object_alloc(999, 0, &obj), seL4_InvalidArgument, "unknown type: InvalidArgument");
    CHECK_EQ(rt_object_alloc(seL4_CapTableObject, 0, &obj), seL4_InvalidArgument,
             "a CNode of 2^0 slots: InvalidArgument");
    CHECK_EQ(rt_object_alloc(seL4_CapTableObject, 25, &obj), seL4_InvalidArgument,
             "a CNode of 2^25 slots: InvalidArgument");
    CHECK_EQ(rt_object_alloc_batch(seL4_TCBObject, 0, 0, &batch), seL4_RangeError,
             "a batch of 0: RangeError");
    CHECK_EQ(rt_object_alloc_batch(seL4_TCBObject, 0, 5000, &batch), seL4_RangeError,
             "a batch larger than a CNode: RangeError");
    CHECK(same(snap(), s0), "nothing was allocated by the failures");

    /* Take every free block, largest first, until nothing is left. */
    static struct rt_untyped all[512];
    unsigned n = 0;
    for (unsigned bits; n < 512 && (bits = rt_untyped_largest_free()) != 0; n++)
        if (rt_untyped_alloc(bits, &all[n]) != seL4_NoError)
            break;
    CHECK_EQ(rt_untyped_free_bytes(), 0, "all untyped memory taken");
    CHECK_EQ(rt_untyped_alloc(4, &ut), seL4_NotEnoughMemory, "16 bytes more: NotEnoughMemory");
    CHECK_EQ(rt_object_alloc(seL4_NotificationObject, 0, &obj), seL4_NotEnoughMemory,
             "a notification: NotEnoughMemory");
    CHECK_EQ(rt_object_alloc_batch(seL4_EndpointObject, 0, 16, &batch), seL4_NotEnoughMemory,
             "a batch: NotEnoughMemory");
    bool ok = true;
    for (unsigned i = 0; i < n; i++)
        ok = rt_untyped_free(&all[i]) == seL4_NoError && ok;
    CHECK(ok, "every block given back");
    CHECK(same(snap(), s0), "memory and slots are back exactly");
    CHECK_EQ(rt_object_alloc(seL4_NotificationObject, 0, &obj), seL4_NoError,
             "allocation works again");
    rt_object_free(&obj);
}

int main(void)
{
    test_begin("runtime_alloc");
    seL4_Error err = rt_init(0);
    CHECK_EQ(err, seL4_NoError, "rt_init: untyped, two-level CSpace, VSpace");
    if (err != seL4_NoError)
        test_finish();
    test_bootstrap();
    test_blocks();
    test_every_type();
    test_loops();
    test_batches();
    test_twenty_thousand();
    test_errors();
    test_finish();
}
