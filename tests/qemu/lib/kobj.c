/* The test allocator (see kobj.h). */
#include "kobj.h"
#include "testlib.h"
#include <runtime.h>
#include <stdio.h>

static seL4_BootInfo *bi;
static seL4_CPtr next_slot;
static seL4_Word va_next = KOBJ_VA_BASE;
/* Bytes of each boot untyped that kobj has used (the kernel's watermark, as far as we
 * know it). */
static seL4_Word ut_used[seL4_NumBootinfoUntypedCaps];

seL4_BootInfo *kobj_bi(void)
{
    if (!bi) {
        bi = rt_bootinfo();
        next_slot = bi->empty.start;
    }
    return bi;
}

seL4_CPtr kobj_slots(seL4_Word n)
{
    kobj_bi();
    if (n == 0 || next_slot + n > bi->empty.end) {
        CHECK(0, "kobj: the root CNode has enough empty slots");
        test_finish();
    }
    seL4_CPtr first = next_slot;
    next_slot += n;
    return first;
}

seL4_CPtr kobj_slot(void)
{
    return kobj_slots(1);
}

unsigned kobj_obj_bits(seL4_Word type, seL4_Word size_bits)
{
    return seL4_ObjectSizeBits(type, size_bits);
}

/* First fit over the RAM boot untypeds whose mirrored watermark leaves room. A Retype
 * the kernel refuses with NotEnoughMemory marks that untyped full and moves on. */
seL4_Error kobj_alloc(seL4_Word type, seL4_Word size_bits, seL4_Word n, seL4_CPtr *first)
{
    kobj_bi();
    seL4_Word size = (seL4_Word)1 << kobj_obj_bits(type, size_bits);
    seL4_Word count = bi->untyped.end - bi->untyped.start;
    seL4_Error err = seL4_NotEnoughMemory;
    seL4_CPtr dest = 0;

    for (seL4_Word i = 0; i < count; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        seL4_Word total = (seL4_Word)1 << d->sizeBits;
        seL4_Word base = (ut_used[i] + size - 1) & ~(size - 1);
        if (d->isDevice || base > total || n > (total - base) / size)
            continue;
        if (!dest)
            dest = kobj_slots(n);
        err = kobj_retype(bi->untyped.start + i, type, size_bits, dest, n);
        if (err == seL4_NoError) {
            ut_used[i] = base + n * size;
            *first = dest;
            return err;
        }
        if (err != seL4_NotEnoughMemory)
            return err;
        ut_used[i] = total;
    }
    return err;
}

seL4_CPtr kobj_new(seL4_Word type, seL4_Word size_bits)
{
    seL4_CPtr slot;
    return kobj_alloc(type, size_bits, 1, &slot) == seL4_NoError ? slot : 0;
}

seL4_CPtr kobj_untyped(unsigned size_bits)
{
    return kobj_new(seL4_UntypedObject, size_bits);
}

seL4_Word kobj_paddr(seL4_CPtr frame)
{
    seL4_ARM_Page_GetAddress_t r = seL4_ARM_Page_GetAddress(frame);
    return r.error == seL4_NoError ? r.paddr : ~(seL4_Word)0;
}

seL4_Word kobj_va(seL4_Word size)
{
    seL4_Word va = (va_next + size - 1) & ~(size - 1);
    va_next = va + size;
    return va;
}

seL4_Error kobj_map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr, seL4_CapRights_t rights,
                    seL4_Word attr)
{
    seL4_Error err = seL4_NoError;
    /* At most three tables (levels 1..3) can be missing below a VSpace. */
    for (int level = 0; level <= 3; level++) {
        err = seL4_ARM_Page_Map(frame, vspace, vaddr, rights, (seL4_ARM_VMAttributes)attr);
        if (err != seL4_FailedLookup || level == 3)
            break;
        seL4_CPtr pt = kobj_new(seL4_ARM_PageTableObject, 0);
        if (!pt)
            return seL4_NotEnoughMemory;
        seL4_Error pt_err =
            seL4_ARM_PageTable_Map(pt, vspace, vaddr, seL4_ARM_Default_VMAttributes);
        if (pt_err != seL4_NoError)
            return pt_err;
    }
    return err;
}

void *kobj_new_page(seL4_CPtr *frame_out)
{
    seL4_CPtr frame = kobj_new(seL4_ARM_SmallPageObject, 0);
    if (!frame)
        return NULL;
    seL4_Word va = kobj_va(1u << seL4_PageBits);
    if (kobj_map(frame, seL4_CapInitThreadVSpace, va, seL4_ReadWrite,
                 seL4_ARM_Default_VMAttributes) != seL4_NoError)
        return NULL;
    if (frame_out)
        *frame_out = frame;
    return (void *)va;
}

