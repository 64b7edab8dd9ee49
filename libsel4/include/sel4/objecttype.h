/*
 * Kernel object types that Untyped_Retype creates, and their sizes, with seL4's names and
 * (AArch64, non-MCS) sizes. Shared by the kernel and user programs.
 */
#ifndef SEL4_OBJECTTYPE_H
#define SEL4_OBJECTTYPE_H

#include <sel4/types.h>

typedef enum {
    seL4_UntypedObject = 0,
    seL4_TCBObject = 1,
    seL4_EndpointObject = 2,
    seL4_NotificationObject = 3,
    seL4_CapTableObject = 4,
    seL4_ARM_SmallPageObject = 5,   /* 4 KiB frame */
    seL4_ARM_LargePageObject = 6,   /* 2 MiB frame */
    seL4_ARM_PageTableObject = 7,   /* a translation table below the root */
    seL4_ARM_VSpaceObject = 8,      /* a translation table root (level 0) */
    seL4_NotificationSetObject = 9, /* kernels with the notification-set patch only */
    seL4_ObjectTypeCount,
} seL4_ObjectType;

/* Object sizes as log2 of bytes. */
#define seL4_TCBBits            11
#define seL4_EndpointBits       4
#define seL4_NotificationBits   5
#define seL4_SlotBits           5 /* one CNode slot */
#define seL4_PageTableBits      12
#define seL4_VSpaceBits         12
#define seL4_ASIDPoolBits       12
#define seL4_PageTableIndexBits 9
#define seL4_MinCNodeBits       1 /* CNode radix limits (size_bits of a seL4_CapTableObject) */
#define seL4_MaxCNodeBits       24

/* ASIDs: 16 bits = 7 bits of pool + 9 bits within a pool. */
#define seL4_NumASIDPoolsBits  7
#define seL4_ASIDPoolIndexBits 9

/* Notification sets: 2^size_bits entries of 2^seL4_NotificationSetEntryBits bytes; the
 * first seL4_NotificationSetHeaderEntries hold the header, the rest are members. */
#define seL4_NotificationSetEntryBits     5
#define seL4_NotificationSetHeaderEntries 2
#define seL4_NotificationSetMinBits       2
#define seL4_NotificationSetMaxBits       20
#define seL4_NotificationSetCapacity(size_bits)                                                    \
    ((1ul << (size_bits)) - seL4_NotificationSetHeaderEntries)
/* Most (token, word) pairs one Wait or Poll returns: a full message. */
#define seL4_NotificationSetMaxEvents 60

/* Untyped sizes (log2 bytes). */
#define seL4_MinUntypedBits 4
#define seL4_MaxUntypedBits 47

/* Most objects one Untyped_Retype may create. */
#define seL4_RetypeFanOutLimit 256

/* log2 of the bytes one object of type takes, given Retype's size_bits (bytes for
 * untyped, slots for a CNode); 0 if the type is unknown or size_bits out of range. */
static inline unsigned seL4_ObjectSizeBits(seL4_Word type, seL4_Word size_bits)
{
    switch (type) {
    case seL4_UntypedObject:
        return size_bits >= seL4_MinUntypedBits && size_bits <= seL4_MaxUntypedBits
                   ? (unsigned)size_bits
                   : 0;
    case seL4_TCBObject:
        return seL4_TCBBits;
    case seL4_EndpointObject:
        return seL4_EndpointBits;
    case seL4_NotificationObject:
        return seL4_NotificationBits;
    case seL4_CapTableObject:
        return size_bits >= seL4_MinCNodeBits && size_bits <= seL4_MaxCNodeBits
                   ? (unsigned)size_bits + seL4_SlotBits
                   : 0;
    case seL4_ARM_SmallPageObject:
        return seL4_PageBits;
    case seL4_ARM_LargePageObject:
        return seL4_LargePageBits;
    case seL4_ARM_PageTableObject:
        return seL4_PageTableBits;
    case seL4_ARM_VSpaceObject:
        return seL4_VSpaceBits;
    case seL4_NotificationSetObject:
        return size_bits >= seL4_NotificationSetMinBits && size_bits <= seL4_NotificationSetMaxBits
                   ? (unsigned)size_bits + seL4_NotificationSetEntryBits
                   : 0;
    default:
        return 0;
    }
}

#endif
