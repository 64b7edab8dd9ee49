/* Bookkeeping of CSpace slots (see rt/slots.h). */
#include <stdlib.h>
#include <string.h>
#include <rt/bitmap.h>
#include <rt/slots.h>

static seL4_Word node_size(const struct rt_slots *s)
{
    return (seL4_Word)1 << s->node_bits;
}

static seL4_Word num_entries(const struct rt_slots *s)
{
    return (seL4_Word)1 << s->top_bits;
}

static struct rt_slot_node *node_new(const struct rt_slots *s, bool all_used)
{
    size_t bytes = rt_bitmap_words(node_size(s)) * sizeof(uint64_t);
    struct rt_slot_node *n = malloc(sizeof(*n));
    if (!n)
        return NULL;
    n->used = malloc(bytes);
    if (!n->used) {
        free(n);
        return NULL;
    }
    memset(n->used, all_used ? 0xff : 0, bytes);
    n->free = all_used ? 0 : (uint32_t)node_size(s);
    n->handle = 0;
    return n;
}

static void node_delete(struct rt_slot_node *n)
{
    free(n->used);
    free(n);
}

seL4_Error rt_slots_init(struct rt_slots *s, unsigned node_bits)
{
    memset(s, 0, sizeof(*s));
    if (node_bits == 0 || node_bits > 24)
        return seL4_RangeError;
    s->node_bits = node_bits;
    s->nodes = calloc(1, sizeof(*s->nodes));
    if (!s->nodes)
        return seL4_NotEnoughMemory;
    s->nodes[0] = node_new(s, true);
    if (!s->nodes[0]) {
        free(s->nodes);
        s->nodes = NULL;
        return seL4_NotEnoughMemory;
    }
    return seL4_NoError;
}

void rt_slots_destroy(struct rt_slots *s)
{
    if (!s->nodes)
        return;
    for (seL4_Word i = 0; i < num_entries(s); i++)
        if (s->nodes[i])
            node_delete(s->nodes[i]);
    free(s->nodes);
    s->nodes = NULL;
}

void rt_slots_add_free(struct rt_slots *s, seL4_CPtr first, seL4_Word count)
{
    struct rt_slot_node *n = s->nodes[0];
    if (first >= node_size(s))
        return;
    if (count > node_size(s) - first)
        count = node_size(s) - first;
    size_t used = rt_bitmap_count(n->used, first, count);
    rt_bitmap_clear(n->used, first, count);
    n->free += (uint32_t)used;
    s->free_slots += used;
}

seL4_Error rt_slots_set_two_level(struct rt_slots *s, unsigned top_bits, uint64_t reserve,
                                  const struct rt_slots_ops *ops)
{
    if (s->top_bits != 0 || top_bits == 0 || top_bits + s->node_bits > 32)
        return seL4_RangeError;
    size_t n = (size_t)1 << top_bits;
    struct rt_slot_node **nodes = realloc(s->nodes, n * sizeof(*nodes));
    if (!nodes)
        return seL4_NotEnoughMemory;
    memset(nodes + 1, 0, (n - 1) * sizeof(*nodes));
    s->nodes = nodes;
    s->top_bits = top_bits;
    s->reserve = reserve;
    s->ops = *ops;
    return seL4_NoError;
}

static bool can_grow(const struct rt_slots *s)
{
    return s->top_bits > 0 && s->ops.create && !s->growing;
}

/* Creates a node at the lowest free top-level index. Nested
 * allocations made by the create callback are served from the existing nodes. */
static seL4_Error grow(struct rt_slots *s)
{
    seL4_Word idx;
    for (idx = 1; idx < num_entries(s) && s->nodes[idx]; idx++)
        ;
    if (idx >= num_entries(s))
        return seL4_NotEnoughMemory;
    struct rt_slot_node *n = node_new(s, false);
    if (!n)
        return seL4_NotEnoughMemory;
    s->growing = true;
    seL4_Error err = s->ops.create(s->ops.ctx, idx, &n->handle);
    s->growing = false;
    if (err != seL4_NoError) {
        node_delete(n);
        return err;
    }
    s->nodes[idx] = n;
    s->free_slots += node_size(s);
    s->num_empty++;
    if (idx < s->lowest)
        s->lowest = (uint32_t)idx;
    return seL4_NoError;
}

