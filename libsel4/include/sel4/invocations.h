/*
 * Object invocations (user side), with libsel4's names and signatures. Each returns
 * seL4_NoError or the error the kernel reported (the label of its reply). The errors each
 * call can return are listed in docs/kernel-api.md. Included by sel4/sel4.h.
 *
 * Message layout (the kernel decodes the same): arguments in message registers in the
 * order of the signature, capability arguments as extra caps in the IPC buffer.
 */
#ifndef SEL4_INVOCATIONS_H
#define SEL4_INVOCATIONS_H

/* The register set TCB_ReadRegisters / TCB_WriteRegisters transfer, in seL4's AArch64
 * order: `count` words from the start are transferred. */
typedef struct seL4_UserContext_ {
    seL4_Word pc, sp, spsr, x0, x1, x2, x3, x4, x5, x6, x7, x8, x16, x17, x18, x29, x30;
    seL4_Word x9, x10, x11, x12, x13, x14, x15;
    seL4_Word x19, x20, x21, x22, x23, x24, x25, x26, x27, x28;
    seL4_Word tpidr_el0, tpidrro_el0;
} seL4_UserContext;

typedef seL4_CPtr seL4_Untyped;
typedef seL4_CPtr seL4_CNode;
typedef seL4_CPtr seL4_TCB;
typedef seL4_CPtr seL4_ARM_Page;
typedef seL4_CPtr seL4_ARM_PageTable;
typedef seL4_CPtr seL4_ARM_VSpace;
typedef seL4_CPtr seL4_ARM_ASIDControl;
typedef seL4_CPtr seL4_ARM_ASIDPool;

typedef struct {
    int error;
    seL4_Word paddr;
} seL4_ARM_Page_GetAddress_t;

/* Builds the guard data of a CNode capability (Mint/Mutate badge, cspace_root_data):
 * guard in bits 63..6, guard size in bits 5..0. */
static inline seL4_Word seL4_CNode_CapData_new(seL4_Word guard, seL4_Word guardSize)
{
    return (guard << 6) | (guardSize & 0x3f);
}

/* Invokes cap with label, the first n words of in[] as message registers (those past the
 * fourth go through the IPC buffer) and ncaps extra caps already set with seL4_SetCap.
 * Returns the error; if out is not NULL it receives the reply's message registers 0..3. */
static inline seL4_Error seL4_Invoke_(seL4_CPtr cap, seL4_Word label, seL4_Word ncaps, seL4_Word n,
                                      const seL4_Word in[], seL4_Word out[4])
{
    for (seL4_Word i = 4; i < n; i++)
        seL4_SetMR((int)i, in[i]);
    seL4_Word r[4] = {n > 0 ? in[0] : 0, n > 1 ? in[1] : 0, n > 2 ? in[2] : 0, n > 3 ? in[3] : 0};
    seL4_MessageInfo_t info =
        seL4_CallWithMRs(cap, seL4_MessageInfo_new(label, 0, ncaps, n), &r[0], &r[1], &r[2], &r[3]);
    if (out) {
        for (int i = 0; i < 4; i++)
            out[i] = r[i];
    }
    return (seL4_Error)seL4_MessageInfo_get_label(info);
}

/* ---- Untyped ---- */

static inline seL4_Error seL4_Untyped_Retype(seL4_Untyped service, seL4_Word type,
                                             seL4_Word size_bits, seL4_CNode root,
                                             seL4_Word node_index, seL4_Word node_depth,
                                             seL4_Word node_offset, seL4_Word num_objects)
{
    seL4_Word mr[6] = {type, size_bits, node_index, node_depth, node_offset, num_objects};
    seL4_SetCap(0, root);
    return seL4_Invoke_(service, UntypedRetype, 1, 6, mr, NULL);
}

/* ---- CNode ---- */

static inline seL4_Error seL4_CNode_Copy(seL4_CNode service, seL4_Word dest_index,
                                         seL4_Uint8 dest_depth, seL4_CNode src_root,
                                         seL4_Word src_index, seL4_Uint8 src_depth,
                                         seL4_CapRights_t rights)
{
    seL4_Word mr[5] = {dest_index, dest_depth, src_index, src_depth, rights.words[0]};
    seL4_SetCap(0, src_root);
    return seL4_Invoke_(service, CNodeCopy, 1, 5, mr, NULL);
}

