/* Buddy bookkeeping of untyped memory (see rt/buddy.h). */
#include <stdlib.h>
#include <string.h>
#include <rt/buddy.h>

#define RT_BUDDY_CHUNK_BITS 10
#define RT_BUDDY_CHUNK      (1u << RT_BUDDY_CHUNK_BITS)

enum block_state {
    BLOCK_UNUSED = 0, /* storage not in use */
    BLOCK_FREE,       /* on its size's free list */
    BLOCK_ALLOCATED,  /* handed out */
    BLOCK_SPLIT,      /* both halves exist as blocks */
    BLOCK_BUSY,       /* being split or merged */
};

struct rt_buddy_block {
    seL4_CPtr cap;
    seL4_Word paddr;
    uint32_t parent;     /* RT_BUDDY_NONE for a root */
    uint32_t next, prev; /* free list of its size (or the list of unused pairs) */
    uint8_t size_bits;
    uint8_t state;
};

static struct rt_buddy_block *block(const struct rt_buddy *b, rt_block_id id)
{
    return &b->chunks[id >> RT_BUDDY_CHUNK_BITS][id & (RT_BUDDY_CHUNK - 1)];
}

static int valid_id(const struct rt_buddy *b, rt_block_id id)
{
    return id != RT_BUDDY_NONE && (id >> RT_BUDDY_CHUNK_BITS) < b->num_chunks;
}

void rt_buddy_init(struct rt_buddy *b, const struct rt_buddy_ops *ops)
{
    memset(b, 0, sizeof(*b));
    b->free_pairs = RT_BUDDY_NONE;
    for (unsigned i = 0; i <= RT_BUDDY_MAX_BITS; i++)
        b->free_head[i] = RT_BUDDY_NONE;
    b->ops = *ops;
}

void rt_buddy_destroy(struct rt_buddy *b)
{
    for (uint32_t i = 0; i < b->num_chunks; i++)
        free(b->chunks[i]);
    free(b->chunks);
    b->chunks = NULL;
    b->num_chunks = b->chunk_capacity = 0;
}

/* Takes an unused pair of ids (2k, 2k+1), adding a chunk of storage if none is left.
 * Returns 0 with *even set, or -1 when memory for the bookkeeping runs out. */
static int pair_alloc(struct rt_buddy *b, rt_block_id *even)
{
    if (b->free_pairs == RT_BUDDY_NONE) {
        if (b->num_chunks == b->chunk_capacity) {
            uint32_t cap = b->chunk_capacity ? 2 * b->chunk_capacity : 8;
            struct rt_buddy_block **c = realloc(b->chunks, cap * sizeof(*c));
            if (!c)
                return -1;
            b->chunks = c;
            b->chunk_capacity = cap;
        }
        struct rt_buddy_block *chunk = calloc(RT_BUDDY_CHUNK, sizeof(*chunk));
        if (!chunk)
            return -1;
        rt_block_id base = b->num_chunks << RT_BUDDY_CHUNK_BITS;
        b->chunks[b->num_chunks++] = chunk;
        /* Push from the top so that lower ids come out first. */
        for (uint32_t i = RT_BUDDY_CHUNK; i >= 2; i -= 2) {
            chunk[i - 2].next = b->free_pairs;
            b->free_pairs = base + i - 2;
        }
    }
    *even = b->free_pairs;
    b->free_pairs = block(b, *even)->next;
    return 0;
}

static void pair_release(struct rt_buddy *b, rt_block_id even)
{
    struct rt_buddy_block *lo = block(b, even), *hi = block(b, even + 1);
    memset(lo, 0, sizeof(*lo));
    memset(hi, 0, sizeof(*hi));
    lo->next = b->free_pairs;
    b->free_pairs = even;
}

static void list_push(struct rt_buddy *b, rt_block_id id)
{
    struct rt_buddy_block *blk = block(b, id);
    uint32_t *head = &b->free_head[blk->size_bits];
    blk->state = BLOCK_FREE;
    blk->prev = RT_BUDDY_NONE;
    blk->next = *head;
    if (*head != RT_BUDDY_NONE)
        block(b, *head)->prev = id;
    *head = id;
    b->free_bytes += (uint64_t)1 << blk->size_bits;
}

/* Takes a free block off its list; it becomes BUSY until the caller says otherwise. */
static void list_remove(struct rt_buddy *b, rt_block_id id)
{
    struct rt_buddy_block *blk = block(b, id);
    if (blk->prev != RT_BUDDY_NONE)
        block(b, blk->prev)->next = blk->next;
    else
        b->free_head[blk->size_bits] = blk->next;
    if (blk->next != RT_BUDDY_NONE)
        block(b, blk->next)->prev = blk->prev;
    blk->state = BLOCK_BUSY;
    b->free_bytes -= (uint64_t)1 << blk->size_bits;
}

