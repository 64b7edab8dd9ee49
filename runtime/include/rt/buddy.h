/*
 * Buddy bookkeeping of untyped memory: a forest of blocks, each a naturally aligned power of
 * two held by one untyped capability. Plain C, no system calls: the two operations that need
 * the kernel (split a block into halves, merge two free halves back) are callbacks, so the
 * host unit tests drive the same code with fakes.
 *
 *     root (2^n, from boot info)          a split block's halves are a pair of ids (2k, 2k+1);
 *       ├── 2^(n-1)  split                 free blocks sit on one list per size; freeing a
 *       │     ├── 2^(n-2) allocated        block whose buddy is free merges the two (the
 *       │     └── 2^(n-2) free             parent's merge callback revokes the parent cap)
 *       └── 2^(n-1)  free                  and repeats one level up.
 *
 * Ids are stable for the life of a block. Blocks are 2^RT_BUDDY_MIN_BITS .. 2^RT_BUDDY_MAX_BITS
 * bytes (the kernel's untyped limits).
 */
#ifndef RT_BUDDY_H
#define RT_BUDDY_H

#include <stdint.h>
#include <sel4/types.h>
#include <sel4/errors.h>

#define RT_BUDDY_MIN_BITS 4
#define RT_BUDDY_MAX_BITS 47
#define RT_BUDDY_NONE     UINT32_MAX

typedef uint32_t rt_block_id;

struct rt_buddy_ops {
    /* Creates caps for the two halves (size_bits - 1 each, lower half first) of the block
     * held by `parent`. Returns seL4_NoError with child[0..1] set, or an error having
     * changed nothing. May call back into the allocator (to grow the CSpace). */
    seL4_Error (*split)(void *ctx, seL4_CPtr parent, unsigned size_bits, seL4_CPtr child[2]);
    /* Both halves of `parent` are free: deletes them (their memory returns to the parent)
     * and releases their slots. An error leaves the halves in place. */
    seL4_Error (*merge)(void *ctx, seL4_CPtr parent, unsigned size_bits, const seL4_CPtr child[2]);
    void *ctx;
};

struct rt_buddy_block;

struct rt_buddy {
    /* Block storage: chunks of RT_BUDDY_CHUNK blocks, allocated as needed. */
    struct rt_buddy_block **chunks;
    uint32_t num_chunks;
    uint32_t chunk_capacity;
    uint32_t free_pairs; /* list of unused pairs of ids, linked through `next` */

    /* Free blocks: one doubly linked list per size, and the totals. */
    uint32_t free_head[RT_BUDDY_MAX_BITS + 1];
    uint64_t free_bytes;
    uint64_t total_bytes;

    struct rt_buddy_ops ops;
};

void rt_buddy_init(struct rt_buddy *b, const struct rt_buddy_ops *ops);
/* Releases the bookkeeping (not the untyped caps). */
void rt_buddy_destroy(struct rt_buddy *b);
/* Adds a free root block: cap holds 2^size_bits bytes at paddr. */
seL4_Error rt_buddy_add(struct rt_buddy *b, seL4_CPtr cap, seL4_Word paddr, unsigned size_bits);
/* Takes a block of exactly 2^size_bits bytes (size_bits below the minimum is rounded up),
 * splitting a larger one if needed. Returns seL4_NotEnoughMemory if nothing fits,
 * seL4_RangeError for a size above the maximum, or a split callback's error. */
seL4_Error rt_buddy_alloc(struct rt_buddy *b, unsigned size_bits, rt_block_id *id);
/* Returns an allocated block, merging it with free buddies as far as possible. */
void rt_buddy_free(struct rt_buddy *b, rt_block_id id);

seL4_CPtr rt_buddy_cap(const struct rt_buddy *b, rt_block_id id);
seL4_Word rt_buddy_paddr(const struct rt_buddy *b, rt_block_id id);
unsigned rt_buddy_size_bits(const struct rt_buddy *b, rt_block_id id);
/* Largest free block as log2 bytes, or 0 if nothing is free. */
unsigned rt_buddy_largest_free(const struct rt_buddy *b);

static inline uint64_t rt_buddy_free_bytes(const struct rt_buddy *b)
{
    return b->free_bytes;
}

static inline uint64_t rt_buddy_total_bytes(const struct rt_buddy *b)
{
    return b->total_bytes;
}

#endif