static inline seL4_Error seL4_CNode_Mint(seL4_CNode service, seL4_Word dest_index,
                                         seL4_Uint8 dest_depth, seL4_CNode src_root,
                                         seL4_Word src_index, seL4_Uint8 src_depth,
                                         seL4_CapRights_t rights, seL4_Word badge)
{
    seL4_Word mr[6] = {dest_index, dest_depth, src_index, src_depth, rights.words[0], badge};
    seL4_SetCap(0, src_root);
    return seL4_Invoke_(service, CNodeMint, 1, 6, mr, NULL);
}

static inline seL4_Error seL4_CNode_Move(seL4_CNode service, seL4_Word dest_index,
                                         seL4_Uint8 dest_depth, seL4_CNode src_root,
                                         seL4_Word src_index, seL4_Uint8 src_depth)
{
    seL4_Word mr[4] = {dest_index, dest_depth, src_index, src_depth};
    seL4_SetCap(0, src_root);
    return seL4_Invoke_(service, CNodeMove, 1, 4, mr, NULL);
}

static inline seL4_Error seL4_CNode_Mutate(seL4_CNode service, seL4_Word dest_index,
                                           seL4_Uint8 dest_depth, seL4_CNode src_root,
                                           seL4_Word src_index, seL4_Uint8 src_depth,
                                           seL4_Word badge)
{
    seL4_Word mr[5] = {dest_index, dest_depth, src_index, src_depth, badge};
    seL4_SetCap(0, src_root);
    return seL4_Invoke_(service, CNodeMutate, 1, 5, mr, NULL);
}

static inline seL4_Error seL4_CNode_Delete(seL4_CNode service, seL4_Word index, seL4_Uint8 depth)
{
    seL4_Word mr[2] = {index, depth};
    return seL4_Invoke_(service, CNodeDelete, 0, 2, mr, NULL);
}

static inline seL4_Error seL4_CNode_Revoke(seL4_CNode service, seL4_Word index, seL4_Uint8 depth)
{
    seL4_Word mr[2] = {index, depth};
    return seL4_Invoke_(service, CNodeRevoke, 0, 2, mr, NULL);
}

static inline seL4_Error seL4_CNode_CancelBadgedSends(seL4_CNode service, seL4_Word index,
                                                      seL4_Uint8 depth)
{
    seL4_Word mr[2] = {index, depth};
    return seL4_Invoke_(service, CNodeCancelBadgedSends, 0, 2, mr, NULL);
}

/* ---- TCB ---- */

static inline seL4_Error seL4_TCB_Configure(seL4_TCB service, seL4_Word fault_ep,
                                            seL4_CNode cspace_root, seL4_Word cspace_root_data,
                                            seL4_ARM_VSpace vspace_root, seL4_Word vspace_root_data,
                                            seL4_Word buffer, seL4_CPtr bufferFrame)
{
    seL4_Word mr[4] = {fault_ep, cspace_root_data, vspace_root_data, buffer};
    seL4_SetCap(0, cspace_root);
    seL4_SetCap(1, vspace_root);
    seL4_SetCap(2, bufferFrame);
    return seL4_Invoke_(service, TCBConfigure, 3, 4, mr, NULL);
}

static inline seL4_Error seL4_TCB_SetPriority(seL4_TCB service, seL4_TCB authority,
                                              seL4_Word priority)
{
    seL4_Word mr[1] = {priority};
    seL4_SetCap(0, authority);
    return seL4_Invoke_(service, TCBSetPriority, 1, 1, mr, NULL);
}

static inline seL4_Error seL4_TCB_SetMCPriority(seL4_TCB service, seL4_TCB authority, seL4_Word mcp)
{
    seL4_Word mr[1] = {mcp};
    seL4_SetCap(0, authority);
    return seL4_Invoke_(service, TCBSetMCPriority, 1, 1, mr, NULL);
}

static inline seL4_Error seL4_TCB_SetSchedParams(seL4_TCB service, seL4_TCB authority,
                                                 seL4_Word mcp, seL4_Word priority)
{
    seL4_Word mr[2] = {mcp, priority};
    seL4_SetCap(0, authority);
    return seL4_Invoke_(service, TCBSetSchedParams, 1, 2, mr, NULL);
}

