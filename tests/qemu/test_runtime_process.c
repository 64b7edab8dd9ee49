/*
 * Processes from an embedded ELF image (runtime/src/process.c) running tests/qemu/programs/
 * rt_child.c: the child sees its start info, caps, IPC buffer, stack, TLS, heap and data;
 * reports through a shared frame and a notification the parent gave it; ends through both
 * exit paths; several run at once; destroy gives back every byte and slot; bad images and
 * exhausted memory are errors that leave nothing behind.
 */
#include <elf64.h>
#include <rt/rt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rt_child.h"
#include "testlib.h"

extern const char embedded_rt_child[], embedded_rt_child_end[];

#define CHILD_SIZE ((size_t)(embedded_rt_child_end - embedded_rt_child))

static struct rt_object ntfn;

/* Creates a child with the given mode, id and status, sharing the page at `report`. */
static seL4_Error spawn(struct rt_process *p, seL4_Word mode, seL4_Word id, seL4_Word status,
                        seL4_Word report)
{
    seL4_Word words[RT_CHILD_NUM_WORDS] = {mode, 0, status, id};
    seL4_CPtr caps[1] = {ntfn.cap};
    struct rt_process_config cfg = {
        .priority = seL4_MaxPrio,
        .words = words,
        .num_words = RT_CHILD_NUM_WORDS,
        .caps = caps,
        .num_caps = 1,
        .name = "rt_child",
    };
    seL4_Error err = rt_process_create(p, embedded_rt_child, CHILD_SIZE, &cfg);
    if (err != seL4_NoError)
        return err;
    if (report) {
        err = rt_process_share(p, report, seL4_ReadWrite,
                               &rt_process_info(p)->words[RT_CHILD_WORD_REPORT]);
        if (err != seL4_NoError) {
            rt_process_destroy(p);
            return err;
        }
    }
    return rt_process_start(p);
}

static seL4_Word new_page(void)
{
    struct rt_map_request req = {
        .size = 4096,
        .page_bits = seL4_PageBits,
        .rights = seL4_ReadWrite,
        .attr = seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever,
    };
    seL4_Word a = 0;
    rt_vspace_map_new(rt_vspace_self(), &req, &a);
    return a;
}

static void test_one_child(seL4_Word page)
{
    struct rt_process p;
    struct rt_child_report *r = (struct rt_child_report *)page;
    int status = -1;
    memset(r, 0, sizeof(*r));
    CHECK_EQ(spawn(&p, RT_CHILD_RETURN, 1, 42, page), seL4_NoError,
             "a process created from the embedded ELF and started");
    seL4_Wait(ntfn.cap, NULL);
    CHECK(1, "the child signalled the notification it was given");
    CHECK_EQ(rt_process_wait(&p, &status), seL4_NoError, "waited for it to exit");
    CHECK_EQ(status, 42, "exit status from main's return value");
    CHECK_EQ(r->magic, RT_CHILD_REPORT_MAGIC, "it wrote its report into the shared page");
    CHECK_EQ(r->id, 1, "with the word it was given");
    CHECK(r->is_child, "rt_start told it that it is a child (start info, no boot info)");
    static const seL4_Word want[6] = {seL4_CapType_TCB,    seL4_CapType_CNode,
                                      seL4_CapType_VSpace, seL4_CapType_Notification,
                                      seL4_CapType_Frame,  seL4_CapType_Frame};
    CHECK(memcmp(r->cap_types, want, sizeof(want)) == 0,
          "its CNode holds its TCB, CNode, VSpace, exit notification and frames");
    CHECK_EQ(r->given_cap_type, seL4_CapType_Notification, "and the cap the parent passed");
    CHECK(r->ipc_buffer_ok, "its IPC buffer is where the start info says");
    CHECK(r->stack_ok, "it runs on the stack the loader made");
    CHECK(r->tls_ok, "TLS and errno work in it");
    CHECK(r->malloc_ok, "malloc works in it");
    CHECK(r->data_ok, "its .data and .bss were loaded right");
    CHECK(r->empty_start == RT_START_SLOT_FIRST_CAP + 1 && r->empty_end == 4096,
          "its empty slot region follows the caps given");
    CHECK_EQ(rt_process_destroy(&p), seL4_NoError, "destroyed");
}

static void test_exit_call(seL4_Word page)
{
    struct rt_process p;
    int status = -1;
    CHECK_EQ(spawn(&p, RT_CHILD_EXIT, 2, 7, page), seL4_NoError, "a child that calls exit(7)");
    seL4_Wait(ntfn.cap, NULL);
    CHECK_EQ(rt_process_wait(&p, &status), seL4_NoError, "waited for it");
    CHECK_EQ(status, 7, "exit status from exit()");
    CHECK(rt_process_exited(&p, NULL), "rt_process_exited agrees");
    CHECK_EQ(rt_process_destroy(&p), seL4_NoError, "destroyed");
}

static void test_several(void)
{
    enum { N = 4 };
    struct rt_process p[N];
    seL4_Word pages[N];
    bool ok = true;
    for (unsigned i = 0; i < N; i++) {
        pages[i] = new_page();
        ok = pages[i] && spawn(&p[i], RT_CHILD_RETURN, 10 + i, i, pages[i]) == seL4_NoError && ok;
    }
    CHECK(ok, "4 children running at once");
    for (unsigned i = 0; i < N && ok; i++) {
        int status = -1;
        ok = rt_process_wait(&p[i], &status) == seL4_NoError && status == (int)i &&
             ((struct rt_child_report *)pages[i])->id == 10 + i;
    }
    CHECK(ok, "each exited with its own status and report");
    for (unsigned i = 0; i < N; i++) {
        rt_process_destroy(&p[i]);
        rt_vspace_unmap(rt_vspace_self(), pages[i]);
    }
    /* Each child signalled the shared notification; take the pending word. */
    seL4_Poll(ntfn.cap, NULL);
}

