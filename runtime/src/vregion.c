/* Address-range bookkeeping (see rt/vregion.h). */
#include <stddef.h>
#include <rt/vregion.h>

void rt_vregions_init(struct rt_vregions *rs, seL4_Word lo, seL4_Word hi)
{
    rs->head = NULL;
    rs->lo = lo;
    rs->hi = hi;
}

seL4_Error rt_vregions_insert(struct rt_vregions *rs, struct rt_vregion *r, seL4_Word start,
                              seL4_Word size)
{
    if (size == 0 || start + size < start)
        return seL4_InvalidArgument;
    seL4_Word end = start + size;
    struct rt_vregion *prev = NULL, *cur = rs->head;
    while (cur && cur->start < end) {
        if (cur->end > start)
            return seL4_DeleteFirst;
        prev = cur;
        cur = cur->next;
    }
    r->start = start;
    r->end = end;
    r->prev = prev;
    r->next = cur;
    if (prev)
        prev->next = r;
    else
        rs->head = r;
    if (cur)
        cur->prev = r;
    return seL4_NoError;
}

/* Rounds x up to a multiple of 2^bits; false if that wraps past the top of the space. */
static bool align_up(seL4_Word x, unsigned bits, seL4_Word *out)
{
    seL4_Word mask = ((seL4_Word)1 << bits) - 1;
    if (x + mask < x)
        return false;
    *out = (x + mask) & ~mask;
    return true;
}

/* First fit: tries the window start, then the end of each region, in address order. */
seL4_Error rt_vregions_find(const struct rt_vregions *rs, seL4_Word size, unsigned align_bits,
                            seL4_Word *start)
{
    seL4_Word cand;
    if (size == 0 || align_bits >= seL4_WordBits || !align_up(rs->lo, align_bits, &cand))
        return seL4_InvalidArgument;
    for (const struct rt_vregion *r = rs->head;; r = r->next) {
        seL4_Word gap_end = r && r->start < rs->hi ? r->start : rs->hi;
        if (cand <= gap_end && size <= gap_end - cand) {
            *start = cand;
            return seL4_NoError;
        }
        if (!r || r->start >= rs->hi)
            break;
        if (r->end > cand && !align_up(r->end, align_bits, &cand))
            break;
    }
    return seL4_NotEnoughMemory;
}

struct rt_vregion *rt_vregions_lookup(const struct rt_vregions *rs, seL4_Word addr)
{
    for (struct rt_vregion *r = rs->head; r && r->start <= addr; r = r->next)
        if (addr < r->end)
            return r;
    return NULL;
}

void rt_vregions_remove(struct rt_vregions *rs, struct rt_vregion *r)
{
    if (r->prev)
        r->prev->next = r->next;
    else
        rs->head = r->next;
    if (r->next)
        r->next->prev = r->prev;
    r->prev = r->next = NULL;
}
