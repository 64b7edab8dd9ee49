/*
 * The start info page: what a process created by rt_process_create learns about itself.
 * The parent maps it in the child and starts the child with x0 pointing at it (the root
 * task gets seL4_BootInfo in x0 instead; the magic first word tells them apart, since boot
 * info starts with extraLen). crt0 takes the initial stack pointer from it. Included by
 * crt0.S, hence the assembler guard.
 *
 * The child's CNode (2^cnode_size_bits slots, guard 64 - cnode_size_bits, so cptrs are slot
 * numbers as in the root task) holds, like a root task's:
 *
 *     1  its TCB          2  its CNode       3  its VSpace     4  exit notification
 *     9  this page        10 its IPC buffer  16.. caps the parent passed (caps[])
 *
 * The exit path (_exit) writes exit_status, sets exited, signals the exit notification (a
 * copy of one the parent waits on) and suspends the thread.
 */
#ifndef RT_START_INFO_H
#define RT_START_INFO_H

#define RT_START_INFO_MAGIC            0x31666e6974727472 /* "rtrtinf1" */
#define RT_START_INFO_STACK_TOP_OFFSET 8

#ifndef __ASSEMBLER__

#include <stddef.h>
#include <sel4/sel4.h>

#define RT_START_MAX_WORDS 16
#define RT_START_MAX_CAPS  16

enum rt_start_slot {
    RT_START_SLOT_TCB = seL4_CapInitThreadTCB,
    RT_START_SLOT_CNODE = seL4_CapInitThreadCNode,
    RT_START_SLOT_VSPACE = seL4_CapInitThreadVSpace,
    RT_START_SLOT_EXIT_NTFN = 4, /* seL4_CapIRQControl in a root task */
    RT_START_SLOT_INFO = seL4_CapBootInfoFrame,
    RT_START_SLOT_IPC_BUFFER = seL4_CapInitThreadIPCBuffer,
    RT_START_SLOT_FIRST_CAP = seL4_NumInitialCaps,
};

struct rt_start_info {
    seL4_Word magic;     /* RT_START_INFO_MAGIC */
    seL4_Word stack_top; /* initial stack pointer */
    seL4_Word cnode_size_bits;
    seL4_CPtr tcb, cnode, vspace, exit_ntfn, info_frame, ipc_buffer_frame;
    seL4_IPCBuffer *ipc_buffer;
    seL4_SlotRegion empty; /* free slots of the CNode */
    seL4_Word num_words;
    seL4_Word words[RT_START_MAX_WORDS]; /* chosen by the parent */
    seL4_Word num_caps;
    seL4_CPtr caps[RT_START_MAX_CAPS]; /* where the parent's caps are, in the child */

    /* Written by the child's exit path (_exit), read by the parent. */
    volatile seL4_Word exited;
    volatile seL4_Word exit_status;
};

_Static_assert(offsetof(struct rt_start_info, stack_top) == RT_START_INFO_STACK_TOP_OFFSET,
               "crt0 reads the stack top at this offset");
_Static_assert(sizeof(struct rt_start_info) <= 4096, "start info fits in one page");

/* The calling process's start info, or NULL in the root task. */
const struct rt_start_info *rt_start_info(void);

#endif
#endif
