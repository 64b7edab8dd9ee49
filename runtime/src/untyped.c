/* The root task's untyped memory allocator (see rt/untyped.h). */
#include <rt/cspace.h>
#include <rt/untyped.h>

static struct rt_buddy buddy;
static bool ready;

/* Buddy callback: retypes the parent into two untyped halves in two adjacent fresh slots. */
static seL4_Error split(void *ctx, seL4_CPtr parent, unsigned size_bits, seL4_CPtr child[2])
{
    struct rt_cspace_range r;
    (void)ctx;
    seL4_Error err = rt_cspace_alloc_range(2, &r);
    if (err != seL4_NoError)
        return err;
    err = seL4_Untyped_Retype(parent, seL4_UntypedObject, size_bits - 1, r.root, r.node_index,
                              r.node_depth, r.node_offset, 2);
    if (err != seL4_NoError) {
        rt_cspace_free_range(&r);
        return err;
    }
    child[0] = r.first;
    child[1] = r.first + 1;
    return seL4_NoError;
}

/* Buddy callback: both halves are free; revoking the parent deletes them (and anything
 * still derived from them) and resets its watermark. Their slots are then empty. */
static seL4_Error merge(void *ctx, seL4_CPtr parent, unsigned size_bits, const seL4_CPtr child[2])
{
    (void)ctx;
    (void)size_bits;
    seL4_Error err = rt_cspace_revoke(parent);
    if (err != seL4_NoError)
        return err;
    rt_cspace_free(child[0]);
    rt_cspace_free(child[1]);
    return seL4_NoError;
}

/* Each non-device boot untyped becomes a root block; its cap stays in the boot CNode. */
seL4_Error rt_untyped_init(const seL4_BootInfo *bi)
{
    if (ready)
        return seL4_IllegalOperation;
    struct rt_buddy_ops ops = {split, merge, NULL};
    rt_buddy_init(&buddy, &ops);
    ready = true;
    seL4_Word n = bi->untyped.end - bi->untyped.start;
    for (seL4_Word i = 0; i < n && i < seL4_NumBootinfoUntypedCaps; i++) {
        const seL4_UntypedDesc *d = &bi->untypedList[i];
        if (d->isDevice)
            continue;
        seL4_Error err = rt_buddy_add(&buddy, bi->untyped.start + i, d->paddr, d->sizeBits);
        if (err == seL4_NotEnoughMemory)
            return err;
    }
    return seL4_NoError;
}

seL4_Error rt_untyped_alloc_block(unsigned size_bits, rt_block_id *id)
{
    if (!ready)
        return seL4_IllegalOperation;
    return rt_buddy_alloc(&buddy, size_bits, id);
}

seL4_Error rt_untyped_free_block(rt_block_id id)
{
    if (!ready)
        return seL4_IllegalOperation;
    seL4_CPtr cap = rt_buddy_cap(&buddy, id);
    if (cap == seL4_CapNull)
        return seL4_InvalidArgument;
    seL4_Error err = rt_cspace_revoke(cap);
    if (err != seL4_NoError)
        return err;
    rt_buddy_free(&buddy, id);
    return seL4_NoError;
}

seL4_CPtr rt_untyped_block_cap(rt_block_id id)
{
    return ready ? rt_buddy_cap(&buddy, id) : seL4_CapNull;
}

seL4_Error rt_untyped_alloc(unsigned size_bits, struct rt_untyped *ut)
{
    rt_block_id id;
    seL4_Error err = rt_untyped_alloc_block(size_bits, &id);
    if (err != seL4_NoError)
        return err;
    ut->id = id;
    ut->cap = rt_buddy_cap(&buddy, id);
    ut->paddr = rt_buddy_paddr(&buddy, id);
    ut->size_bits = rt_buddy_size_bits(&buddy, id);
    return seL4_NoError;
}

seL4_Error rt_untyped_free(struct rt_untyped *ut)
{
    seL4_Error err = rt_untyped_free_block(ut->id);
    if (err == seL4_NoError) {
        ut->cap = seL4_CapNull;
        ut->id = RT_BUDDY_NONE;
    }
    return err;
}

seL4_Word rt_untyped_free_bytes(void)
{
    return ready ? rt_buddy_free_bytes(&buddy) : 0;
}

seL4_Word rt_untyped_total_bytes(void)
{
    return ready ? rt_buddy_total_bytes(&buddy) : 0;
}

unsigned rt_untyped_largest_free(void)
{
    return ready ? rt_buddy_largest_free(&buddy) : 0;
}
