/*
 * Shared by the example's root task (many.c) and its child processes (many_child.c): what
 * the start info words mean, and which notifications are signalled in which round.
 */
#ifndef MANY_H
#define MANY_H

#include <stdbool.h>
#include <sel4/sel4.h>

#define MANY_NOTIFICATIONS 10000
#define MANY_CHILDREN      4
#define MANY_ROUNDS        4

/* Start info words of a child. Caps: [0] the done notification (badged 1 << id), [1] its
 * go notification. */
enum {
    MANY_WORD_FIRST_SLOT, /* its first notification cap (slot in its CNode) */
    MANY_WORD_COUNT,      /* how many it holds */
    MANY_WORD_BASE,       /* the global index of the first */
    MANY_WORD_ID,
    MANY_NUM_WORDS,
};

/* Whether notification i (global index) is signalled in round r: all of them, the odd
 * ones, every seventh, and a scattered third. */
static inline bool many_signalled(unsigned r, unsigned i)
{
    switch (r % 4) {
    case 0:
        return true;
    case 1:
        return i % 2 == 1;
    case 2:
        return i % 7 == 3;
    default:
        return (i * 2654435761u) % 3 == 0;
    }
}

#endif
