/* Word-array bitmaps (see rt/bitmap.h). */
#include <rt/bitmap.h>

/* The bits of one word that [first, first + count) covers, given the word's first bit. */
static uint64_t word_mask(size_t word_first, size_t first, size_t count)
{
    size_t lo = first > word_first ? first - word_first : 0;
    size_t hi = first + count - word_first; /* exclusive, may exceed 64 */
    uint64_t mask = ~(uint64_t)0 << lo;
    if (hi < RT_BITMAP_WORD_BITS)
        mask &= ((uint64_t)1 << hi) - 1;
    return mask;
}

void rt_bitmap_set(uint64_t *map, size_t first, size_t count)
{
    if (count == 0)
        return;
    for (size_t w = first / RT_BITMAP_WORD_BITS; w * RT_BITMAP_WORD_BITS < first + count; w++)
        map[w] |= word_mask(w * RT_BITMAP_WORD_BITS, first, count);
}

void rt_bitmap_clear(uint64_t *map, size_t first, size_t count)
{
    if (count == 0)
        return;
    for (size_t w = first / RT_BITMAP_WORD_BITS; w * RT_BITMAP_WORD_BITS < first + count; w++)
        map[w] &= ~word_mask(w * RT_BITMAP_WORD_BITS, first, count);
}

size_t rt_bitmap_count(const uint64_t *map, size_t first, size_t count)
{
    size_t n = 0;
    if (count == 0)
        return 0;
    for (size_t w = first / RT_BITMAP_WORD_BITS; w * RT_BITMAP_WORD_BITS < first + count; w++)
        n +=
            (size_t)__builtin_popcountll(map[w] & word_mask(w * RT_BITMAP_WORD_BITS, first, count));
    return n;
}

/*
 * Walks the map from `from`, keeping the start and length of the current run of clear bits.
 * Whole words are taken at once where possible: a full word ends a run, an empty word
 * extends it by 64, so the walk costs one step per word plus one per bit at run edges.
 */
size_t rt_bitmap_find_clear(const uint64_t *map, size_t nbits, size_t from, size_t count)
{
    size_t run_start = from, run_len = 0;
    size_t i = from;

    if (count == 0 || count > nbits)
        return nbits;
    while (i < nbits) {
        uint64_t word = map[i / RT_BITMAP_WORD_BITS];
        unsigned off = (unsigned)(i % RT_BITMAP_WORD_BITS);
        uint64_t rest = word >> off; /* bits i.. of this word, at the bottom */
        if (off == 0 && word == 0) {
            if (run_len == 0)
                run_start = i;
            run_len += RT_BITMAP_WORD_BITS;
            i += RT_BITMAP_WORD_BITS;
        } else if (rest & 1) {
            /* Skip the set bits: count trailing ones (the shifted-in top bits of ~rest are
             * ones, so only a full word has none). */
            uint64_t inv = ~rest;
            run_len = 0;
            i += inv ? (unsigned)__builtin_ctzll(inv) : RT_BITMAP_WORD_BITS;
            continue;
        } else {
            /* Clear bits up to the next set bit or the end of the word. */
            unsigned zeros = rest ? (unsigned)__builtin_ctzll(rest) : RT_BITMAP_WORD_BITS - off;
            if (run_len == 0)
                run_start = i;
            run_len += zeros;
            i += zeros;
        }
        if (run_len >= count)
            return run_start + count <= nbits ? run_start : nbits;
    }
    return nbits;
}
