/*
 * Kernel objects from the untyped allocator.
 *
 * One object: a block of exactly the object's size is allocated and retyped into one fresh
 * slot; freeing revokes the block (deleting the object and every copy of its cap) and
 * returns it. A batch: `count` objects of one type retyped from one block of
 * 2^(object bits + ceil(log2 count)) bytes into contiguous slots of one CNode, at most
 * seL4_RetypeFanOutLimit per Retype call, freed together. Batches make thousands of
 * notifications or TCBs cheap (two caps of overhead per batch instead of per object); a
 * count that is not a power of two leaves the rest of the block unused until it is freed.
 *
 * Root task only; not thread-safe.
 */
#ifndef RT_OBJECT_H
#define RT_OBJECT_H

#include <sel4/sel4.h>
#include <rt/cspace.h>
#include <rt/untyped.h>

struct rt_object {
    seL4_CPtr cap;
    rt_block_id block;
};

struct rt_object_batch {
    seL4_CPtr first; /* cap of object i is first + i */
    seL4_Word count;
    rt_block_id block;
    struct rt_cspace_range slots;
};

/* Size of one object as log2 bytes (size_bits matters for untyped and CNodes only), or 0
 * for an unknown type or a size out of range. */
unsigned rt_object_bits(seL4_Word type, seL4_Word size_bits);

/* One object in a fresh slot. Returns seL4_InvalidArgument for an unknown type or size,
 * seL4_NotEnoughMemory when memory or slots run out, or a failed invocation's error. */
seL4_Error rt_object_alloc(seL4_Word type, seL4_Word size_bits, struct rt_object *obj);
/* Deletes the object (and every cap derived from it) and returns its memory. */
seL4_Error rt_object_free(struct rt_object *obj);

/* `count` (1 .. 4096) objects of one type in contiguous slots of one CNode. Errors as
 * rt_object_alloc, and seL4_RangeError for a bad count. */
seL4_Error rt_object_alloc_batch(seL4_Word type, seL4_Word size_bits, seL4_Word count,
                                 struct rt_object_batch *batch);
seL4_Error rt_object_free_batch(struct rt_object_batch *batch);

/* The same for object types this runtime does not know (the kernel patch's notification
 * set): obj_bits is the log2 size of one object, which the caller takes from the kernel's
 * headers. */
seL4_Error rt_object_alloc_sized(seL4_Word type, seL4_Word size_bits, unsigned obj_bits,
                                 struct rt_object *obj);
seL4_Error rt_object_alloc_batch_sized(seL4_Word type, seL4_Word size_bits, unsigned obj_bits,
                                       seL4_Word count, struct rt_object_batch *batch);

/* One object retyped into a given destination slot (used to place a CNode inside the
 * top-level CNode). *block receives the block to pass to rt_untyped_free_block. */
seL4_Error rt_object_alloc_at(seL4_Word type, seL4_Word size_bits,
                              const struct rt_cspace_range *dest, rt_block_id *block);

#endif
