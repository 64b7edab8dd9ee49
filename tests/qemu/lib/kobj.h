/*
 * A minimal kernel-object allocator for QEMU integration tests. It depends only on libsel4
 * and the boot info, never on runtime/ allocators, so a kernel bug cannot hide behind
 * runtime code.
 *
 *   slots   bump allocation over bi->empty of the root CNode (never reused)
 *   memory  first fit over the RAM untyped caps of the boot info, mirroring each one's
 *           watermark (objects are aligned to their size above it)
 *   VA      bump allocation in the root VSpace from KOBJ_VA_BASE, page tables made on
 *           demand
 *   threads TCB + IPC buffer frame + mapped stack in the root task's CSpace and VSpace
 *
 * Root CNode caps are named by slot number: invocations resolve a cptr with depth 64, and
 * CNode operations use (seL4_CapInitThreadCNode, slot, KOBJ_DEPTH).
 */
#ifndef KOBJ_H
#define KOBJ_H

#include <sel4/sel4.h>
#include <stdbool.h>

#define KOBJ_ROOT     seL4_CapInitThreadCNode
#define KOBJ_DEPTH    64
#define KOBJ_VA_BASE  0x100000000ull /* kobj_va() hands out addresses from 4 GiB up */
#define KOBJ_STACK    0x4000u        /* stack of a kobj thread */
#define KOBJ_RAM_BASE 0x40000000ull  /* QEMU virt */

/* The boot info (the first call reads it). */
seL4_BootInfo *kobj_bi(void);

/* One empty slot of the root CNode, or n consecutive ones (the first is returned).
 * Exhausting the CNode ends the test with a failure. */
seL4_CPtr kobj_slot(void);
seL4_CPtr kobj_slots(seL4_Word n);

/* log2 of the size in bytes of an object of type with size_bits (as Retype takes it). */
unsigned kobj_obj_bits(seL4_Word type, seL4_Word size_bits);

/* Retypes n objects of type/size_bits from some RAM boot untyped into n fresh consecutive
 * root slots; *first gets the first slot. Returns the error of the last Retype tried. */
seL4_Error kobj_alloc(seL4_Word type, seL4_Word size_bits, seL4_Word n, seL4_CPtr *first);
/* One object; 0 on failure. */
seL4_CPtr kobj_new(seL4_Word type, seL4_Word size_bits);
/* A private untyped of 2^size_bits bytes that a test may retype and revoke; 0 on failure. */
seL4_CPtr kobj_untyped(unsigned size_bits);

/* Retype into root slots [slot, slot + n) from untyped ut. */
static inline seL4_Error kobj_retype(seL4_CPtr ut, seL4_Word type, seL4_Word size_bits,
                                     seL4_CPtr slot, seL4_Word n)
{
    return seL4_Untyped_Retype(ut, type, size_bits, KOBJ_ROOT, KOBJ_ROOT, KOBJ_DEPTH, slot, n);
}

/* Root CNode shorthands. */
static inline seL4_Error kobj_copy(seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights)
{
    return seL4_CNode_Copy(KOBJ_ROOT, dest, KOBJ_DEPTH, KOBJ_ROOT, src, KOBJ_DEPTH, rights);
}

static inline seL4_Error kobj_delete(seL4_CPtr slot)
{
    return seL4_CNode_Delete(KOBJ_ROOT, slot, KOBJ_DEPTH);
}

static inline seL4_Error kobj_revoke(seL4_CPtr slot)
{
    return seL4_CNode_Revoke(KOBJ_ROOT, slot, KOBJ_DEPTH);
}

static inline seL4_Word kobj_type(seL4_CPtr slot)
{
    return seL4_DebugCapIdentify(slot);
}

/* Physical address of a frame cap (~0 on error). */
seL4_Word kobj_paddr(seL4_CPtr frame);

/* size bytes of fresh, unused virtual address space in the root VSpace, aligned to size
 * (a power of two, at least a page). */
seL4_Word kobj_va(seL4_Word size);

/* Maps frame at vaddr in vspace, making and mapping page tables while the kernel reports
 * a missing one (FailedLookup). Returns the error of the final Page_Map. */
seL4_Error kobj_map(seL4_CPtr frame, seL4_CPtr vspace, seL4_Word vaddr, seL4_CapRights_t rights,
                    seL4_Word attr);
/* A new 4 KiB frame mapped read-write, cacheable, at a fresh address of the root VSpace;
 * NULL on failure. *frame_out (if not NULL) gets its cap. */
void *kobj_new_page(seL4_CPtr *frame_out);

/* A thread in the root task's CSpace and VSpace. */
struct kobj_thread {
    seL4_CPtr tcb;       /* set before kobj_thread_new to use an existing TCB */
    seL4_CPtr ipc_frame; /* the IPC buffer's frame */
    seL4_Word ipc_va;    /* its address, also the thread's seL4_GetIPCBuffer() */
    seL4_Word stack_top;
};

/* Makes (unless t->tcb is set) and configures a TCB: root CSpace and VSpace, a fresh IPC
 * buffer and stack, priority prio, debug name. Not started. */
seL4_Error kobj_thread_new(struct kobj_thread *t, seL4_Word prio, const char *name);
/* Sets pc/sp/x0.. so that the thread will run fn(arg), without resuming it. When fn
 * returns the thread suspends itself. */
seL4_Error kobj_thread_prepare(struct kobj_thread *t, void (*fn)(seL4_Word), seL4_Word arg);
/* kobj_thread_prepare, then Resume. */
seL4_Error kobj_thread_start(struct kobj_thread *t, void (*fn)(seL4_Word), seL4_Word arg);

/* Yields until *p >= want; false if that did not happen within many yields. Only threads
 * at the caller's priority (or above) can make progress meanwhile. */
bool kobj_wait_until(volatile seL4_Word *p, seL4_Word want);

/* Runs a thread at priority prio (above the caller's) that loads from (or stores to) va.
 * Returns KOBJ_TOUCH_DONE if the access completed, KOBJ_TOUCH_FAULT if the thread started
 * but did not get past it (the kernel reports the fault on the console), KOBJ_TOUCH_ERROR
 * if the thread could not be run. The thread's TCB is deleted afterwards. */
enum { KOBJ_TOUCH_ERROR = -1, KOBJ_TOUCH_FAULT = 0, KOBJ_TOUCH_DONE = 1 };
int kobj_touch(seL4_Word va, bool write, seL4_Word prio);

/* Changes the calling (root) thread's priority. */
static inline seL4_Error kobj_set_my_prio(seL4_Word prio)
{
    return seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, prio);
}

#endif
