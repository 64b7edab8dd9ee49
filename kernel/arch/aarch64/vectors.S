/*
 * The exception vector table, kernel entry from EL0 and the return to EL0.
 *
 * While a thread runs at EL0, SP_EL1 points just past its register frame inside its TCB,
 * so entry stores the user registers straight into the TCB, then switches to this core's
 * kernel stack (struct core, found through TPIDR_EL1). The kernel does not nest: interrupts
 * stay masked while it runs, and exceptions taken at EL1 are kernel bugs (panic), except
 * the one a semihosting call raises when QEMU runs without -semihosting.
 */
#include <arch/frame.h>

/* x0..x29 into the frame at sp. */
.macro save_gprs
    stp     x0, x1, [sp, #16 * 0]
    stp     x2, x3, [sp, #16 * 1]
    stp     x4, x5, [sp, #16 * 2]
    stp     x6, x7, [sp, #16 * 3]
    stp     x8, x9, [sp, #16 * 4]
    stp     x10, x11, [sp, #16 * 5]
    stp     x12, x13, [sp, #16 * 6]
    stp     x14, x15, [sp, #16 * 7]
    stp     x16, x17, [sp, #16 * 8]
    stp     x18, x19, [sp, #16 * 9]
    stp     x20, x21, [sp, #16 * 10]
    stp     x22, x23, [sp, #16 * 11]
    stp     x24, x25, [sp, #16 * 12]
    stp     x26, x27, [sp, #16 * 13]
    stp     x28, x29, [sp, #16 * 14]
.endm

.macro save_user_frame
    sub     sp, sp, #FRAME_SIZE
    save_gprs
    mrs     x21, sp_el0
    stp     x30, x21, [sp, #FRAME_X(30)]
    mrs     x22, elr_el1
    mrs     x23, spsr_el1
    stp     x22, x23, [sp, #FRAME_PC]
    mrs     x24, tpidr_el1
    ldr     x25, [x24, #CORE_KSTACK_TOP]
    mov     sp, x25
.endm

/* A frame of the interrupted kernel state on the kernel stack, for the panic dump. */
.macro save_kernel_frame
    sub     sp, sp, #FRAME_SIZE
    save_gprs
    add     x21, sp, #FRAME_SIZE
    stp     x30, x21, [sp, #FRAME_X(30)]
    mrs     x22, elr_el1
    mrs     x23, spsr_el1
    stp     x22, x23, [sp, #FRAME_PC]
.endm

.macro ventry target
    .balign 0x80
    b       \target
.endm

    .section .text.vectors, "ax"
    .balign 2048
    .global vectors
vectors:
    ventry  el1_bad         /* current EL, SP_EL0: never used */
    ventry  el1_bad
    ventry  el1_bad
    ventry  el1_bad
    ventry  el1_sync        /* current EL, SP_EL1 */
    ventry  el1_bad
    ventry  el1_bad
    ventry  el1_bad
    ventry  el0_sync        /* lower EL, AArch64 */
    ventry  el0_irq
    ventry  el0_bad
    ventry  el0_bad
    ventry  el0_bad         /* lower EL, AArch32: not supported */
    ventry  el0_bad
    ventry  el0_bad
    ventry  el0_bad

el0_sync:
    save_user_frame
    b       handle_el0_sync

el0_irq:
    save_user_frame
    b       handle_el0_irq

el0_bad:
    save_user_frame
    b       handle_el0_unexpected

el1_sync:
    save_kernel_frame
    mov     x0, sp
    bl      handle_el1_sync
    /* Returns only for the semihosting fallback, which never comes back either. */
    b       .

el1_bad:
    save_kernel_frame
    mov     x0, sp
    bl      handle_el1_unexpected
    b       .

/*
 * restore_user_frame(struct user_frame *frame): return to EL0 with the registers in
 * frame, leaving SP_EL1 just past it for the next entry. Does not return.
 */
    .section .text
    .global restore_user_frame
restore_user_frame:
    mov     sp, x0
    ldp     x21, x22, [sp, #FRAME_SP]
    ldr     x23, [sp, #FRAME_SPSR]
    msr     sp_el0, x21
    msr     elr_el1, x22
    msr     spsr_el1, x23
    ldp     x0, x1, [sp, #16 * 0]
    ldp     x2, x3, [sp, #16 * 1]
    ldp     x4, x5, [sp, #16 * 2]
    ldp     x6, x7, [sp, #16 * 3]
    ldp     x8, x9, [sp, #16 * 4]
    ldp     x10, x11, [sp, #16 * 5]
    ldp     x12, x13, [sp, #16 * 6]
    ldp     x14, x15, [sp, #16 * 7]
    ldp     x16, x17, [sp, #16 * 8]
    ldp     x18, x19, [sp, #16 * 9]
    ldp     x20, x21, [sp, #16 * 10]
    ldp     x22, x23, [sp, #16 * 11]
    ldp     x24, x25, [sp, #16 * 12]
    ldp     x26, x27, [sp, #16 * 13]
    ldp     x28, x29, [sp, #16 * 14]
    ldr     x30, [sp, #FRAME_X(30)]
    add     sp, sp, #FRAME_SIZE
    eret

/*
 * semihost_exit(code): SYS_EXIT_EXTENDED. When QEMU runs without -semihosting the HLT is
 * undefined; handle_el1_sync recognises semihost_hlt and falls back to PSCI.
 */
    .global semihost_exit
    .global semihost_hlt
semihost_exit:
    sub     sp, sp, #16
    ldr     x1, =0x20026                /* ADP_Stopped_ApplicationExit */
    stp     x1, x0, [sp]
    mov     x1, sp
    mov     x0, #0x20
semihost_hlt:
    hlt     #0xf000
    b       .

/* psci_system_off(use_smc): PSCI SYSTEM_OFF through the conduit QEMU provides. */
    .global psci_system_off
psci_system_off:
    mov     x1, x0
    ldr     x0, =0x84000008
    cbnz    x1, 1f
    hvc     #0
    b       .
1:  smc     #0
    b       .
