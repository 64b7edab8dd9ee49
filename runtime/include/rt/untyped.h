/*
 * The root task's untyped memory allocator.
 *
 * Initialised from the boot info's non-device untyped caps. A request for 2^n bytes takes a
 * free block of that size, or splits a larger one buddy-style: seL4_Untyped_Retype of the
 * block into two untyped halves of n-1 bits, repeated. Freeing a block revokes it (which
 * deletes every object made from it) and merges it with its buddy when that is free too:
 * seL4_CNode_Revoke on the parent deletes both halves and resets the parent's watermark.
 * Free memory is accounted exactly: after a set of blocks is freed, rt_untyped_free_bytes()
 * is what it was before they were allocated.
 *
 * The bookkeeping is rt/buddy.h (plain C); this layer adds the invocations and slots.
 * Root task only; not thread-safe.
 */
#ifndef RT_UNTYPED_H
#define RT_UNTYPED_H

#include <sel4/sel4.h>
#include <rt/buddy.h>

/* A block of untyped memory handed out by the allocator. */
struct rt_untyped {
    seL4_CPtr cap; /* untyped cap of exactly 2^size_bits bytes */
    seL4_Word paddr;
    rt_block_id id;
    unsigned size_bits;
};

/* Adds every non-device untyped of bi. Needs rt_cspace_init() first (splitting takes
 * slots). Returns seL4_IllegalOperation if already initialised. */
seL4_Error rt_untyped_init(const seL4_BootInfo *bi);
/* A block of 2^size_bits bytes (4 .. 47). Makes invocations; does not block. Returns
 * seL4_NotEnoughMemory if no free block is large enough, seL4_RangeError for a bad size,
 * or the error of a failed split. */
seL4_Error rt_untyped_alloc(unsigned size_bits, struct rt_untyped *ut);
/* Revokes the block (deleting everything retyped from it and every copy of those caps)
 * and returns it. If the revoke fails the block is kept out of use (leaked) and the error
 * returned. */
seL4_Error rt_untyped_free(struct rt_untyped *ut);

/* Bytes in free blocks, and in all blocks the allocator was given. */
seL4_Word rt_untyped_free_bytes(void);
seL4_Word rt_untyped_total_bytes(void);
/* The largest block that can be allocated now, as log2 bytes (0 if none). */
unsigned rt_untyped_largest_free(void);

/* Block-id forms of alloc/free, for the object layer. */
seL4_Error rt_untyped_alloc_block(unsigned size_bits, rt_block_id *id);
seL4_Error rt_untyped_free_block(rt_block_id id);
seL4_CPtr rt_untyped_block_cap(rt_block_id id);

#endif
