/*
 * The runtime without the CSpace bootstrap (rt_init(RT_INIT_SINGLE_LEVEL)): slots come from
 * the boot CNode's empty region only, so allocating objects until the slots run out must
 * fail with an error, and freeing must bring back every slot and byte. Threads still work
 * in the single-level CSpace.
 */
#include <rt/rt.h>
#include <stdio.h>
#include <stdlib.h>
#include "testlib.h"

static void *thread_fn(void *arg)
{
    return (void *)((seL4_Word)arg + 1);
}

int main(void)
{
    test_begin("runtime_single");
    const seL4_BootInfo *bi = rt_bootinfo();
    seL4_Error err = rt_init(RT_INIT_SINGLE_LEVEL);
    CHECK_EQ(err, seL4_NoError, "rt_init without the CSpace bootstrap");
    if (err != seL4_NoError)
        test_finish();
    CHECK(!rt_cspace_is_two_level(), "the CSpace stays single-level");
    CHECK_EQ(rt_cspace_free_slots(), bi->empty.end - bi->empty.start,
             "the free slots are the boot CNode's empty region");
    CHECK_EQ(rt_cspace_root_data(), seL4_CNode_CapData_new(0, 64 - bi->initThreadCNodeSizeBits),
             "threads get the boot CNode's guard");

    seL4_Word bytes0 = rt_untyped_free_bytes(), slots0 = rt_cspace_free_slots();
    enum { MAX = 8192 };
    struct rt_object *obj = malloc(MAX * sizeof(*obj));
    unsigned n = 0;
    while (n < MAX && (err = rt_object_alloc(seL4_NotificationObject, 0, &obj[n])) == seL4_NoError)
        n++;
    printf("%u notifications before the slots ran out\n", n);
    CHECK(n > 100 && n < MAX, "objects until the slots ran out");
    CHECK_EQ(err, seL4_NotEnoughMemory, "then: NotEnoughMemory, no crash");
    CHECK(rt_cspace_free_slots() < 64, "few slots are left");
    struct rt_object_batch batch;
    CHECK_EQ(rt_object_alloc_batch(seL4_EndpointObject, 0, 64, &batch), seL4_NotEnoughMemory,
             "a batch: NotEnoughMemory");
    struct rt_thread t;
    CHECK(rt_thread_create(&t, thread_fn, NULL, NULL) != seL4_NoError,
          "a thread: an error, not a crash");
    CHECK_EQ(seL4_DebugCapIdentify(obj[n - 1].cap), seL4_CapType_Notification,
             "the objects made are real");
    bool ok = true;
    for (unsigned i = 0; i < n; i++)
        ok = rt_object_free(&obj[i]) == seL4_NoError && ok;
    CHECK(ok, "all freed");
    CHECK_EQ(rt_cspace_free_slots(), slots0, "every slot is back");
    CHECK_EQ(rt_untyped_free_bytes(), bytes0, "every byte is back");

    CHECK_EQ(rt_thread_create(&t, thread_fn, (void *)41, NULL), seL4_NoError,
             "a thread in the single-level CSpace");
    CHECK_EQ((seL4_Word)rt_thread_join(&t), 42, "it ran and returned");
    CHECK_EQ(rt_thread_destroy(&t), seL4_NoError, "destroyed");
    free(obj);
    test_finish();
}
