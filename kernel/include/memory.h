/* Physical memory and the kernel's window onto it. */
#ifndef KERNEL_MEMORY_H
#define KERNEL_MEMORY_H

#include <types.h>
#include <arch/board.h>

static inline void *paddr_to_kva(paddr_t pa)
{
    return (void *)(uintptr_t)(pa + KERNEL_VBASE);
}

static inline paddr_t kva_to_paddr(const void *va)
{
    return (paddr_t)(uintptr_t)va - KERNEL_VBASE;
}

/* Boot-time memory: a bump allocator over the RAM after the kernel image. Only the boot
 * code allocates from it, for the root task's initial objects; what is left is handed to
 * the root task as untyped memory. */
void bootmem_init(paddr_t start, paddr_t end);
/* Returns zeroed physical memory of size bytes aligned to align; panics when exhausted
 * (boot cannot continue without it). */
paddr_t bootmem_alloc(size_t size, size_t align);
/* The part of RAM not yet allocated: [*start, *end). */
void bootmem_remaining(paddr_t *start, paddr_t *end);

#endif
