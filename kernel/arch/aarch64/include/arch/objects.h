/*
 * AArch64 parts of the object model: frames, page tables, VSpaces and ASID pools, and the
 * per-thread machine state (address space, TLS registers, FPU).
 */
#ifndef ARCH_OBJECTS_H
#define ARCH_OBJECTS_H

#include <object/cap.h>
#include <sel4/objecttype.h>

struct tcb;

/* Cap-level hooks of the generic object code. */
struct cap arch_derive_cap(struct cap c, int *err);
void arch_finalise_cap(struct cap c);
struct cap arch_object_create(seL4_ObjectType type, void *obj, bool device);

/* Is c a VSpace cap with a live ASID (usable as a thread's address space)? */
bool arch_is_valid_vspace(struct cap c);
/* Makes t's address space current (an empty one if t has no valid VSpace). */
void arch_set_vm_root(struct tcb *t);
/* Sets t's TLS base (TPIDR_EL0) and IPC buffer register (TPIDRRO_EL0). */
void arch_tcb_set_tls(struct tcb *t, word_t base);
void arch_tcb_set_ipc_buffer(struct tcb *t, word_t va);

/* Lazy FPU switching: the FPU holds the registers of at most one thread. */
void fpu_release(struct tcb *t);
/* Handles an FP/SIMD access trap of the current thread. */
void fpu_trap(struct tcb *t);
/* On a thread switch: FP/SIMD use traps unless next owns the FPU. */
void fpu_switch(struct tcb *next);

#endif
