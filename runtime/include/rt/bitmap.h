/*
 * Word-array bitmaps (bit set = in use), the occupancy maps of the CSpace slot allocator.
 * Plain C: no system calls, linked by the host unit tests.
 */
#ifndef RT_BITMAP_H
#define RT_BITMAP_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define RT_BITMAP_WORD_BITS 64

/* Number of 64-bit words a map of nbits bits takes. */
static inline size_t rt_bitmap_words(size_t nbits)
{
    return (nbits + RT_BITMAP_WORD_BITS - 1) / RT_BITMAP_WORD_BITS;
}

static inline bool rt_bitmap_test(const uint64_t *map, size_t bit)
{
    return (map[bit / RT_BITMAP_WORD_BITS] >> (bit % RT_BITMAP_WORD_BITS)) & 1;
}

void rt_bitmap_set(uint64_t *map, size_t first, size_t count);
void rt_bitmap_clear(uint64_t *map, size_t first, size_t count);
/* Number of set bits in [first, first + count). */
size_t rt_bitmap_count(const uint64_t *map, size_t first, size_t count);
/* Lowest index i >= from such that bits [i, i + count) are all clear and lie below nbits;
 * nbits if there is none (or count is 0). */
size_t rt_bitmap_find_clear(const uint64_t *map, size_t nbits, size_t from, size_t count);

#endif
