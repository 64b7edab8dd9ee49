/* Helpers for the notification-set tests (see nset_util.h). */
#include "nset_util.h"
#include <string.h>

/* ---- Objects ---- */

seL4_CPtr nset_new(seL4_Word size_bits)
{
    return kobj_new(seL4_NotificationSetObject, size_bits);
}

seL4_CPtr nset_ntfns(seL4_Word n)
{
    unsigned bits = seL4_NotificationBits;
    while (((seL4_Word)1 << bits) < n << seL4_NotificationBits)
        bits++;
    seL4_CPtr ut = kobj_untyped(bits < seL4_MinUntypedBits ? seL4_MinUntypedBits : bits);
    if (!ut)
        return 0;
    seL4_CPtr first = kobj_slots(n);
    for (seL4_Word i = 0; i < n; i += seL4_RetypeFanOutLimit) {
        seL4_Word k = n - i < seL4_RetypeFanOutLimit ? n - i : seL4_RetypeFanOutLimit;
        if (kobj_retype(ut, seL4_NotificationObject, 0, first + i, k) != seL4_NoError)
            return 0;
    }
    return first;
}

seL4_Word nset_ntfn_poll(seL4_CPtr ntfn)
{
    seL4_Word badge = 0xbad;
    seL4_Poll(ntfn, &badge);
    return badge;
}

/* ---- Events ---- */

bool nset_events_are(const seL4_NotificationSetEvent *ev, int n, const seL4_Word *tokens,
                     const seL4_Word *words)
{
    for (int i = 0; i < n; i++) {
        if (ev[i].token != tokens[i] || ev[i].word != words[i])
            return false;
    }
    return true;
}

int nset_drain(seL4_CPtr set, seL4_Word max, seL4_NotificationSetEvent *out, int cap)
{
    int total = 0;
    seL4_NotificationSetEvent ev[seL4_NotificationSetMaxEvents];
    for (;;) {
        int n = seL4_NotificationSet_Poll(set, max, ev);
        if (n < 0)
            return n;
        if (n == 0)
            return total;
        for (int i = 0; i < n && total < cap; i++)
            out[total++] = ev[i];
        if (total >= cap)
            return total;
    }
}

/* ---- Jobs ---- */

volatile seL4_Word nset_order[32];
volatile seL4_Word nset_order_len;

/* Body of a job thread: its Wait/Poll calls, each recorded. */
void nset_job_main(seL4_Word arg)
{
    struct nset_job *j = (struct nset_job *)arg;
    seL4_Word rounds = j->rounds ? j->rounds : 1;
    for (seL4_Word r = 0; r < rounds; r++) {
        int n = j->poll ? seL4_NotificationSet_Poll(j->set, j->max, j->ev)
                        : seL4_NotificationSet_Wait(j->set, j->max, j->ev);
        j->n = n;
        if (n > 0)
            j->events += (seL4_Word)n;
        if (nset_order_len < sizeof(nset_order) / sizeof(nset_order[0]))
            nset_order[nset_order_len++] = j->id;
        j->done++;
    }
}

struct nset_job *nset_job_init(struct nset_job *j, seL4_Word id, seL4_CPtr set, seL4_Word max)
{
    memset(j, 0, sizeof(*j));
    j->id = id;
    j->set = set;
    j->max = max;
    return j;
}

seL4_Error nset_job_start(struct nset_job *j, seL4_Word prio)
{
    j->done = 0;
    seL4_Error err = kobj_thread_new(&j->thread, prio, "nsetjob");
    if (err == seL4_NoError && j->no_buffer)
        err = seL4_TCB_SetIPCBuffer(j->thread.tcb, 0, seL4_CapNull);
    if (err == seL4_NoError)
        err = kobj_thread_start(&j->thread, nset_job_main, (seL4_Word)j);
    return err;
}

/* ---- Two-level CSpace ----
 *
 *   TCB cspace root -> top CNode (2 slots, guard 63 - bits)
 *                        [0] boot CNode, guard bits - 12: cptrs 0..4095 unchanged
 *                        [1] big CNode (2^bits slots):    cptrs (1 << bits) + i
 */

static seL4_CPtr top_cn, big_cn;
static unsigned big_bits;

seL4_CPtr nset_cspace_init(unsigned bits)
{
    top_cn = kobj_new(seL4_CapTableObject, 1);
    big_cn = kobj_new(seL4_CapTableObject, bits);
    if (!top_cn || !big_cn || bits < 12)
        return 0;
    big_bits = bits;
    if (seL4_CNode_Mint(top_cn, 0, 1, KOBJ_ROOT, seL4_CapInitThreadCNode, KOBJ_DEPTH,
                        seL4_AllRights, seL4_CNode_CapData_new(0, bits - 12)) != seL4_NoError ||
        seL4_CNode_Copy(top_cn, 1, 1, KOBJ_ROOT, big_cn, KOBJ_DEPTH, seL4_AllRights) !=
            seL4_NoError ||
        nset_cspace_adopt(seL4_CapInitThreadTCB, seL4_CapInitThreadVSpace) != seL4_NoError)
        return 0;
    return big_cn;
}

