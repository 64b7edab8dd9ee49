/*
 * The saved user register frame, shared by exception entry/exit (assembly) and C.
 * A thread's frame lives in its TCB. While a thread runs at EL0, SP_EL1 points just past its
 * frame, so exception entry stores the registers straight into the TCB (as seL4 does).
 *
 *   0x000  x0 .. x30      (31 words)
 *   0x0f8  sp_el0
 *   0x100  elr_el1        (the user pc)
 *   0x108  spsr_el1
 *   0x110  tpidr_el0      (user TLS, saved on thread switch only)
 *   0x118  tpidrro_el0    (read-only TLS, written by the kernel)
 *   0x120  fault_ip       (pc to restart a syscall from)
 *   0x128  (pad)
 */
#ifndef ARCH_FRAME_H
#define ARCH_FRAME_H

#define FRAME_X(n)     ((n)*8)
#define FRAME_SP       0x0f8
#define FRAME_PC       0x100
#define FRAME_SPSR     0x108
#define FRAME_TPIDR    0x110
#define FRAME_TPIDRRO  0x118
#define FRAME_FAULT_IP 0x120
#define FRAME_SIZE     0x130

/* Offset of the kernel stack top in struct core (TPIDR_EL1 points at it). */
#define CORE_KSTACK_TOP 0x0

#ifndef __ASSEMBLER__
#include <stdint.h>
#include <stddef.h>

struct user_frame {
    uint64_t x[31];
    uint64_t sp;
    uint64_t pc;
    uint64_t spsr;
    uint64_t tpidr;
    uint64_t tpidrro;
    uint64_t fault_ip;
    uint64_t pad;
};

_Static_assert(offsetof(struct user_frame, x[30]) == FRAME_X(30), "frame x30");
_Static_assert(offsetof(struct user_frame, sp) == FRAME_SP, "frame sp");
_Static_assert(offsetof(struct user_frame, pc) == FRAME_PC, "frame pc");
_Static_assert(offsetof(struct user_frame, spsr) == FRAME_SPSR, "frame spsr");
_Static_assert(offsetof(struct user_frame, tpidr) == FRAME_TPIDR, "frame tpidr");
_Static_assert(offsetof(struct user_frame, tpidrro) == FRAME_TPIDRRO, "frame tpidrro");
_Static_assert(offsetof(struct user_frame, fault_ip) == FRAME_FAULT_IP, "frame fault_ip");
_Static_assert(sizeof(struct user_frame) == FRAME_SIZE, "frame size");
_Static_assert(FRAME_SIZE % 16 == 0, "frame keeps sp 16-byte aligned");

/* SPSR for a thread entering EL0 (AArch64, SP_EL0, interrupts unmasked). */
#define SPSR_EL0T 0x0

#endif
#endif
