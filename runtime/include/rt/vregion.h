/*
 * Address-range bookkeeping of one virtual address space: a sorted list of disjoint
 * regions [start, end). Plain C, no system calls (host unit tests link it). Region records
 * are embedded in the owner's structures (intrusive list), so this file never allocates.
 */
#ifndef RT_VREGION_H
#define RT_VREGION_H

#include <stdbool.h>
#include <sel4/types.h>
#include <sel4/errors.h>

struct rt_vregion {
    seL4_Word start, end; /* [start, end), page aligned by the callers */
    struct rt_vregion *prev, *next;
};

struct rt_vregions {
    struct rt_vregion *head; /* lowest address first */
    seL4_Word lo, hi;        /* window that rt_vregions_find hands out from */
};

void rt_vregions_init(struct rt_vregions *rs, seL4_Word lo, seL4_Word hi);
/* Inserts r covering [start, start + size). Returns seL4_DeleteFirst if it would overlap a
 * region, seL4_InvalidArgument for an empty or wrapping range. */
seL4_Error rt_vregions_insert(struct rt_vregions *rs, struct rt_vregion *r, seL4_Word start,
                              seL4_Word size);
/* Finds the lowest free range of `size` bytes aligned to 2^align_bits inside the window.
 * Returns seL4_NotEnoughMemory if there is none. Does not insert anything. */
seL4_Error rt_vregions_find(const struct rt_vregions *rs, seL4_Word size, unsigned align_bits,
                            seL4_Word *start);
/* The region containing addr, or NULL. */
struct rt_vregion *rt_vregions_lookup(const struct rt_vregions *rs, seL4_Word addr);
void rt_vregions_remove(struct rt_vregions *rs, struct rt_vregion *r);

#endif
