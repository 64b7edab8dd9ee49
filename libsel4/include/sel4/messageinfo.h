/*
 * The message info word of every IPC and invocation, laid out as seL4's:
 *   bits 63..12 label, 11..9 capsUnwrapped, 8..7 extraCaps, 6..0 length.
 */
#ifndef SEL4_MESSAGEINFO_H
#define SEL4_MESSAGEINFO_H

#include <sel4/types.h>

typedef struct {
    seL4_Word words[1];
} seL4_MessageInfo_t;

static inline seL4_MessageInfo_t seL4_MessageInfo_new(seL4_Word label, seL4_Word capsUnwrapped,
                                                      seL4_Word extraCaps, seL4_Word length)
{
    seL4_MessageInfo_t m = {
        {(label << 12) | ((capsUnwrapped & 7) << 9) | ((extraCaps & 3) << 7) | (length & 0x7f)}};
    return m;
}

static inline seL4_Word seL4_MessageInfo_get_label(seL4_MessageInfo_t m)
{
    return m.words[0] >> 12;
}

static inline seL4_Word seL4_MessageInfo_get_capsUnwrapped(seL4_MessageInfo_t m)
{
    return (m.words[0] >> 9) & 7;
}

static inline seL4_Word seL4_MessageInfo_get_extraCaps(seL4_MessageInfo_t m)
{
    return (m.words[0] >> 7) & 3;
}

static inline seL4_Word seL4_MessageInfo_get_length(seL4_MessageInfo_t m)
{
    return m.words[0] & 0x7f;
}

static inline seL4_MessageInfo_t seL4_MessageInfo_set_label(seL4_MessageInfo_t m, seL4_Word l)
{
    m.words[0] = (m.words[0] & 0xfff) | (l << 12);
    return m;
}

static inline seL4_MessageInfo_t seL4_MessageInfo_set_length(seL4_MessageInfo_t m, seL4_Word n)
{
    m.words[0] = (m.words[0] & ~(seL4_Word)0x7f) | (n & 0x7f);
    return m;
}

#endif
