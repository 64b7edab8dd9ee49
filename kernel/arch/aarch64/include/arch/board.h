/*
 * QEMU `virt` board (AArch64, GICv2) as data. Every physical address the kernel uses is here.
 * Usable from assembly and C.
 */
#ifndef ARCH_BOARD_H
#define ARCH_BOARD_H

/* A 64-bit constant in C, a plain number in assembly. */
#ifdef __ASSEMBLER__
#define UL(x) x
#else
#define UL(x) x##ull
#endif

#define BOARD_UART_PA 0x09000000 /* PL011 */
#define BOARD_GICD_PA 0x08000000 /* GICv2 distributor */
#define BOARD_GICC_PA 0x08010000 /* GICv2 CPU interface */
#define BOARD_RAM_PA  UL(0x40000000)
/* QEMU 7.2 passes no device tree to an ELF kernel, so the RAM size is configured at build
 * time (CMake NS_RAM_MB); tools/qemu-run starts QEMU with the same -m. */
#ifndef BOARD_RAM_SIZE
#define BOARD_RAM_SIZE UL(0x40000000)
#endif
#define BOARD_KERNEL_PA 0x40200000 /* where the kernel image is linked and loaded */

/* Interrupt IDs (GIC INTIDs): PPIs 16..31, SPIs from 32. */
#define BOARD_IRQ_VTIMER 27 /* EL1 virtual timer: left to user level */
#define BOARD_IRQ_PTIMER 30 /* EL1 physical timer: the kernel tick */
#define BOARD_IRQ_UART   33
#define BOARD_NUM_IRQS   288

/* Kernel virtual layout: the whole physical address space is mapped, offset, in the upper
 * half (TTBR1). User address spaces own the lower half (TTBR0). */
#define KERNEL_VBASE UL(0xffff000000000000)
#define USER_VTOP    UL(0x0001000000000000) /* first address above user space */

#endif
