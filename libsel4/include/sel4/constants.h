/*
 * Fixed capability slots of the root task's CNode, capability rights, VM attributes and
 * priorities, with seL4's names and values.
 */
#ifndef SEL4_CONSTANTS_H
#define SEL4_CONSTANTS_H

#include <sel4/types.h>

enum seL4_RootCNodeCapSlots {
    seL4_CapNull = 0,
    seL4_CapInitThreadTCB = 1,
    seL4_CapInitThreadCNode = 2,
    seL4_CapInitThreadVSpace = 3,
    seL4_CapIRQControl = 4,
    seL4_CapASIDControl = 5,
    seL4_CapInitThreadASIDPool = 6,
    seL4_CapIOPortControl = 7, /* x86 only: always empty here */
    seL4_CapIOSpace = 8,       /* IOMMU: always empty here */
    seL4_CapBootInfoFrame = 9,
    seL4_CapInitThreadIPCBuffer = 10,
    seL4_CapDomain = 11, /* no domain scheduler: always empty here */
    seL4_CapSMMUSIDControl = 12,
    seL4_CapSMMUCBControl = 13,
    seL4_CapInitThreadSC = 14, /* MCS only: always empty here */
    seL4_CapSMC = 15,
    seL4_NumInitialCaps = 16,
};

/* Capability rights: bit 0 write, 1 read, 2 grant, 3 grant-reply. */
typedef struct {
    seL4_Word words[1];
} seL4_CapRights_t;

static inline seL4_CapRights_t seL4_CapRights_new(seL4_Word grantReply, seL4_Word grant,
                                                  seL4_Word read, seL4_Word write)
{
    seL4_CapRights_t r = {
        {((grantReply & 1) << 3) | ((grant & 1) << 2) | ((read & 1) << 1) | (write & 1)}};
    return r;
}

#define seL4_AllRights seL4_CapRights_new(1, 1, 1, 1)
#define seL4_CanRead   seL4_CapRights_new(0, 0, 1, 0)
#define seL4_CanWrite  seL4_CapRights_new(0, 0, 0, 1)
#define seL4_CanGrant  seL4_CapRights_new(0, 1, 0, 0)
#define seL4_ReadWrite seL4_CapRights_new(0, 0, 1, 1)
#define seL4_NoRights  seL4_CapRights_new(0, 0, 0, 0)

/* Frame mapping attributes (seL4_ARM_VMAttributes). Without PageCacheable a frame is mapped
 * as Device-nGnRnE memory. */
typedef enum {
    seL4_ARM_PageCacheable = 0x01,
    seL4_ARM_ParityEnabled = 0x02,
    seL4_ARM_Default_VMAttributes = 0x03,
    seL4_ARM_ExecuteNever = 0x04,
} seL4_ARM_VMAttributes;

#define seL4_MinPrio 0
#define seL4_MaxPrio 255

/* Kinds of capability, as seL4_DebugCapIdentify reports them (seL4's cap_tag values are
 * internal; these are this kernel's). */
typedef enum {
    seL4_CapType_Null = 0,
    seL4_CapType_Untyped,
    seL4_CapType_Endpoint,
    seL4_CapType_Notification,
    seL4_CapType_Reply,
    seL4_CapType_CNode,
    seL4_CapType_TCB,
    seL4_CapType_IRQControl,
    seL4_CapType_IRQHandler,
    seL4_CapType_Zombie,
    seL4_CapType_Frame,
    seL4_CapType_PageTable,
    seL4_CapType_VSpace,
    seL4_CapType_ASIDControl,
    seL4_CapType_ASIDPool,
    seL4_CapType_NotificationSet,
    seL4_CapType_Count,
} seL4_CapType;

#endif
