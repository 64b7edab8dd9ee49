/*
 * The calling task's CSpace: slot allocation, and the two-level bootstrap of the root task.
 *
 * After rt_cspace_init() the allocator hands out the boot CNode's empty slots (one level, as
 * the kernel built it). rt_cspace_bootstrap() then switches the root task to a two-level
 * CSpace, the way allocman does:
 *
 *     TCB cspace root ──> top CNode (2^RT_CSPACE_TOP_BITS entries, guard 64-24 bits)
 *                           [0]  the boot CNode (guard 0)    cptrs 0 .. 4095: unchanged
 *                           [1]  second-level CNode          cptrs 4096 .. 8191
 *                           [i]  ... made on demand          cptrs i*4096 .. i*4096+4095
 *
 * so every cptr below 4096 resolves exactly as before, and up to 2^24 slots are available.
 * Slot seL4_CapInitThreadCNode then holds the new root (so code that names it as the root
 * of CNode operations, with depth 64, keeps working for every cptr). Second-level CNodes are
 * made from untyped memory when the free slots fall below a reserve, and given back when
 * they are empty again (see rt/slots.h).
 *
 * Every cptr here is resolved from rt_cspace_root() with depth 64. Root task only; not
 * thread-safe (call from one thread, or serialise).
 */
#ifndef RT_CSPACE_H
#define RT_CSPACE_H

#include <stdbool.h>
#include <sel4/sel4.h>

#define RT_CSPACE_DEPTH    64
#define RT_CSPACE_TOP_BITS 12  /* top-level CNode: 4096 second-level CNodes */
#define RT_CSPACE_RESERVE  128 /* free slots kept for splitting untyped when growing */

/* Contiguous slots of one CNode, and the destination arguments seL4_Untyped_Retype needs
 * to create objects in them. */
struct rt_cspace_range {
    seL4_CPtr first; /* cptr of the first slot */
    seL4_Word count;
    seL4_CPtr root; /* Retype's root, node_index, node_depth, node_offset */
    seL4_Word node_index;
    seL4_Word node_depth;
    seL4_Word node_offset;
};

/* Starts a single-level allocator over bi's empty region. Does not block. Returns
 * seL4_IllegalOperation if already initialised, seL4_NotEnoughMemory if malloc fails. */
seL4_Error rt_cspace_init(const seL4_BootInfo *bi);
/* Switches the calling root task to the two-level CSpace described above. Needs
 * rt_untyped_init() first. Returns the first failing invocation's error; on failure the task
 * keeps its single-level CSpace unless the switch itself had already happened. */
seL4_Error rt_cspace_bootstrap(void);
bool rt_cspace_is_two_level(void);

/* The root for CNode operations (depth 64) and for TCB_Configure/SetSpace of threads that
 * share this CSpace, and the cspace_root_data (guard) that goes with it. */
seL4_CPtr rt_cspace_root(void);
seL4_Word rt_cspace_root_data(void);

/* One free slot. Returns seL4_NotEnoughMemory when none is left and none can be made. */
seL4_Error rt_cspace_alloc(seL4_CPtr *slot);
/* Frees a slot (which must be empty: delete its cap first). */
void rt_cspace_free(seL4_CPtr slot);
/* `count` contiguous slots in one CNode (1 .. 4096). seL4_RangeError if count is out of
 * range, seL4_NotEnoughMemory if no room can be found or made. */
seL4_Error rt_cspace_alloc_range(seL4_Word count, struct rt_cspace_range *r);
void rt_cspace_free_range(const struct rt_cspace_range *r);
/* The Retype destination for one slot from rt_cspace_alloc (a range of one). */
struct rt_cspace_range rt_cspace_range_of(seL4_CPtr slot);

/* Free slots right now, and the number of second-level CNodes (boot CNode included). */
seL4_Word rt_cspace_free_slots(void);
unsigned rt_cspace_num_nodes(void);

/* Convenience wrappers of CNode invocations on this CSpace (depth 64 paths). */
seL4_Error rt_cspace_delete(seL4_CPtr slot);
seL4_Error rt_cspace_revoke(seL4_CPtr slot);
seL4_Error rt_cspace_copy(seL4_CPtr dest, seL4_CPtr src, seL4_CapRights_t rights);

#endif