/* After one round has made the page tables of the parent's temporary mappings, rounds of
 * create/run/destroy must give back exactly what they take. */
static void test_accounting(seL4_Word page)
{
    struct rt_process p;
    int status;
    spawn(&p, RT_CHILD_RETURN, 3, 0, page);
    rt_process_wait(&p, &status);
    rt_process_destroy(&p);
    seL4_Poll(ntfn.cap, NULL);
    seL4_Word bytes = rt_untyped_free_bytes(), slots = rt_cspace_free_slots();
    bool ok = true;
    for (unsigned i = 0; i < 10 && ok; i++) {
        ok = spawn(&p, RT_CHILD_RETURN, 3, 0, page) == seL4_NoError;
        ok = ok && rt_process_wait(&p, &status) == seL4_NoError && status == 0;
        ok = rt_process_destroy(&p) == seL4_NoError && ok;
        seL4_Poll(ntfn.cap, NULL);
    }
    CHECK(ok, "10 rounds of create, run, exit, destroy");
    CHECK_EQ(rt_untyped_free_bytes(), bytes, "every byte is back");
    CHECK_EQ(rt_cspace_free_slots(), slots, "every slot is back");
}

static void test_bad_images(void)
{
    struct rt_process p;
    seL4_Word bytes = rt_untyped_free_bytes(), slots = rt_cspace_free_slots();
    static char garbage[4096];
    for (unsigned i = 0; i < sizeof(garbage); i++)
        garbage[i] = (char)(i * 37);
    CHECK_EQ(rt_process_create(&p, garbage, sizeof(garbage), NULL), seL4_InvalidArgument,
             "garbage: InvalidArgument");
    CHECK_EQ(rt_process_create(&p, embedded_rt_child, 200, NULL), seL4_InvalidArgument,
             "a truncated image: InvalidArgument");
    /* Cut the image one byte short of its last loadable segment's file bytes (the debug
     * sections after them do not matter). */
    seL4_Word load_end = 0;
    struct elf_segment seg;
    for (unsigned i = 0; i < elf_num_phdrs(embedded_rt_child); i++)
        if (elf_segment(embedded_rt_child, i, &seg) && seg.offset + seg.filesz > load_end)
            load_end = seg.offset + seg.filesz;
    CHECK_EQ(rt_process_create(&p, embedded_rt_child, load_end - 1, NULL), seL4_InvalidArgument,
             "an image cut inside its last segment: InvalidArgument");
    CHECK_EQ(rt_process_create(&p, NULL, 0, NULL), seL4_InvalidArgument,
             "no image: InvalidArgument");
    char *copy = malloc(CHILD_SIZE);
    if (copy) {
        memcpy(copy, embedded_rt_child, CHILD_SIZE);
        copy[18] = 62; /* e_machine: x86-64 */
        CHECK_EQ(rt_process_create(&p, copy, CHILD_SIZE, NULL), seL4_InvalidArgument,
                 "another architecture: InvalidArgument");
        free(copy);
    }
    struct rt_process_config cfg = {.priority = seL4_MaxPrio, .num_caps = RT_START_MAX_CAPS + 1};
    CHECK_EQ(rt_process_create(&p, embedded_rt_child, CHILD_SIZE, &cfg), seL4_InvalidArgument,
             "too many caps: InvalidArgument");
    CHECK_EQ(rt_untyped_free_bytes(), bytes, "no memory used by the failures");
    CHECK_EQ(rt_cspace_free_slots(), slots, "no slots used by the failures");
}

static void test_out_of_memory(void)
{
    struct rt_process p;
    seL4_Word bytes = rt_untyped_free_bytes(), slots = rt_cspace_free_slots();
    /* Leave less than a child needs: take every block of 64 KiB or more. */
    static struct rt_untyped blocks[512];
    unsigned n = 0;
    for (unsigned bits; n < 512 && (bits = rt_untyped_largest_free()) >= 16; n++)
        if (rt_untyped_alloc(bits, &blocks[n]) != seL4_NoError)
            break;
    seL4_Error err = rt_process_create(&p, embedded_rt_child, CHILD_SIZE, NULL);
    CHECK_EQ(err, seL4_NotEnoughMemory, "with too little memory: NotEnoughMemory");
    if (err == seL4_NoError)
        rt_process_destroy(&p);
    for (unsigned i = 0; i < n; i++)
        rt_untyped_free(&blocks[i]);
    CHECK_EQ(rt_untyped_free_bytes(), bytes, "every byte is back");
    CHECK_EQ(rt_cspace_free_slots(), slots, "every slot is back");
}

int main(void)
{
    test_begin("runtime_process");
    seL4_Error err = rt_init(0);
    CHECK_EQ(err, seL4_NoError, "rt_init");
    if (err != seL4_NoError)
        test_finish();
    CHECK(rt_start_info() == NULL && rt_bootinfo() != NULL, "the root task has no start info");
    seL4_Word page = new_page();
    CHECK(page != 0 && rt_object_alloc(seL4_NotificationObject, 0, &ntfn) == seL4_NoError,
          "a page to share and a notification to pass");
    test_one_child(page);
    test_exit_call(page);
    test_several();
    test_accounting(page);
    test_bad_images();
    test_out_of_memory();
    test_finish();
}