static inline seL4_Error seL4_TCB_SetSpace(seL4_TCB service, seL4_Word fault_ep,
                                           seL4_CNode cspace_root, seL4_Word cspace_root_data,
                                           seL4_ARM_VSpace vspace_root, seL4_Word vspace_root_data)
{
    seL4_Word mr[3] = {fault_ep, cspace_root_data, vspace_root_data};
    seL4_SetCap(0, cspace_root);
    seL4_SetCap(1, vspace_root);
    return seL4_Invoke_(service, TCBSetSpace, 2, 3, mr, NULL);
}

static inline seL4_Error seL4_TCB_SetIPCBuffer(seL4_TCB service, seL4_Word buffer,
                                               seL4_CPtr bufferFrame)
{
    seL4_Word mr[1] = {buffer};
    seL4_SetCap(0, bufferFrame);
    return seL4_Invoke_(service, TCBSetIPCBuffer, 1, 1, mr, NULL);
}

static inline seL4_Error seL4_TCB_Suspend(seL4_TCB service)
{
    return seL4_Invoke_(service, TCBSuspend, 0, 0, NULL, NULL);
}

static inline seL4_Error seL4_TCB_Resume(seL4_TCB service)
{
    return seL4_Invoke_(service, TCBResume, 0, 0, NULL, NULL);
}

static inline seL4_Error seL4_TCB_SetTLSBase(seL4_TCB service, seL4_Word tls_base)
{
    seL4_Word mr[1] = {tls_base};
    return seL4_Invoke_(service, TCBSetTLSBase, 0, 1, mr, NULL);
}

/* Binds a notification to the thread: a Signal then also wakes the thread when it is
 * blocked in seL4_Recv on an endpoint (the badge arrives in place of a message). */
static inline seL4_Error seL4_TCB_BindNotification(seL4_TCB service, seL4_CPtr notification)
{
    seL4_SetCap(0, notification);
    return seL4_Invoke_(service, TCBBindNotification, 1, 0, NULL, NULL);
}

static inline seL4_Error seL4_TCB_UnbindNotification(seL4_TCB service)
{
    return seL4_Invoke_(service, TCBUnbindNotification, 0, 0, NULL, NULL);
}

/* Reads the first `count` words of the thread's seL4_UserContext into regs. */
static inline seL4_Error seL4_TCB_ReadRegisters(seL4_TCB service, seL4_Uint8 suspend_source,
                                                seL4_Uint8 arch_flags, seL4_Word count,
                                                seL4_UserContext *regs)
{
    seL4_Word mr[4] = {(suspend_source & 1) | ((seL4_Word)arch_flags << 8), count};
    seL4_Error err = seL4_Invoke_(service, TCBReadRegisters, 0, 2, mr, mr);
    if (err != seL4_NoError)
        return err;
    seL4_Word *dst = (seL4_Word *)regs;
    for (seL4_Word i = 0; i < count; i++)
        dst[i] = i < 4 ? mr[i] : seL4_GetMR((int)i);
    return seL4_NoError;
}

/* Writes the first `count` words of regs into the thread's registers; resumes it after if
 * resume_target is set. */
static inline seL4_Error seL4_TCB_WriteRegisters(seL4_TCB service, seL4_Uint8 resume_target,
                                                 seL4_Uint8 arch_flags, seL4_Word count,
                                                 seL4_UserContext *regs)
{
    seL4_Word mr[2 + sizeof(seL4_UserContext) / sizeof(seL4_Word)];
    const seL4_Word *src = (const seL4_Word *)regs;
    seL4_Word n = count < sizeof(seL4_UserContext) / sizeof(seL4_Word)
                      ? count
                      : sizeof(seL4_UserContext) / sizeof(seL4_Word);
    mr[0] = (resume_target & 1) | ((seL4_Word)arch_flags << 8);
    mr[1] = count;
    for (seL4_Word i = 0; i < n; i++)
        mr[2 + i] = src[i];
    return seL4_Invoke_(service, TCBWriteRegisters, 0, 2 + n, mr, NULL);
}

/* ---- AArch64 virtual memory ---- */

static inline seL4_Error seL4_ARM_PageTable_Map(seL4_ARM_PageTable service, seL4_ARM_VSpace vspace,
                                                seL4_Word vaddr, seL4_ARM_VMAttributes attr)
{
    seL4_Word mr[2] = {vaddr, attr};
    seL4_SetCap(0, vspace);
    return seL4_Invoke_(service, ARMPageTableMap, 1, 2, mr, NULL);
}