/* Finds `count` free slots in node idx; returns their offset or node_size if none. */
static seL4_Word find_in(const struct rt_slots *s, seL4_Word idx, seL4_Word count)
{
    const struct rt_slot_node *n = s->nodes[idx];
    if (!n || n->free < count)
        return node_size(s);
    return rt_bitmap_find_clear(n->used, node_size(s), 0, count);
}

/* The lowest node with `count` contiguous free slots; returns its index (and the offset)
 * or num_entries if none has room. Single slots start at `lowest`, below which every node
 * is full; ranges look at every node, since free slots need not be contiguous. */
static seL4_Word find_node(struct rt_slots *s, seL4_Word count, seL4_Word *offset)
{
    for (seL4_Word i = count == 1 ? s->lowest : 0; i < num_entries(s); i++) {
        *offset = find_in(s, i, count);
        if (*offset < node_size(s)) {
            if (count == 1)
                s->lowest = (uint32_t)i;
            return i;
        }
    }
    if (count == 1)
        s->lowest = (uint32_t)num_entries(s);
    return num_entries(s);
}

/* Grows first if the allocation would dip into the reserve, then takes the lowest node
 * with room; if none has room, grows once more (a range may need an empty node). */
seL4_Error rt_slots_alloc(struct rt_slots *s, seL4_Word count, seL4_CPtr *first)
{
    seL4_Word idx, offset = 0;
    if (count == 0 || count > node_size(s))
        return seL4_RangeError;
    /* Keep the reserve: grow before dipping into it (a failure here is not fatal yet). */
    if (can_grow(s) && s->free_slots < s->reserve + count)
        (void)grow(s);
    idx = find_node(s, count, &offset);
    if (idx == num_entries(s)) {
        if (!can_grow(s))
            return seL4_NotEnoughMemory;
        seL4_Error err = grow(s);
        if (err != seL4_NoError)
            return err;
        idx = find_node(s, count, &offset);
        if (idx == num_entries(s))
            return seL4_NotEnoughMemory;
    }
    struct rt_slot_node *n = s->nodes[idx];
    if (idx != 0 && n->free == node_size(s))
        s->num_empty--;
    rt_bitmap_set(n->used, offset, count);
    n->free -= (uint32_t)count;
    s->free_slots -= count;
    *first = (idx << s->node_bits) | offset;
    return seL4_NoError;
}

/* Destroys empty nodes while the others hold the reserve. The bookkeeping is final before
 * each callback, which may free slots (and so come back here) re-entrantly. */
static void release_empty(struct rt_slots *s)
{
    while (s->num_empty > 0 && !s->growing && s->free_slots - node_size(s) >= s->reserve) {
        seL4_Word idx;
        for (idx = num_entries(s) - 1; idx > 0; idx--)
            if (s->nodes[idx] && s->nodes[idx]->free == node_size(s))
                break;
        if (idx == 0)
            return;
        struct rt_slot_node *n = s->nodes[idx];
        uint32_t handle = n->handle;
        s->nodes[idx] = NULL;
        s->free_slots -= node_size(s);
        s->num_empty--;
        node_delete(n);
        s->ops.destroy(s->ops.ctx, idx, handle);
    }
}

void rt_slots_free(struct rt_slots *s, seL4_CPtr first, seL4_Word count)
{
    seL4_Word idx = first >> s->node_bits, offset = first & (node_size(s) - 1);
    if (idx >= num_entries(s) || !s->nodes[idx] || count == 0)
        return;
    struct rt_slot_node *n = s->nodes[idx];
    if (count > node_size(s) - offset)
        count = node_size(s) - offset;
    size_t used = rt_bitmap_count(n->used, offset, count);
    rt_bitmap_clear(n->used, offset, count);
    n->free += (uint32_t)used;
    s->free_slots += used;
    if (used > 0 && idx < s->lowest)
        s->lowest = (uint32_t)idx;
    if (idx != 0 && used > 0 && n->free == node_size(s))
        s->num_empty++;
    release_empty(s);
}

bool rt_slots_in_use(const struct rt_slots *s, seL4_CPtr slot)
{
    seL4_Word idx = slot >> s->node_bits;
    if (idx >= num_entries(s) || !s->nodes[idx])
        return false;
    return rt_bitmap_test(s->nodes[idx]->used, slot & (node_size(s) - 1));
}

unsigned rt_slots_num_nodes(const struct rt_slots *s)
{
    unsigned n = 0;
    for (seL4_Word i = 0; i < num_entries(s); i++)
        n += s->nodes[i] != NULL;
    return n;
}
