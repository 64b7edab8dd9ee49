/* The calling task's CSpace (see rt/cspace.h). */
#include <rt/cspace.h>
#include <rt/object.h>
#include <rt/slots.h>

static struct rt_slots slots;
static bool ready, two_level;
/* The slot holding the root CNode cap (the new root after the bootstrap). */
static seL4_CPtr root_cap = seL4_CapInitThreadCNode;
/* Guard bits of the root as the TCB sees it: 64 - radix (one level) or 64 - top - node. */
static unsigned root_guard_bits;

/* Node 0 is the boot CNode: all slots in use except the boot info's empty region. */
seL4_Error rt_cspace_init(const seL4_BootInfo *bi)
{
    if (ready)
        return seL4_IllegalOperation;
    seL4_Error err = rt_slots_init(&slots, (unsigned)bi->initThreadCNodeSizeBits);
    if (err != seL4_NoError)
        return err;
    rt_slots_add_free(&slots, bi->empty.start, bi->empty.end - bi->empty.start);
    root_guard_bits = seL4_WordBits - (unsigned)bi->initThreadCNodeSizeBits;
    ready = true;
    return seL4_NoError;
}

bool rt_cspace_is_two_level(void)
{
    return two_level;
}

seL4_CPtr rt_cspace_root(void)
{
    return root_cap;
}

seL4_Word rt_cspace_root_data(void)
{
    return seL4_CNode_CapData_new(0, root_guard_bits);
}

/* Retype destination of node idx: in two-level mode (index, depth) names the top-level
 * entry holding the node; with one level the node is the root itself, which slot
 * seL4_CapInitThreadCNode holds. */
static void node_destination(seL4_Word idx, struct rt_cspace_range *r)
{
    r->root = rt_cspace_root();
    if (two_level) {
        r->node_index = idx;
        r->node_depth = seL4_WordBits - slots.node_bits;
    } else {
        r->node_index = root_cap;
        r->node_depth = RT_CSPACE_DEPTH;
    }
}

struct rt_cspace_range rt_cspace_range_of(seL4_CPtr slot)
{
    struct rt_cspace_range r;
    r.first = slot;
    r.count = 1;
    node_destination(rt_slots_node_index(&slots, slot), &r);
    r.node_offset = rt_slots_node_offset(&slots, slot);
    return r;
}

seL4_Error rt_cspace_alloc_range(seL4_Word count, struct rt_cspace_range *r)
{
    seL4_CPtr first;
    if (!ready)
        return seL4_IllegalOperation;
    seL4_Error err = rt_slots_alloc(&slots, count, &first);
    if (err != seL4_NoError)
        return err;
    *r = rt_cspace_range_of(first);
    r->count = count;
    return seL4_NoError;
}

void rt_cspace_free_range(const struct rt_cspace_range *r)
{
    if (ready)
        rt_slots_free(&slots, r->first, r->count);
}

seL4_Error rt_cspace_alloc(seL4_CPtr *slot)
{
    if (!ready)
        return seL4_IllegalOperation;
    return rt_slots_alloc(&slots, 1, slot);
}

void rt_cspace_free(seL4_CPtr slot)
{
    if (ready)
        rt_slots_free(&slots, slot, 1);
}

seL4_Word rt_cspace_free_slots(void)
{
    return ready ? slots.free_slots : 0;
}

unsigned rt_cspace_num_nodes(void)
{
    return ready ? rt_slots_num_nodes(&slots) : 0;
}

seL4_Error rt_cspace_delete(seL4_CPtr slot)
{
    return seL4_CNode_Delete(rt_cspace_root(), slot, RT_CSPACE_DEPTH);
}

seL4_Error rt_cspace_revoke(seL4_CPtr slot)
{
    return seL4_CNode_Revoke(rt_cspace_root(), slot, RT_CSPACE_DEPTH);
}

seL4_Error rt_cspace_copy(seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights)
{
    return seL4_CNode_Copy(rt_cspace_root(), dest, RT_CSPACE_DEPTH, rt_cspace_root(), src,
                           RT_CSPACE_DEPTH, rights);
}

/* Slots callback: a second-level CNode retyped straight into top-level entry idx (the top
 * CNode is reached through slot seL4_CapInitThreadCNode at depth 64). */
