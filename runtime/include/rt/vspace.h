/*
 * Virtual address spaces: the root task's own, or one it builds for another process.
 *
 * A struct rt_vspace keeps the address ranges in use (rt/vregion.h) and, per mapped range,
 * the frames behind it as runs of contiguous frame caps (first cap, count, page size),
 * never one record per 4 KiB page. Mapping a frame creates the page tables it needs: when
 * seL4_ARM_Page_Map reports seL4_FailedLookup a page table is retyped and mapped with
 * seL4_ARM_PageTable_Map (which fills the first missing level) and the map is retried.
 * Page tables stay until the VSpace is destroyed.
 *
 * The root task's own VSpace (rt_vspace_self) starts with its image, boot info and IPC
 * buffer reserved, from the linker symbols and the boot info, so they are never handed out.
 * New ranges come from [RT_VSPACE_WINDOW_LO, RT_VSPACE_WINDOW_HI).
 *
 * Root task only; not thread-safe.
 */
#ifndef RT_VSPACE_H
#define RT_VSPACE_H

#include <stdbool.h>
#include <sel4/sel4.h>
#include <rt/object.h>
#include <rt/vregion.h>

#define RT_VSPACE_WINDOW_LO 0x10000000ull     /* 256 MiB: above any program image */
#define RT_VSPACE_WINDOW_HI 0x800000000000ull /* 2^47 */

struct rt_vspace {
    seL4_CPtr root; /* the VSpace cap, in the root task's CSpace */
    struct rt_vregions regions;
    struct rt_object vspace;  /* the VSpace object, when this runtime made it */
    struct rt_object *tables; /* page tables made for this VSpace */
    unsigned num_tables, max_tables;
};

/* What to map. A zero vaddr means anywhere in the window. `guard` bytes below the mapping
 * are reserved but left unmapped (a stack guard). Sizes are rounded up to pages. */
struct rt_map_request {
    seL4_Word vaddr;
    seL4_Word size;
    seL4_Word guard;
    unsigned page_bits; /* seL4_PageBits (4 KiB) or seL4_LargePageBits (2 MiB) */
    seL4_CapRights_t rights;
    seL4_ARM_VMAttributes attr;
};

/* The root task's VSpace, set up by rt_init(). */
struct rt_vspace *rt_vspace_self(void);
/* Describes the root task's VSpace: cap seL4_CapInitThreadVSpace, with the image (from
 * address 0 up to the end of the boot info and IPC buffer pages) reserved. */
seL4_Error rt_vspace_init_self(struct rt_vspace *vs, const seL4_BootInfo *bi);
/* Makes a new, empty VSpace with an ASID from asid_pool. */
seL4_Error rt_vspace_create(struct rt_vspace *vs, seL4_CPtr asid_pool);
/* Deletes a VSpace made by rt_vspace_create (removing every mapping at once), then frees
 * every frame and page table it holds. Returns seL4_IllegalOperation for rt_vspace_self. */
seL4_Error rt_vspace_destroy(struct rt_vspace *vs);

/* Reserves [vaddr, vaddr + size) (vaddr 0: anywhere, aligned to 2^align_bits) without
 * mapping anything. seL4_DeleteFirst if the range is taken, seL4_NotEnoughMemory if no
 * range is free. */
seL4_Error rt_vspace_reserve(struct rt_vspace *vs, seL4_Word vaddr, seL4_Word size,
                             unsigned align_bits, seL4_Word *out);
/* Maps new zeroed frames as requested; *out is the first mapped address. On error nothing
 * is left allocated. */
seL4_Error rt_vspace_map_new(struct rt_vspace *vs, const struct rt_map_request *req,
                             seL4_Word *out);
/* Maps into `to` copies of the frame caps of the range of `from` containing from_vaddr (the
 * same memory, shared); req gives the address, guard, rights and attributes (its size and
 * page_bits are ignored). The copies are deleted when the range is unmapped. */
seL4_Error rt_vspace_map_shared(struct rt_vspace *to, const struct rt_map_request *req,
                                struct rt_vspace *from, seL4_Word from_vaddr, seL4_Word *out);
/* Unmaps the range of `from` containing from_vaddr and maps the same frames in `to` as req
 * says (size and page_bits ignored); the frames now belong to `to`. Used to fill frames in
 * one VSpace and hand them to another. On any error but seL4_FailedLookup (no such range)
 * the source range is gone too: its frames are freed. */
seL4_Error rt_vspace_move(struct rt_vspace *from, seL4_Word from_vaddr, struct rt_vspace *to,
                          const struct rt_map_request *req, seL4_Word *out);
/* Unmaps and releases the range containing vaddr (a reservation or a mapping), freeing the
 * frames it owns. seL4_FailedLookup if nothing is there. */
seL4_Error rt_vspace_unmap(struct rt_vspace *vs, seL4_Word vaddr);
/* The cap of the frame mapped at vaddr. seL4_FailedLookup if none. */
seL4_Error rt_vspace_frame_cap(const struct rt_vspace *vs, seL4_Word vaddr, seL4_CPtr *cap);
/* Maps one frame at vaddr, creating page tables as needed (no range bookkeeping). */
seL4_Error rt_vspace_map_frame(struct rt_vspace *vs, seL4_CPtr frame, seL4_Word vaddr,
                               seL4_CapRights_t rights, seL4_ARM_VMAttributes attr);

/* Cleans the data cache and invalidates the instruction cache over [start, start + size)
 * of the calling VSpace, so code written there can be executed (EL0 cache maintenance). */
void rt_vspace_sync_code(seL4_Word start, seL4_Word size);

#endif
