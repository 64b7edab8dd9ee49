/*
 * Scale: 20,000 TCBs and 20,000 notifications from one 64 MiB untyped, placed in a CNode
 * of 2^16 slots made for the purpose and addressed as (cnode, index, 16):
 *  - every slot holds the right kind of cap (copied out to the root CNode and identified);
 *  - a sample of the TCBs run (configured through copies of their caps), a sample of the
 *    notifications carry a signal;
 *  - one Revoke of the untyped deletes all 40,000 objects (long, preemptible deletion):
 *    every slot is empty, the threads stop, and the memory is reused from its base.
 * Only counts are printed (no timing).
 */
#include <stdio.h>
#include "kobj.h"
#include "testlib.h"

#define N         20000
#define CN_BITS   16
#define UT_BITS   26 /* 20,000 * 2 KiB TCBs + 20,000 * 32 B notifications < 64 MiB */
#define ROOT_PRIO 100
#define NSTART    4

static seL4_CPtr cn, ut, out;
static volatile seL4_Word counters[NSTART];

/* Retypes n objects into cn[first, first + n) in calls of at most 256; returns how many
 * calls failed. */
static seL4_Word retype_many(seL4_Word type, seL4_Word first, seL4_Word n)
{
    seL4_Word failed = 0;
    for (seL4_Word i = 0; i < n; i += seL4_RetypeFanOutLimit) {
        seL4_Word k = n - i < seL4_RetypeFanOutLimit ? n - i : seL4_RetypeFanOutLimit;
        failed += seL4_Untyped_Retype(ut, type, 0, KOBJ_ROOT, cn, KOBJ_DEPTH, first + i, k) !=
                  seL4_NoError;
    }
    return failed;
}

/* The kind of cap in cn[i] (Null if empty), via a copy in the root slot `out`. */
static seL4_Word kind_at(seL4_Word i)
{
    if (seL4_CNode_Copy(KOBJ_ROOT, out, KOBJ_DEPTH, cn, i, CN_BITS, seL4_AllRights) != seL4_NoError)
        return seL4_CapType_Null;
    seL4_Word kind = kobj_type(out);
    kobj_delete(out);
    return kind;
}

static seL4_Word count_kind(seL4_Word first, seL4_Word n, seL4_Word kind)
{
    seL4_Word c = 0;
    for (seL4_Word i = first; i < first + n; i++)
        c += kind_at(i) == kind;
    return c;
}

static void count_forever(seL4_Word i)
{
    for (;;) {
        counters[i]++;
        seL4_Yield();
    }
}

int main(void)
{
    test_begin("scale");
    kobj_set_my_prio(ROOT_PRIO);
    cn = kobj_new(seL4_CapTableObject, CN_BITS);
    ut = kobj_untyped(UT_BITS);
    out = kobj_slot();
    if (!CHECK(cn && ut, "a 2^16-slot CNode and a 64 MiB untyped"))
        test_finish();
    seL4_CPtr probe = kobj_slot();
    kobj_retype(ut, seL4_ARM_SmallPageObject, 0, probe, 1);
    seL4_Word base = kobj_paddr(probe);
    kobj_revoke(ut);

    CHECK_EQ(retype_many(seL4_TCBObject, 0, N), 0, "retype 20000 TCBs into the big CNode");
    CHECK_EQ(retype_many(seL4_NotificationObject, N, N), 0,
             "retype 20000 notifications after them");
    seL4_Word tcbs = count_kind(0, N, seL4_CapType_TCB);
    seL4_Word ntfns = count_kind(N, N, seL4_CapType_Notification);
    printf("scale: %lu TCB caps, %lu notification caps\n", (unsigned long)tcbs,
           (unsigned long)ntfns);
    CHECK_EQ(tcbs, N, "all 20000 TCB slots hold TCB caps");
    CHECK_EQ(ntfns, N, "all 20000 notification slots hold notification caps");
    CHECK_EQ(kind_at(2 * N), seL4_CapType_Null, "the slot after them is empty");
    CHECK_EQ(retype_many(seL4_NotificationObject, 2 * N - 1, 1), 1,
             "retyping over an occupied slot still fails");

    /* Run a sample of the TCBs through copies of their caps. */
    static const seL4_Word sample[NSTART] = {0, 1, 12345, N - 1};
    struct kobj_thread t[NSTART];
    seL4_Word started = 0;
    for (unsigned i = 0; i < NSTART; i++) {
        t[i] = (struct kobj_thread){.tcb = kobj_slot()};
        seL4_CNode_Copy(KOBJ_ROOT, t[i].tcb, KOBJ_DEPTH, cn, sample[i], CN_BITS, seL4_AllRights);
        if (kobj_thread_new(&t[i], ROOT_PRIO, "scale") == seL4_NoError &&
            kobj_thread_start(&t[i], count_forever, i) == seL4_NoError)
            started++;
    }
    for (int k = 0; k < 20; k++)
        seL4_Yield();
    seL4_Word running = 0;
    for (unsigned i = 0; i < NSTART; i++)
        running += counters[i] > 0;
    CHECK_EQ(started, NSTART, "start TCBs 0, 1, 12345 and 19999");
    CHECK_EQ(running, NSTART, "all of them run");

    /* Signal a sample of the notifications through badged copies and poll them. */
    seL4_Word signalled = 0;
    for (seL4_Word i = N; i < 2 * N; i += 4999) {
        seL4_CPtr b = kobj_slot();
        seL4_Word badge = 0;
        seL4_CNode_Mint(KOBJ_ROOT, b, KOBJ_DEPTH, cn, i, CN_BITS, seL4_AllRights, i);
        seL4_Signal(b);
        seL4_Poll(b, &badge);
        signalled += badge == i;
        kobj_delete(b);
    }
    CHECK_EQ(signalled, 5, "5 sampled notifications deliver their badge");

    CHECK_EQ(kobj_revoke(ut), seL4_NoError, "Revoke the untyped");
    seL4_Word left = N * 2 - count_kind(0, 2 * N, seL4_CapType_Null);
    printf("scale: %lu caps left after Revoke\n", (unsigned long)left);
    CHECK_EQ(left, 0, "Revoke deleted all 40000 objects");
    seL4_Word before[NSTART];
    for (unsigned i = 0; i < NSTART; i++)
        before[i] = counters[i];
    for (int k = 0; k < 20; k++)
        seL4_Yield();
    seL4_Word moved = 0;
    for (unsigned i = 0; i < NSTART; i++) {
        moved += counters[i] != before[i];
        moved += kobj_type(t[i].tcb) != seL4_CapType_Null;
    }
    CHECK_EQ(moved, 0, "the started threads stopped and their copied caps are gone");

    kobj_retype(ut, seL4_ARM_SmallPageObject, 0, probe, 1);
    CHECK_EQ(kobj_paddr(probe), base, "the untyped's memory is reused from its base");
    kobj_revoke(ut);
    CHECK_EQ(retype_many(seL4_TCBObject, 0, N), 0, "20000 TCBs fit again");
    CHECK_EQ(count_kind(0, N, seL4_CapType_TCB), N, "and are all there");
    CHECK_EQ(kobj_revoke(ut), seL4_NoError, "Revoke them again");
    test_finish();
}
