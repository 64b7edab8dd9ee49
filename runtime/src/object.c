/* Kernel objects from the untyped allocator (see rt/object.h). */
#include <rt/object.h>

unsigned rt_object_bits(seL4_Word type, seL4_Word size_bits)
{
    return seL4_ObjectSizeBits(type, size_bits);
}

/* A block of 2^bits bytes, retyped into one object at dest; the block is freed again if
 * the Retype fails. */
static seL4_Error retype_one(seL4_Word type, seL4_Word size_bits, unsigned bits,
                             const struct rt_cspace_range *dest, rt_block_id *block)
{
    if (bits < seL4_MinUntypedBits || bits > seL4_MaxUntypedBits)
        return seL4_InvalidArgument;
    seL4_Error err = rt_untyped_alloc_block(bits, block);
    if (err != seL4_NoError)
        return err;
    err = seL4_Untyped_Retype(rt_untyped_block_cap(*block), type, size_bits, dest->root,
                              dest->node_index, dest->node_depth, dest->node_offset, 1);
    if (err != seL4_NoError)
        rt_untyped_free_block(*block);
    return err;
}

seL4_Error rt_object_alloc_at(seL4_Word type, seL4_Word size_bits,
                              const struct rt_cspace_range *dest, rt_block_id *block)
{
    return retype_one(type, size_bits, rt_object_bits(type, size_bits), dest, block);
}

seL4_Error rt_object_alloc_sized(seL4_Word type, seL4_Word size_bits, unsigned obj_bits,
                                 struct rt_object *obj)
{
    seL4_CPtr slot;
    if (obj_bits < seL4_MinUntypedBits || obj_bits > seL4_MaxUntypedBits)
        return seL4_InvalidArgument;
    seL4_Error err = rt_cspace_alloc(&slot);
    if (err != seL4_NoError)
        return err;
    struct rt_cspace_range dest = rt_cspace_range_of(slot);
    err = retype_one(type, size_bits, obj_bits, &dest, &obj->block);
    if (err != seL4_NoError) {
        rt_cspace_free(slot);
        return err;
    }
    obj->cap = slot;
    return seL4_NoError;
}

seL4_Error rt_object_alloc(seL4_Word type, seL4_Word size_bits, struct rt_object *obj)
{
    return rt_object_alloc_sized(type, size_bits, rt_object_bits(type, size_bits), obj);
}

/* Revoking the block deletes the object's cap (a child of the block) and all its copies,
 * so the slot is empty afterwards and can be freed. */
seL4_Error rt_object_free(struct rt_object *obj)
{
    if (obj->cap == seL4_CapNull)
        return seL4_InvalidArgument;
    seL4_Error err = rt_untyped_free_block(obj->block);
    if (err != seL4_NoError)
        return err;
    rt_cspace_free(obj->cap);
    obj->cap = seL4_CapNull;
    obj->block = RT_BUDDY_NONE;
    return seL4_NoError;
}

static unsigned ceil_log2(seL4_Word n)
{
    unsigned bits = 0;
    while (((seL4_Word)1 << bits) < n)
        bits++;
    return bits;
}

/* Slots first (one contiguous range), then one block sized for all objects, then Retype
 * calls of at most seL4_RetypeFanOutLimit objects each, at increasing offsets. On failure
 * the block's revoke deletes whatever the earlier calls made. */
seL4_Error rt_object_alloc_batch_sized(seL4_Word type, seL4_Word size_bits, unsigned bits,
                                       seL4_Word count, struct rt_object_batch *batch)
{
    if (bits < seL4_MinUntypedBits || bits > seL4_MaxUntypedBits)
        return seL4_InvalidArgument;
    if (count == 0 || count > ((seL4_Word)1 << 24))
        return seL4_RangeError;
    if (bits + ceil_log2(count) > seL4_MaxUntypedBits)
        return seL4_RangeError;
    seL4_Error err = rt_cspace_alloc_range(count, &batch->slots);
    if (err != seL4_NoError)
        return err;
    err = rt_untyped_alloc_block(bits + ceil_log2(count), &batch->block);
    if (err != seL4_NoError) {
        rt_cspace_free_range(&batch->slots);
        return err;
    }
    seL4_CPtr ut = rt_untyped_block_cap(batch->block);
    const struct rt_cspace_range *r = &batch->slots;
    for (seL4_Word done = 0; done < count; done += seL4_RetypeFanOutLimit) {
        seL4_Word n = count - done < seL4_RetypeFanOutLimit ? count - done : seL4_RetypeFanOutLimit;
        err = seL4_Untyped_Retype(ut, type, size_bits, r->root, r->node_index, r->node_depth,
                                  r->node_offset + done, n);
        if (err != seL4_NoError) {
            /* The revoke in free_block deletes what the earlier calls made. */
            rt_untyped_free_block(batch->block);
            rt_cspace_free_range(&batch->slots);
            return err;
        }
    }
    batch->first = r->first;
    batch->count = count;
    return seL4_NoError;
}

seL4_Error rt_object_alloc_batch(seL4_Word type, seL4_Word size_bits, seL4_Word count,
                                 struct rt_object_batch *batch)
{
    return rt_object_alloc_batch_sized(type, size_bits, rt_object_bits(type, size_bits), count,
                                       batch);
}

seL4_Error rt_object_free_batch(struct rt_object_batch *batch)
{
    if (batch->count == 0)
        return seL4_InvalidArgument;
    seL4_Error err = rt_untyped_free_block(batch->block);
    if (err != seL4_NoError)
        return err;
    rt_cspace_free_range(&batch->slots);
    batch->count = 0;
    batch->first = seL4_CapNull;
    return seL4_NoError;
}