static inline seL4_Error seL4_ARM_PageTable_Unmap(seL4_ARM_PageTable service)
{
    return seL4_Invoke_(service, ARMPageTableUnmap, 0, 0, NULL, NULL);
}

static inline seL4_Error seL4_ARM_Page_Map(seL4_ARM_Page service, seL4_ARM_VSpace vspace,
                                           seL4_Word vaddr, seL4_CapRights_t rights,
                                           seL4_ARM_VMAttributes attr)
{
    seL4_Word mr[3] = {vaddr, rights.words[0], attr};
    seL4_SetCap(0, vspace);
    return seL4_Invoke_(service, ARMPageMap, 1, 3, mr, NULL);
}

static inline seL4_Error seL4_ARM_Page_Unmap(seL4_ARM_Page service)
{
    return seL4_Invoke_(service, ARMPageUnmap, 0, 0, NULL, NULL);
}

static inline seL4_ARM_Page_GetAddress_t seL4_ARM_Page_GetAddress(seL4_ARM_Page service)
{
    seL4_Word mr[4] = {0};
    seL4_ARM_Page_GetAddress_t r;
    r.error = seL4_Invoke_(service, ARMPageGetAddress, 0, 0, NULL, mr);
    r.paddr = mr[0];
    return r;
}

static inline seL4_Error seL4_ARM_ASIDControl_MakePool(seL4_ARM_ASIDControl service,
                                                       seL4_Untyped untyped, seL4_CNode root,
                                                       seL4_Word index, seL4_Uint8 depth)
{
    seL4_Word mr[2] = {index, depth};
    seL4_SetCap(0, untyped);
    seL4_SetCap(1, root);
    return seL4_Invoke_(service, ARMASIDControlMakePool, 2, 2, mr, NULL);
}

static inline seL4_Error seL4_ARM_ASIDPool_Assign(seL4_ARM_ASIDPool service, seL4_ARM_VSpace vspace)
{
    seL4_SetCap(0, vspace);
    return seL4_Invoke_(service, ARMASIDPoolAssign, 1, 0, NULL, NULL);
}

/* ---- Notification sets (kernels with the notification-set patch) ----
 *
 * A set holds up to seL4_NotificationSetCapacity(size_bits) member notifications, each at
 * an entry chosen by the caller (its token, 0 <= token < capacity). Wait blocks until at
 * least one member is active and returns up to max (token, word) pairs, consuming each
 * word as seL4_Wait does; Poll returns at once. docs/notification-set.md has the design,
 * docs/kernel-api.md the errors. */

typedef seL4_CPtr seL4_NotificationSet;

typedef struct {
    seL4_Word token;
    seL4_Word word;
} seL4_NotificationSetEvent;

/* Makes notification (read right needed) a member at entry token. */
static inline seL4_Error seL4_NotificationSet_Add(seL4_NotificationSet set, seL4_CPtr notification,
                                                  seL4_Word token)
{
    seL4_Word mr[1] = {token};
    seL4_SetCap(0, notification);
    return seL4_Invoke_(set, NotificationSetAdd, 1, 1, mr, NULL);
}

static inline seL4_Error seL4_NotificationSet_Remove(seL4_NotificationSet set, seL4_Word token)
{
    seL4_Word mr[1] = {token};
    return seL4_Invoke_(set, NotificationSetRemove, 0, 1, mr, NULL);
}

static inline seL4_Error seL4_NotificationSet_RemoveNotification(seL4_NotificationSet set,
                                                                 seL4_CPtr notification)
{
    seL4_SetCap(0, notification);
    return seL4_Invoke_(set, NotificationSetRemoveNotification, 1, 0, NULL, NULL);
}

/* The set signals notification (write right needed; cptr 0 clears) when it becomes
 * non-empty while nobody waits on it: bind that notification to a server's TCB to wait on
 * an endpoint and the set at once. */
static inline seL4_Error seL4_NotificationSet_SetNotification(seL4_NotificationSet set,
                                                              seL4_CPtr notification)
{
    seL4_SetCap(0, notification);
    return seL4_Invoke_(set, NotificationSetSetNotification, 1, 0, NULL, NULL);
}

