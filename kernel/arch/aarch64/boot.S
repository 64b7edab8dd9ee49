/*
 * Kernel entry from QEMU (or any loader that enters at EL2 or EL1 with the MMU off).
 *
 * 1. If entered at EL2, configure EL2 to stay out of the way (AArch64 EL1, EL1 owns the
 *    physical timer, no FP traps) and drop to EL1.
 * 2. Build the boot translation tables: one L0 table and one L1 table of 1 GiB blocks that
 *    map physical memory both at its own address (TTBR0, needed only while we jump) and at
 *    KERNEL_VBASE + pa (TTBR1, the kernel's permanent window):
 *
 *        L1[0]        0x0000_0000 .. 1 GiB   device nGnRnE (GIC, UART, other MMIO)
 *        L1[1..n]     RAM, 1 GiB each        normal write-back
 *
 * 3. Turn the MMU on, jump to the upper-half address, set the boot stack and vector table,
 *    zero .bss and call kernel_main(boot_el).
 */
#include <arch/board.h>

#define PTE_TABLE       0x3
#define PTE_BLOCK       0x1
#define PTE_AF          (1 << 10)
#define PTE_SH_INNER    (3 << 8)
#define PTE_ATTR(i)     ((i) << 2)
#define PTE_PXN         (1 << 53)
#define PTE_UXN         (1 << 54)

#define DEVICE_BLOCK    (PTE_BLOCK | PTE_AF | PTE_ATTR(0) | PTE_PXN | PTE_UXN)
#define NORMAL_BLOCK    (PTE_BLOCK | PTE_AF | PTE_SH_INNER | PTE_ATTR(1) | PTE_UXN)
#define RAM_GIB         ((BOARD_RAM_SIZE + 0x3fffffff) >> 30)

/* MAIR: attr0 device nGnRnE, attr1 normal write-back, attr2 normal non-cacheable. */
#define MAIR_VALUE      0x44ff00
/* TCR: 48-bit VA in both halves, 4 KiB granules, inner-shareable write-back walks;
 * IPS is filled in from ID_AA64MMFR0_EL1. */
#define TCR_VALUE       (16 | (1 << 8) | (1 << 10) | (3 << 12) | (16 << 16) | (1 << 24) | \
                         (1 << 26) | (3 << 28) | (2 << 30))
/* SCTLR_EL1: RES1 bits, MMU, caches, SP alignment checks, EL0 may use DC ZVA, CTR_EL0,
 * cache maintenance, WFI and WFE without trapping. */
#define SCTLR_RES1      0x30d00800
#define SCTLR_VALUE     (SCTLR_RES1 | 0x1 | 0x4 | 0x8 | 0x10 | 0x1000 | 0x4000 | 0x8000 | \
                         0x10000 | 0x40000 | 0x4000000)

    .section .text.boot, "ax"
    .global _start
_start:
    msr     daifset, #0xf
    mrs     x19, CurrentEL
    ubfx    x19, x19, #2, #2            /* x19 = boot EL, kept for kernel_main */
    cmp     x19, #2
    b.ne    el1_entry

    /* EL2: AArch64 EL1, no stage 2, EL1 owns the physical timer and counter. */
    mov     x1, #(1 << 31)
    msr     hcr_el2, x1
    mrs     x1, cnthctl_el2
    orr     x1, x1, #3
    msr     cnthctl_el2, x1
    msr     cntvoff_el2, xzr
    mov     x1, #0x33ff
    msr     cptr_el2, x1
    msr     hstr_el2, xzr
    mrs     x1, midr_el1
    msr     vpidr_el2, x1
    mrs     x1, mpidr_el1
    msr     vmpidr_el2, x1
    ldr     x1, =SCTLR_RES1
    msr     sctlr_el1, x1
    mov     x1, #0x3c5                  /* EL1h, DAIF masked */
    msr     spsr_el2, x1
    adr     x1, el1_entry
    msr     elr_el2, x1
    eret

el1_entry:
    /* Boot tables (physical addresses: adrp is PC-relative and we run at the load address). */
    adrp    x0, boot_l0
    adrp    x1, boot_l1
    orr     x2, x1, #PTE_TABLE
    str     x2, [x0]
    ldr     x2, =DEVICE_BLOCK
    str     x2, [x1]
    ldr     x5, =NORMAL_BLOCK
    mov     x3, #1
1:  lsl     x4, x3, #30
    orr     x4, x4, x5
    str     x4, [x1, x3, lsl #3]
    add     x3, x3, #1
    cmp     x3, #(1 + RAM_GIB)
    b.lt    1b

    ldr     x1, =MAIR_VALUE
    msr     mair_el1, x1
    ldr     x1, =TCR_VALUE
    mrs     x2, id_aa64mmfr0_el1
    and     x3, x2, #7
    bfi     x1, x3, #32, #3             /* IPS: the CPU's physical address size */
    orr     x1, x1, #(1 << 36)          /* AS: 16-bit ASIDs (checked in arch_cpu_init) */
    msr     tcr_el1, x1
    msr     ttbr0_el1, x0
    msr     ttbr1_el1, x0
    isb
    tlbi    vmalle1
    dsb     nsh
    isb
    ldr     x1, =SCTLR_VALUE
    msr     sctlr_el1, x1
    isb
    ldr     x1, =start_high
    br      x1

start_high:
    ldr     x1, =boot_stack_top
    mov     sp, x1
    ldr     x1, =vectors
    msr     vbar_el1, x1
    isb
    ldr     x1, =__bss_start
    ldr     x2, =__bss_end
2:  cmp     x1, x2
    b.hs    3f
    str     xzr, [x1], #8
    b       2b
3:  mov     x0, x19
    bl      kernel_main
    b       .

    /* Boot translation tables live in .data so the loader writes them as zeroes. */
    .section .data.boot_tables, "aw"
    .balign 4096
    .global boot_l0
boot_l0:
    .fill   512, 8, 0
    .global boot_l1
boot_l1:
    .fill   512, 8, 0

    .section .bss.boot_stack, "aw", %nobits
    .balign 16
    .global boot_stack_bottom
boot_stack_bottom:
    .space  16384
    .global boot_stack_top
boot_stack_top:
