/*
 * The boot information frame the kernel hands to the root task (pointer in x0 at entry),
 * and the IPC buffer layout. Field names and order follow libsel4.
 */
#ifndef SEL4_BOOTINFO_H
#define SEL4_BOOTINFO_H

#include <sel4/types.h>
#include <sel4/objecttype.h>

#define seL4_MsgMaxLength           120
#define seL4_MsgMaxExtraCaps        3
#define seL4_IPCBufferSizeBits      10
#define seL4_NumBootinfoUntypedCaps 230

/* The per-thread IPC buffer: message registers beyond the first four, caps to send or
 * badges received, and where a received cap is to be stored. */
typedef struct seL4_IPCBuffer_ {
    seL4_Word tag;
    seL4_Word msg[seL4_MsgMaxLength];
    seL4_Word userData;
    seL4_Word caps_or_badges[seL4_MsgMaxExtraCaps];
    seL4_CPtr receiveCNode;
    seL4_CPtr receiveIndex;
    seL4_Word receiveDepth;
} __attribute__((aligned(sizeof(seL4_Word)))) seL4_IPCBuffer;

/* One untyped capability handed to the root task. */
typedef struct {
    seL4_Word paddr;
    seL4_Uint8 sizeBits;
    seL4_Uint8 isDevice;
    seL4_Uint8 padding[sizeof(seL4_Word) - 2 * sizeof(seL4_Uint8)];
} seL4_UntypedDesc;

typedef struct seL4_BootInfo {
    seL4_Word extraLen;
    seL4_NodeId nodeID;
    seL4_Word numNodes;
    seL4_Word numIOPTLevels;
    seL4_IPCBuffer *ipcBuffer;
    seL4_SlotRegion empty;
    seL4_SlotRegion sharedFrames;
    seL4_SlotRegion userImageFrames;
    seL4_SlotRegion userImagePaging;
    seL4_SlotRegion ioSpaceCaps;
    seL4_SlotRegion extraBIPages;
    seL4_Word initThreadCNodeSizeBits;
    seL4_Domain initThreadDomain;
    seL4_SlotRegion untyped;
    seL4_UntypedDesc untypedList[seL4_NumBootinfoUntypedCaps];
} seL4_BootInfo;

_Static_assert(sizeof(seL4_IPCBuffer) <= (1u << seL4_IPCBufferSizeBits), "IPC buffer fits");
_Static_assert(sizeof(seL4_BootInfo) <= 4096, "boot info fits in one page");

#endif
