/* MMIO access through the kernel's device window. */
#ifndef ARCH_MMIO_H
#define ARCH_MMIO_H

#include <stdint.h>
#include <arch/board.h>

#define MMIO_VA(pa) ((uintptr_t)KERNEL_VBASE + (uintptr_t)(pa))

static inline uint32_t mmio_read32(uintptr_t va)
{
    return *(volatile uint32_t *)va;
}

static inline void mmio_write32(uintptr_t va, uint32_t v)
{
    *(volatile uint32_t *)va = v;
}

#endif
