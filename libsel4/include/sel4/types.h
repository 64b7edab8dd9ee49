/*
 * Basic types of the user/kernel interface, with libsel4's names.
 * Plain data: included by the kernel and by user programs alike.
 */
#ifndef SEL4_TYPES_H
#define SEL4_TYPES_H

#include <stdint.h>

typedef uint64_t seL4_Word;
typedef seL4_Word seL4_CPtr;
typedef uint8_t seL4_Uint8;
typedef uint64_t seL4_Uint64;
typedef seL4_Word seL4_NodeId;
typedef seL4_Word seL4_Domain;
typedef seL4_Word seL4_SlotPos;

/* A range of capability slots in the root task's CNode: [start, end). */
typedef struct {
    seL4_SlotPos start;
    seL4_SlotPos end;
} seL4_SlotRegion;

#define seL4_WordBits      64
#define seL4_WordSizeBits  3
#define seL4_PageBits      12
#define seL4_LargePageBits 21
#define seL4_BadgeBits     64

#endif
