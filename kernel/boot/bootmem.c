/* The boot allocator (see memory.h). */
#include <memory.h>
#include <kstring.h>
#include <printk.h>

static paddr_t bootmem_next;
static paddr_t bootmem_end;

void bootmem_init(paddr_t start, paddr_t end)
{
    bootmem_next = ALIGN_UP(start, PAGE_SIZE);
    bootmem_end = end;
}

paddr_t bootmem_alloc(size_t size, size_t align)
{
    paddr_t p = ALIGN_UP(bootmem_next, align);
    if (p + size > bootmem_end || p + size < p)
        panic("boot memory exhausted (%zu bytes wanted)", size);
    bootmem_next = p + size;
    memset(paddr_to_kva(p), 0, size);
    return p;
}

void bootmem_remaining(paddr_t *start, paddr_t *end)
{
    *start = bootmem_next;
    *end = bootmem_end;
}