seL4_Error kobj_thread_new(struct kobj_thread *t, seL4_Word prio, const char *name)
{
    if (!t->tcb)
        t->tcb = kobj_new(seL4_TCBObject, 0);
    if (!t->tcb)
        return seL4_NotEnoughMemory;
    void *ipc = kobj_new_page(&t->ipc_frame);
    if (!ipc)
        return seL4_NotEnoughMemory;
    t->ipc_va = (seL4_Word)ipc;

    /* The stack is the upper half of a fresh region; the lower half stays unmapped, so an
     * overflow faults instead of corrupting a neighbour. */
    seL4_Word region = kobj_va(2 * KOBJ_STACK);
    for (seL4_Word off = KOBJ_STACK; off < 2 * KOBJ_STACK; off += 1u << seL4_PageBits) {
        seL4_CPtr frame = kobj_new(seL4_ARM_SmallPageObject, 0);
        if (!frame)
            return seL4_NotEnoughMemory;
        seL4_Error err = kobj_map(frame, seL4_CapInitThreadVSpace, region + off, seL4_ReadWrite,
                                  seL4_ARM_Default_VMAttributes);
        if (err != seL4_NoError)
            return err;
    }
    t->stack_top = region + 2 * KOBJ_STACK;

    seL4_Error err = seL4_TCB_Configure(t->tcb, seL4_CapNull, KOBJ_ROOT, 0,
                                        seL4_CapInitThreadVSpace, 0, t->ipc_va, t->ipc_frame);
    if (err != seL4_NoError)
        return err;
    err = seL4_TCB_SetPriority(t->tcb, seL4_CapInitThreadTCB, prio);
    if (err != seL4_NoError)
        return err;
    seL4_DebugNameThread(t->tcb, name);
    return seL4_NoError;
}

/* First code of every kobj thread (x0..x2 from kobj_thread_start): runs fn(arg), then
 * suspends itself. */
static __attribute__((noreturn)) void kobj_thread_entry(seL4_Word fn, seL4_Word arg, seL4_CPtr self)
{
    ((void (*)(seL4_Word))fn)(arg);
    seL4_TCB_Suspend(self);
    for (;;)
        seL4_Yield();
}

seL4_Error kobj_thread_prepare(struct kobj_thread *t, void (*fn)(seL4_Word), seL4_Word arg)
{
    seL4_UserContext regs = {0};
    regs.pc = (seL4_Word)kobj_thread_entry;
    regs.sp = t->stack_top;
    regs.x0 = (seL4_Word)fn;
    regs.x1 = arg;
    regs.x2 = t->tcb;
    /* pc, sp, spsr, x0, x1, x2: the first six words of seL4_UserContext. */
    return seL4_TCB_WriteRegisters(t->tcb, 0, 0, 6, &regs);
}

seL4_Error kobj_thread_start(struct kobj_thread *t, void (*fn)(seL4_Word), seL4_Word arg)
{
    seL4_Error err = kobj_thread_prepare(t, fn, arg);
    if (err != seL4_NoError)
        return err;
    return seL4_TCB_Resume(t->tcb);
}

bool kobj_wait_until(volatile seL4_Word *p, seL4_Word want)
{
    for (unsigned i = 0; i < 200000; i++) {
        if (*p >= want)
            return true;
        seL4_Yield();
    }
    return *p >= want;
}

struct touch {
    seL4_Word va;
    bool write;
    volatile seL4_Word started;
    volatile seL4_Word done;
};

static void touch_fn(seL4_Word arg)
{
    struct touch *t = (struct touch *)arg;
    volatile seL4_Word *p = (volatile seL4_Word *)t->va;
    t->started = 1;
    if (t->write)
        *p = 0x5a5a5a5a;
    else
        (void)*p;
    t->done = 1;
}

int kobj_touch(seL4_Word va, bool write, seL4_Word prio)
{
    struct touch req = {.va = va, .write = write};
    struct kobj_thread t = {0};
    if (kobj_thread_new(&t, prio, "toucher") != seL4_NoError ||
        kobj_thread_start(&t, touch_fn, (seL4_Word)&req) != seL4_NoError) {
        printf("kobj: could not start a thread to touch 0x%llx\n", (unsigned long long)va);
        return KOBJ_TOUCH_ERROR;
    }
    /* The thread outranks us: it has finished or faulted by now. */
    int result = !req.started ? KOBJ_TOUCH_ERROR : req.done ? KOBJ_TOUCH_DONE : KOBJ_TOUCH_FAULT;
    kobj_delete(t.tcb);
    return result;
}
