/*
 * A child process of the many-notifications example (many.c). It holds signal caps to a
 * share of the root task's notifications, in consecutive slots of its CNode, each badged
 * 1 << its id. In every round it waits for its go notification, signals the notifications
 * of its share that the round's pattern selects, and reports on the done notification.
 */
#include <runtime.h>
#include "many.h"

int main(void)
{
    const struct rt_start_info *si = rt_start_info();
    if (!si || si->num_words < MANY_NUM_WORDS || si->num_caps < 2)
        return 1;
    seL4_CPtr first = si->words[MANY_WORD_FIRST_SLOT];
    seL4_Word count = si->words[MANY_WORD_COUNT], base = si->words[MANY_WORD_BASE];
    seL4_CPtr done = si->caps[0], go = si->caps[1];
    for (unsigned r = 0; r < MANY_ROUNDS; r++) {
        seL4_Wait(go, NULL);
        for (seL4_Word j = 0; j < count; j++) {
            if (many_signalled(r, (unsigned)(base + j)))
                seL4_Signal(first + j);
        }
        seL4_Signal(done);
    }
    return 0;
}