/* Wait (blocking) and Poll: seL4_Recv / seL4_NBRecv on the set cap with max in message
 * register 0. The count comes back in x0 and the pairs in message registers 0.. (token,
 * word, token, word, ...); the label of the message info is an error (seL4_RangeError for
 * max 0 or above seL4_NotificationSetMaxEvents, or above 2 without an IPC buffer). */
static inline int seL4_NotificationSet_Recv_(seL4_Word syscall, seL4_NotificationSet set,
                                             seL4_Word max, seL4_NotificationSetEvent *events)
{
    seL4_Word x0 = set, r[4] = {max, 0, 0, 0};
    seL4_MessageInfo_t info =
        seL4_Syscall_(syscall, &x0, seL4_MessageInfo_new(0, 0, 0, 0), &r[0], &r[1], &r[2], &r[3]);
    if (__builtin_expect(seL4_MessageInfo_get_label(info) != 0, 0))
        return -(int)seL4_MessageInfo_get_label(info);
    seL4_Word n = x0 < max ? x0 : max; /* the kernel never returns more than max */
    /* Pairs 0 and 1 arrive in registers, the rest in the IPC buffer. */
    if (n > 0) {
        events[0].token = r[0];
        events[0].word = r[1];
    }
    if (n > 1) {
        events[1].token = r[2];
        events[1].word = r[3];
    }
    if (n > 2) {
        seL4_IPCBuffer *b = seL4_GetIPCBuffer();
        for (seL4_Word i = 2; i < n; i++) {
            events[i].token = b->msg[2 * i];
            events[i].word = b->msg[2 * i + 1];
        }
    }
    return (int)n;
}

/* Returns the number of events (1..max), or minus a seL4_Error. */
static inline int seL4_NotificationSet_Wait(seL4_NotificationSet set, seL4_Word max,
                                            seL4_NotificationSetEvent *events)
{
    return seL4_NotificationSet_Recv_(seL4_SysRecv, set, max, events);
}

/* Returns the number of events (0..max), or minus a seL4_Error. */
static inline int seL4_NotificationSet_Poll(seL4_NotificationSet set, seL4_Word max,
                                            seL4_NotificationSetEvent *events)
{
    return seL4_NotificationSet_Recv_(seL4_SysNBRecv, set, max, events);
}

/* ---- Interrupts ---- */

typedef seL4_CPtr seL4_IRQControl;
typedef seL4_CPtr seL4_IRQHandler;

/* Makes an IRQHandler cap for interrupt irq (a GIC INTID) in (root, index, depth). */
static inline seL4_Error seL4_IRQControl_Get(seL4_IRQControl service, seL4_Word irq,
                                             seL4_CNode root, seL4_Word index, seL4_Uint8 depth)
{
    seL4_Word mr[3] = {irq, index, depth};
    seL4_SetCap(0, root);
    return seL4_Invoke_(service, IRQIssueIRQHandler, 1, 3, mr, NULL);
}

/* As IRQControl_Get, choosing edge (trigger = 1) or level (0) triggering for an SPI. */
static inline seL4_Error seL4_IRQControl_GetTrigger(seL4_IRQControl service, seL4_Word irq,
                                                    seL4_Word trigger, seL4_CNode root,
                                                    seL4_Word index, seL4_Uint8 depth)
{
    seL4_Word mr[4] = {irq, trigger, index, depth};
    seL4_SetCap(0, root);
    return seL4_Invoke_(service, IRQIssueIRQHandlerTrigger, 1, 4, mr, NULL);
}

static inline seL4_Error seL4_IRQHandler_SetNotification(seL4_IRQHandler service,
                                                         seL4_CPtr notification)
{
    seL4_SetCap(0, notification);
    return seL4_Invoke_(service, IRQSetIRQHandler, 1, 0, NULL, NULL);
}

static inline seL4_Error seL4_IRQHandler_Ack(seL4_IRQHandler service)
{
    return seL4_Invoke_(service, IRQAckIRQ, 0, 0, NULL, NULL);
}

static inline seL4_Error seL4_IRQHandler_Clear(seL4_IRQHandler service)
{
    return seL4_Invoke_(service, IRQClearIRQHandler, 0, 0, NULL, NULL);
}

#endif
