/*
 * Bookkeeping of CSpace slots, plain C with no system calls (host unit tests link it).
 *
 * The CSpace is a top-level CNode of 2^top_bits entries, each empty or holding a
 * second-level CNode ("node") of 2^node_bits slots; a slot's cptr is
 * (node index << node_bits) | slot offset. A single-level CSpace is the same with
 * top_bits = 0 and node 0 only. Each node has an occupancy bitmap.
 *
 * Nodes are created and destroyed through callbacks. The allocator keeps at least `reserve`
 * free slots: it creates a node when an allocation would go below that (so creating a node,
 * which itself needs slots to split untyped memory, always finds some), and destroys a node
 * other than node 0 once it is completely free and the rest still hold the reserve. After a
 * burst of allocations is freed again, the CSpace therefore returns to the nodes it had.
 * Slots are taken from the lowest-numbered node with room, so long-lived caps collect in the
 * first nodes and a node filled by a burst can drain and be given back.
 */
#ifndef RT_SLOTS_H
#define RT_SLOTS_H

#include <stdbool.h>
#include <stdint.h>
#include <sel4/types.h>
#include <sel4/errors.h>

struct rt_slots_ops {
    /* Creates node `index` in the top-level CNode; *handle is passed back to destroy.
     * May allocate slots from the same allocator (they come from the reserve). */
    seL4_Error (*create)(void *ctx, seL4_Word index, uint32_t *handle);
    /* Destroys node `index`, whose slots are all free. May free slots (re-entrantly). */
    void (*destroy)(void *ctx, seL4_Word index, uint32_t handle);
    void *ctx;
};

struct rt_slot_node {
    uint64_t *used; /* 2^node_bits bits, set = in use */
    uint32_t free;  /* clear bits */
    uint32_t handle;
};

struct rt_slots {
    unsigned node_bits;
    unsigned top_bits;           /* 0: single level, node 0 only */
    struct rt_slot_node **nodes; /* 2^top_bits entries, NULL where no node exists */
    uint64_t free_slots;         /* over every node */
    uint64_t reserve;
    uint32_t num_empty; /* nodes other than node 0 with every slot free */
    uint32_t lowest;    /* no node below this index has a free slot */
    bool growing;       /* inside ops.create: no nested growth, no destruction */
    struct rt_slots_ops ops;
};

/* A single-level CSpace of one node (2^node_bits slots, all in use until rt_slots_add_free
 * says otherwise). Returns seL4_NotEnoughMemory if malloc fails. */
seL4_Error rt_slots_init(struct rt_slots *s, unsigned node_bits);
void rt_slots_destroy(struct rt_slots *s);
/* Marks [first, first + count) of node 0 free (the boot CNode's empty region). */
void rt_slots_add_free(struct rt_slots *s, seL4_CPtr first, seL4_Word count);
/* Turns the CSpace into a two-level one of 2^top_bits nodes (node 0 stays what it was); new
 * nodes are made through ops, keeping `reserve` slots free. */
seL4_Error rt_slots_set_two_level(struct rt_slots *s, unsigned top_bits, uint64_t reserve,
                                  const struct rt_slots_ops *ops);
/* Allocates `count` contiguous slots within one node; *first is the first cptr. Returns
 * seL4_RangeError if count is 0 or larger than a node, seL4_NotEnoughMemory if no node has
 * room and none can be made, or the create callback's error. */
seL4_Error rt_slots_alloc(struct rt_slots *s, seL4_Word count, seL4_CPtr *first);
/* Frees [first, first + count); slots that are not in use are ignored. */
void rt_slots_free(struct rt_slots *s, seL4_CPtr first, seL4_Word count);
bool rt_slots_in_use(const struct rt_slots *s, seL4_CPtr slot);

static inline seL4_Word rt_slots_node_index(const struct rt_slots *s, seL4_CPtr cptr)
{
    return cptr >> s->node_bits;
}

static inline seL4_Word rt_slots_node_offset(const struct rt_slots *s, seL4_CPtr cptr)
{
    return cptr & (((seL4_Word)1 << s->node_bits) - 1);
}

/* Number of nodes that exist (node 0 included). */
unsigned rt_slots_num_nodes(const struct rt_slots *s);

#endif