seL4_Error rt_buddy_add(struct rt_buddy *b, seL4_CPtr cap, seL4_Word paddr, unsigned size_bits)
{
    rt_block_id id;
    if (size_bits < RT_BUDDY_MIN_BITS || size_bits > RT_BUDDY_MAX_BITS)
        return seL4_RangeError;
    if (pair_alloc(b, &id) != 0)
        return seL4_NotEnoughMemory;
    /* A root has no buddy: the odd id of its pair stays unused. */
    struct rt_buddy_block *blk = block(b, id);
    blk->cap = cap;
    blk->paddr = paddr;
    blk->parent = RT_BUDDY_NONE;
    blk->size_bits = (uint8_t)size_bits;
    list_push(b, id);
    b->total_bytes += (uint64_t)1 << size_bits;
    return seL4_NoError;
}

/*
 * Returns block `id` (ALLOCATED or BUSY, on no list) to the free lists. While its buddy is
 * free too, the two are merged through the merge callback and the parent takes their place.
 * The callback may re-enter the allocator; every block it could reach is in a consistent
 * state (the pair being merged is BUSY, the parent SPLIT).
 */
static void release(struct rt_buddy *b, rt_block_id id)
{
    for (;;) {
        struct rt_buddy_block *blk = block(b, id);
        rt_block_id parent = blk->parent, buddy = id ^ 1;
        if (parent == RT_BUDDY_NONE || block(b, buddy)->state != BLOCK_FREE)
            break;
        list_remove(b, buddy);
        blk->state = BLOCK_BUSY;
        rt_block_id even = id & ~(rt_block_id)1;
        seL4_CPtr caps[2] = {block(b, even)->cap, block(b, even + 1)->cap};
        struct rt_buddy_block *p = block(b, parent);
        if (b->ops.merge(b->ops.ctx, p->cap, p->size_bits, caps) != seL4_NoError) {
            list_push(b, buddy);
            break;
        }
        pair_release(b, even);
        id = parent;
    }
    list_push(b, id);
}

/* Takes the smallest free block that fits and halves it down to the size: the lower half
 * goes on, the upper half onto its free list. A failed split (or bookkeeping allocation)
 * merges back what was split so far and returns the error. May re-enter through the split
 * callback. */
seL4_Error rt_buddy_alloc(struct rt_buddy *b, unsigned size_bits, rt_block_id *out)
{
    unsigned k;
    if (size_bits < RT_BUDDY_MIN_BITS)
        size_bits = RT_BUDDY_MIN_BITS;
    if (size_bits > RT_BUDDY_MAX_BITS)
        return seL4_RangeError;
    for (k = size_bits; k <= RT_BUDDY_MAX_BITS && b->free_head[k] == RT_BUDDY_NONE; k++)
        ;
    if (k > RT_BUDDY_MAX_BITS)
        return seL4_NotEnoughMemory;

    rt_block_id id = b->free_head[k];
    list_remove(b, id);
    while (k > size_bits) {
        rt_block_id even;
        seL4_CPtr caps[2];
        if (pair_alloc(b, &even) != 0) {
            release(b, id);
            return seL4_NotEnoughMemory;
        }
        struct rt_buddy_block *blk = block(b, id);
        seL4_Error err = b->ops.split(b->ops.ctx, blk->cap, k, caps);
        if (err != seL4_NoError) {
            pair_release(b, even);
            release(b, id);
            return err;
        }
        blk = block(b, id);
        blk->state = BLOCK_SPLIT;
        for (unsigned half = 0; half < 2; half++) {
            struct rt_buddy_block *c = block(b, even + half);
            c->cap = caps[half];
            c->paddr = blk->paddr + (half ? (seL4_Word)1 << (k - 1) : 0);
            c->parent = id;
            c->size_bits = (uint8_t)(k - 1);
            c->state = BLOCK_BUSY;
        }
        list_push(b, even + 1);
        id = even;
        k--;
    }
    block(b, id)->state = BLOCK_ALLOCATED;
    *out = id;
    return seL4_NoError;
}

void rt_buddy_free(struct rt_buddy *b, rt_block_id id)
{
    /* Bad ids and double frees are ignored rather than corrupting the lists. */
    if (!valid_id(b, id) || block(b, id)->state != BLOCK_ALLOCATED)
        return;
    release(b, id);
}

seL4_CPtr rt_buddy_cap(const struct rt_buddy *b, rt_block_id id)
{
    return valid_id(b, id) ? block(b, id)->cap : 0;
}

seL4_Word rt_buddy_paddr(const struct rt_buddy *b, rt_block_id id)
{
    return valid_id(b, id) ? block(b, id)->paddr : 0;
}

unsigned rt_buddy_size_bits(const struct rt_buddy *b, rt_block_id id)
{
    return valid_id(b, id) ? block(b, id)->size_bits : 0;
}

unsigned rt_buddy_largest_free(const struct rt_buddy *b)
{
    for (unsigned k = RT_BUDDY_MAX_BITS; k >= RT_BUDDY_MIN_BITS; k--)
        if (b->free_head[k] != RT_BUDDY_NONE)
            return k;
    return 0;
}
