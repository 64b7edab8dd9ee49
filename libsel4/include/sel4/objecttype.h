/*
 * Kernel object types that Untyped_Retype creates, and their sizes, with seL4's names and
 * (AArch64, non-MCS) sizes. Shared by the kernel and user programs.
 */
#ifndef SEL4_OBJECTTYPE_H
#define SEL4_OBJECTTYPE_H

typedef enum {
    seL4_UntypedObject = 0,
    seL4_TCBObject = 1,
    seL4_EndpointObject = 2,
    seL4_NotificationObject = 3,
    seL4_CapTableObject = 4,
    seL4_ARM_SmallPageObject = 5, /* 4 KiB frame */
    seL4_ARM_LargePageObject = 6, /* 2 MiB frame */
    seL4_ARM_PageTableObject = 7, /* a translation table below the root */
    seL4_ARM_VSpaceObject = 8,    /* a translation table root (level 0) */
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

/* Most objects one Untyped_Retype may create. */
#define seL4_RetypeFanOutLimit 256

#endif