seL4_CPtr nset_big(seL4_Word i)
{
    return ((seL4_Word)1 << big_bits) | i;
}

seL4_Error nset_cspace_adopt(seL4_CPtr tcb, seL4_CPtr vspace)
{
    return seL4_TCB_SetSpace(tcb, seL4_CapNull, top_cn, seL4_CNode_CapData_new(0, 63 - big_bits),
                             vspace, 0);
}

seL4_Error nset_big_retype(seL4_CPtr ut, seL4_Word type, seL4_Word first, seL4_Word n)
{
    for (seL4_Word i = 0; i < n; i += seL4_RetypeFanOutLimit) {
        seL4_Word k = n - i < seL4_RetypeFanOutLimit ? n - i : seL4_RetypeFanOutLimit;
        seL4_Error err =
            seL4_Untyped_Retype(ut, type, 0, KOBJ_ROOT, big_cn, KOBJ_DEPTH, first + i, k);
        if (err != seL4_NoError)
            return err;
    }
    return seL4_NoError;
}

seL4_Error nset_big_mint(seL4_Word dest, seL4_Word src, seL4_CapRights_t rights, seL4_Word badge)
{
    return seL4_CNode_Mint(big_cn, dest, (seL4_Uint8)big_bits, big_cn, src, (seL4_Uint8)big_bits,
                           rights, badge);
}

/* ---- A thread in an address space of its own ---- */

/* Linker symbols (runtime/user.ld): the image starts with _start; what lies from the heap
 * on is the root task's own (heap, initial stack) and is not shared. */
extern char _start[], __heap_start[];

/* Maps a copy of the root-VSpace frame cap at va in vspace as well. */
static seL4_Error map_copy(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word va)
{
    seL4_CPtr copy = ipc_copy(frame, seL4_AllRights);
    if (!copy)
        return seL4_InvalidCapability;
    return kobj_map(copy, vspace, va, seL4_ReadWrite, seL4_ARM_Default_VMAttributes);
}

seL4_Error nset_space_new(struct nset_space *s, seL4_Word prio, const char *name)
{
    seL4_BootInfo *bi = kobj_bi();
    struct kobj_thread *t = &s->thread;
    seL4_Error err;
    s->vspace = kobj_new(seL4_ARM_VSpaceObject, 0);
    t->tcb = kobj_new(seL4_TCBObject, 0);
    if (!s->vspace || !t->tcb)
        return seL4_NotEnoughMemory;
    err = seL4_ARM_ASIDPool_Assign(seL4_CapInitThreadASIDPool, s->vspace);
    if (err != seL4_NoError)
        return err;

    /* The image's frames are in address order from the page of _start, without gaps. */
    seL4_Word base = (seL4_Word)_start & ~(seL4_Word)((1u << seL4_PageBits) - 1);
    seL4_Word frames = bi->userImageFrames.end - bi->userImageFrames.start;
    if (base + (frames << seL4_PageBits) < (seL4_Word)__heap_start)
        return seL4_RangeError;
    for (seL4_Word i = 0; base + (i << seL4_PageBits) < (seL4_Word)__heap_start; i++) {
        err = map_copy(bi->userImageFrames.start + i, s->vspace, base + (i << seL4_PageBits));
        if (err != seL4_NoError)
            return err;
    }

    /* IPC buffer and stack (upper half of a region, as kobj threads have), in both. */
    void *ipc = kobj_new_page(&t->ipc_frame);
    if (!ipc)
        return seL4_NotEnoughMemory;
    t->ipc_va = (seL4_Word)ipc;
    err = map_copy(t->ipc_frame, s->vspace, t->ipc_va);
    if (err != seL4_NoError)
        return err;
    seL4_Word region = kobj_va(2 * KOBJ_STACK);
    for (seL4_Word off = KOBJ_STACK; off < 2 * KOBJ_STACK; off += 1u << seL4_PageBits) {
        seL4_CPtr frame = kobj_new(seL4_ARM_SmallPageObject, 0);
        if (!frame)
            return seL4_NotEnoughMemory;
        err = kobj_map(frame, seL4_CapInitThreadVSpace, region + off, seL4_ReadWrite,
                       seL4_ARM_Default_VMAttributes);
        if (err == seL4_NoError)
            err = map_copy(frame, s->vspace, region + off);
        if (err != seL4_NoError)
            return err;
    }
    t->stack_top = region + 2 * KOBJ_STACK;

    err = seL4_TCB_Configure(t->tcb, seL4_CapNull, KOBJ_ROOT, 0, s->vspace, 0, t->ipc_va,
                             t->ipc_frame);
    if (err == seL4_NoError)
        err = seL4_TCB_SetPriority(t->tcb, seL4_CapInitThreadTCB, prio);
    if (err == seL4_NoError)
        seL4_DebugNameThread(t->tcb, name);
    return err;
}