static seL4_Error node_create(void *ctx, seL4_Word idx, uint32_t *handle)
{
    (void)ctx;
    struct rt_cspace_range dest = {
        .first = seL4_CapNull,
        .count = 1,
        .root = rt_cspace_root(),
        .node_index = root_cap,
        .node_depth = RT_CSPACE_DEPTH,
        .node_offset = idx,
    };
    return rt_object_alloc_at(seL4_CapTableObject, slots.node_bits, &dest, handle);
}

/* Slots callback: revoking the node's block deletes the CNode (empty by then). */
static void node_destroy(void *ctx, seL4_Word idx, uint32_t handle)
{
    (void)ctx;
    (void)idx;
    rt_untyped_free_block(handle);
}

/*
 * The switch (slot numbers are in the boot CNode, which stays reachable throughout):
 *   1. retype the top CNode T into a free boot slot;
 *   2. T[0] = copy of the boot CNode cap with guard 0 (cptrs < 4096 map onto it);
 *   3. G = copy of T with the guard that makes top + node bits + guard = 64;
 *   4. TCB_SetSpace(G): from here on lookups go through T;
 *   5. replace slot seL4_CapInitThreadCNode (the old root cap) by G.
 * Blocks only in the kernel's sense (invocations); returns the first error.
 */
seL4_Error rt_cspace_bootstrap(void)
{
    struct rt_object top;
    seL4_CPtr guarded;
    unsigned node_bits = slots.node_bits;
    unsigned guard = seL4_WordBits - RT_CSPACE_TOP_BITS - node_bits;

    if (!ready || two_level)
        return seL4_IllegalOperation;
    seL4_Error err = rt_object_alloc(seL4_CapTableObject, RT_CSPACE_TOP_BITS, &top);
    if (err != seL4_NoError)
        return err;
    err = seL4_CNode_Mint(top.cap, 0, RT_CSPACE_TOP_BITS, seL4_CapInitThreadCNode,
                          seL4_CapInitThreadCNode, RT_CSPACE_DEPTH, seL4_AllRights,
                          seL4_CNode_CapData_new(0, 0));
    if (err != seL4_NoError)
        goto fail_top;
    err = rt_cspace_alloc(&guarded);
    if (err != seL4_NoError)
        goto fail_top;
    err =
        seL4_CNode_Mint(seL4_CapInitThreadCNode, guarded, RT_CSPACE_DEPTH, seL4_CapInitThreadCNode,
                        top.cap, RT_CSPACE_DEPTH, seL4_AllRights, seL4_CNode_CapData_new(0, guard));
    if (err != seL4_NoError)
        goto fail_guarded;
    err = seL4_TCB_SetSpace(seL4_CapInitThreadTCB, seL4_CapNull, guarded,
                            seL4_CNode_CapData_new(0, guard), seL4_CapInitThreadVSpace, 0);
    if (err != seL4_NoError) {
        seL4_CNode_Delete(seL4_CapInitThreadCNode, guarded, RT_CSPACE_DEPTH);
        goto fail_guarded;
    }

    /* Switched: cptr 2 now reaches slot 2 of the boot CNode through T[0]. If moving G there
     * fails, G stays where it is and serves as the root. */
    two_level = true;
    root_guard_bits = guard;
    root_cap = guarded;
    err = seL4_CNode_Delete(guarded, seL4_CapInitThreadCNode, RT_CSPACE_DEPTH);
    if (err == seL4_NoError)
        err = seL4_CNode_Move(guarded, seL4_CapInitThreadCNode, RT_CSPACE_DEPTH, guarded, guarded,
                              RT_CSPACE_DEPTH);
    if (err == seL4_NoError) {
        root_cap = seL4_CapInitThreadCNode;
        rt_cspace_free(guarded);
    }

    struct rt_slots_ops ops = {node_create, node_destroy, NULL};
    return rt_slots_set_two_level(&slots, RT_CSPACE_TOP_BITS, RT_CSPACE_RESERVE, &ops);

fail_guarded:
    rt_cspace_free(guarded);
fail_top:
    rt_object_free(&top);
    return err;
}
