/*
 * Unreachable cycles of container objects (docs/kernel-api.md, "CNode": deleting the last
 * cap to a CNode deletes its slots; Revoke of an untyped deletes every object made from
 * it). Objects that hold the only caps to each other can no longer be reached once the
 * root task drops its caps; Revoke of their untyped must still delete them all (seL4
 * breaks such cycles with zombie caps) and free the memory. Built once per cycle
 * (tests.cmake), so that each reports on its own:
 *   CYCLE_SELF    a CNode holding the only cap to itself, and a notification;
 *   CYCLE_PAIR    two CNodes holding the only caps to each other;
 *   CYCLE_THREAD  a running thread whose CSpace root CNode holds the only cap to its TCB.
 */
#include <stdio.h>
#include "kobj.h"
#include "testlib.h"

#define ROOT_PRIO 100

static volatile seL4_Word counter;

#if defined(CYCLE_THREAD)

static void count_forever(seL4_Word unused)
{
    (void)unused;
    for (;;) {
        counter++;
        seL4_Yield();
    }
}

static bool stopped(void)
{
    seL4_Word before = counter;
    for (int k = 0; k < 200; k++)
        seL4_Yield();
    return counter == before;
}
#endif

static seL4_Word next_frame(seL4_CPtr ut)
{
    seL4_CPtr f = kobj_slot();
    if (kobj_retype(ut, seL4_ARM_SmallPageObject, 0, f, 1) != seL4_NoError)
        return ~(seL4_Word)0;
    return kobj_paddr(f);
}

static void make_cycle(seL4_CPtr ut)
{
    seL4_CPtr c = kobj_slots(2);
    CHECK_EQ(kobj_retype(ut, seL4_CapTableObject, 4, c, 2), seL4_NoError, "two 16-slot CNodes");
#if defined(CYCLE_SELF)
    seL4_CPtr n = kobj_slot();
    kobj_retype(ut, seL4_NotificationObject, 0, n, 1);
    CHECK_EQ(seL4_CNode_Move(c, 1, 4, KOBJ_ROOT, n, 64), seL4_NoError,
             "Move a notification into the first CNode");
    CHECK_EQ(seL4_CNode_Move(c, 0, 4, KOBJ_ROOT, c, 64), seL4_NoError,
             "Move the CNode's only cap into its own slot 0");
    CHECK_EQ(kobj_type(c), seL4_CapType_Null, "it is now reachable only through itself");
#elif defined(CYCLE_PAIR)
    CHECK(seL4_CNode_Copy(c, 1, 4, KOBJ_ROOT, c + 1, 64, seL4_AllRights) == seL4_NoError &&
              seL4_CNode_Copy(c + 1, 1, 4, KOBJ_ROOT, c, 64, seL4_AllRights) == seL4_NoError,
          "two CNodes hold caps to each other");
    CHECK(kobj_delete(c) == seL4_NoError && kobj_delete(c + 1) == seL4_NoError,
          "Delete their root caps (each is kept alive by the other)");
#elif defined(CYCLE_THREAD)
    struct kobj_thread t = {0};
    seL4_CPtr csg = kobj_slot();
    t.tcb = kobj_slot();
    kobj_retype(ut, seL4_TCBObject, 0, t.tcb, 1);
    seL4_CNode_Mint(KOBJ_ROOT, csg, 64, KOBJ_ROOT, c, 64, seL4_AllRights,
                    seL4_CNode_CapData_new(0, 60));
    CHECK(kobj_thread_new(&t, ROOT_PRIO, "cyclic") == seL4_NoError &&
              kobj_thread_start(&t, count_forever, 0) == seL4_NoError &&
              kobj_wait_until(&counter, 3),
          "a thread from the same untyped runs");
    CHECK_EQ(seL4_TCB_SetSpace(t.tcb, 0, csg, 0, seL4_CapInitThreadVSpace, 0), seL4_NoError,
             "SetSpace: its CSpace is a 16-slot CNode with guard 60");
    CHECK_EQ(seL4_CNode_Copy(csg, 5, 64, KOBJ_ROOT, t.tcb, 64, seL4_AllRights), seL4_NoError,
             "copy its TCB cap into its own CSpace");
    CHECK(kobj_delete(t.tcb) == seL4_NoError && kobj_delete(csg) == seL4_NoError &&
              kobj_delete(c) == seL4_NoError,
          "Delete our caps to both");
    CHECK(!stopped(), "the thread, kept alive by its own CSpace, still runs");
#else
#error "define CYCLE_SELF, CYCLE_PAIR or CYCLE_THREAD"
#endif
}

int main(void)
{
    test_begin("cnode_cycles");
    kobj_set_my_prio(ROOT_PRIO);
    seL4_CPtr ut = kobj_untyped(16);
    seL4_Word base = next_frame(ut);
    kobj_revoke(ut);
    make_cycle(ut);
    printf("revoking the untyped\n");
    CHECK_EQ(kobj_revoke(ut), seL4_NoError, "Revoke of the untyped returns");
#if defined(CYCLE_THREAD)
    CHECK(stopped(), "the thread stopped");
#endif
    CHECK_EQ(next_frame(ut), base, "every object in the cycle was deleted: memory is back");
    test_finish();
}
