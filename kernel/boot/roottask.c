/*
 * Creating the root task, as seL4's boot does. Everything it starts with comes from boot
 * memory and is handed to it as capabilities in a CNode of 2^CONFIG_ROOT_CNODE_BITS slots:
 *
 *   slots 0..15   the fixed caps of sel4/constants.h
 *   then          page tables of its image, frames of its image, untyped memory (RAM,
 *                 then device), each range recorded in seL4_BootInfo
 *   then          empty slots
 *
 * Its address space: the ELF segments, then one page of boot info and one page of IPC
 * buffer. The thread starts at the ELF entry with x0 = the boot info's address.
 */
#include <boot.h>
#include <core.h>
#include <elf64.h>
#include <kstring.h>
#include <memory.h>
#include <printk.h>
#include <object/cap.h>
#include <object/cnode.h>
#include <object/tcb.h>
#include <arch/board.h>
#include <arch/frame.h>
#include <arch/objects.h>
#include <arch/sysreg.h>
#include <arch/vspace.h>

#define ROOTTASK_ASID 1

static struct cte *root_slots;
static word_t next_slot;
static seL4_BootInfo *bootinfo;
static pte_t *root_vspace;

/* Puts an original cap into the next free slot of the root CNode. */
static struct cte *provide_cap(struct cap c)
{
    if (next_slot >= BIT(CONFIG_ROOT_CNODE_BITS))
        panic("root CNode (2^%u slots) too small for the boot caps", CONFIG_ROOT_CNODE_BITS);
    struct cte *slot = &root_slots[next_slot++];
    cte_insert_new(c, NULL, slot);
    return slot;
}

static void provide_fixed(word_t index, struct cap c)
{
    cte_insert_new(c, NULL, &root_slots[index]);
}

static unsigned segment_rights(uint32_t flags)
{
    return ((flags & ELF_PF_R) ? VM_READ : 0) | ((flags & ELF_PF_W) ? VM_WRITE : 0) |
           ((flags & ELF_PF_X) ? VM_EXEC : 0);
}

/* Maps and fills one loadable segment. A page shared with an earlier segment keeps its
 * frame and gains the rights of both. */
static void load_segment(const char *image, const struct elf_segment *seg)
{
    vaddr_t start = ALIGN_DOWN(seg->vaddr, PAGE_SIZE);
    vaddr_t end = ALIGN_UP(seg->vaddr + seg->memsz, PAGE_SIZE);

    for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
        unsigned rights = segment_rights(seg->flags), old_rights;
        paddr_t frame;
        if (vspace_boot_lookup(root_vspace, va, &frame, &old_rights))
            rights |= old_rights;
        else
            frame = bootmem_alloc(PAGE_SIZE, PAGE_SIZE);
        vspace_boot_map(root_vspace, va, frame, rights, NULL);

        vaddr_t lo = va > seg->vaddr ? va : seg->vaddr;
        vaddr_t hi = seg->vaddr + seg->filesz;
        if (hi > va + PAGE_SIZE)
            hi = va + PAGE_SIZE;
        char *kva = paddr_to_kva(frame);
        if (lo < hi)
            memcpy(kva + (lo - va), image + seg->offset + (lo - seg->vaddr), hi - lo);
        if (rights & VM_EXEC)
            dcache_clean_pou((uintptr_t)kva, (uintptr_t)kva + PAGE_SIZE);
    }
}

/* Caps for every table below the root (in walk order), recorded as userImagePaging. */
static void provide_paging_caps(pte_t *table, int level, vaddr_t base)
{
    for (unsigned i = 0; i < PT_ENTRIES; i++) {
        if ((table[i] & PTE_TYPE_MASK) != PTE_TYPE_TABLE)
            continue;
        vaddr_t va = base + i * pt_level_span(level);
        pte_t *next = paddr_to_kva(table[i] & PTE_ADDR_MASK);
        provide_cap(cap_make(CAP_PAGE_TABLE, next, CAP_RIGHTS_ALL, 0, false,
                             ((word_t)ROOTTASK_ASID << 48) | va));
        if (level < 2)
            provide_paging_caps(next, level + 1, va);
    }
}

/* A mapped frame cap for the page at va. */
static struct cte *provide_frame_cap(vaddr_t va, paddr_t pa)
{
    return provide_cap(cap_make(CAP_FRAME, paddr_to_kva(pa), CAP_RIGHTS_ALL, seL4_PageBits, false,
                                ((word_t)ROOTTASK_ASID << 48) | va));
}

/* Untyped caps for [start, end): the largest naturally aligned blocks that fit. */
static void provide_untyped(paddr_t start, paddr_t end, bool device)
{
    while (start + BIT(seL4_MinUntypedBits) <= end) {
        unsigned bits = seL4_MaxUntypedBits;
        while (bits > seL4_MinUntypedBits &&
               (!IS_ALIGNED(start, BIT(bits)) || start + BIT(bits) > end))
            bits--;
        word_t n = bootinfo->untyped.end - bootinfo->untyped.start;
        if (n >= seL4_NumBootinfoUntypedCaps)
            panic("more untyped regions than seL4_BootInfo can describe");
        bootinfo->untypedList[n] =
            (seL4_UntypedDesc){.paddr = start, .sizeBits = (seL4_Uint8)bits, .isDevice = device};
        provide_cap(cap_make(CAP_UNTYPED, paddr_to_kva(start), CAP_RIGHTS_ALL, bits, device, 0));
        bootinfo->untyped.end++;
        start += BIT(bits);
    }
}

/* The board's MMIO space, less what the kernel keeps for itself. */
static void provide_device_untyped(void)
{
    static const struct {
        paddr_t start, end;
    } kernel_devices[] = {
        {BOARD_GICD_PA, BOARD_GICC_PA + 0x10000},
        {BOARD_UART_PA, BOARD_UART_PA + 0x1000},
    };
    paddr_t start = 0;
    for (unsigned i = 0; i < ARRAY_SIZE(kernel_devices); i++) {
        provide_untyped(start, kernel_devices[i].start, true);
        start = kernel_devices[i].end;
    }
    provide_untyped(start, BOARD_RAM_PA, true);
}

static struct tcb *create_thread(word_t ipc_va, struct cte *cnode_slot, struct cte *vspace_slot,
                                 struct cte *ipc_slot)
{
    struct tcb *t = paddr_to_kva(bootmem_alloc(BIT(seL4_TCBBits), BIT(seL4_TCBBits)));
    tcb_init(t);
    memcpy(t->name, "rootserver", 11);
    int err;
    cte_insert(cnode_slot->cap, cnode_slot, &t->slots[TCB_CSPACE]);
    cte_insert(vspace_slot->cap, vspace_slot, &t->slots[TCB_VSPACE]);
    cte_insert(cap_derive(ipc_slot, ipc_slot->cap, &err), ipc_slot, &t->slots[TCB_IPCBUF]);
    t->ipc_buffer_va = ipc_va;
    t->frame.tpidrro = ipc_va;
    t->priority = CONFIG_MAX_PRIO;
    t->mcp = CONFIG_MAX_PRIO;
    provide_fixed(seL4_CapInitThreadTCB, cap_make(CAP_TCB, t, CAP_RIGHTS_ALL, 0, false, 0));
    return t;
}

void roottask_create(void)
{
    size_t size = (size_t)(roottask_image_end - roottask_image);
    enum elf_error err = elf_validate(roottask_image, size, USER_VTOP);
    if (err != ELF_OK)
        panic("root task image: %s", elf_error_string(err));

    /* CNode, VSpace, initial ASID pool. */
    word_t cnode_bytes = BIT(CONFIG_ROOT_CNODE_BITS + CNODE_SLOT_BITS);
    root_slots = paddr_to_kva(bootmem_alloc(cnode_bytes, cnode_bytes));
    next_slot = seL4_NumInitialCaps;
    struct cap cnode = cap_make(CAP_CNODE, root_slots, CAP_RIGHTS_ALL, CONFIG_ROOT_CNODE_BITS,
                                false, seL4_WordBits - CONFIG_ROOT_CNODE_BITS);
    provide_fixed(seL4_CapInitThreadCNode, cnode);
    root_vspace = paddr_to_kva(bootmem_alloc(PAGE_SIZE, PAGE_SIZE));
    struct asid_pool *pool = paddr_to_kva(bootmem_alloc(PAGE_SIZE, PAGE_SIZE));
    asid_table[0] = pool;
    pool->vspace[ROOTTASK_ASID] = root_vspace;
    provide_fixed(seL4_CapInitThreadVSpace,
                  cap_make(CAP_VSPACE, root_vspace, CAP_RIGHTS_ALL, 0, false, ROOTTASK_ASID));
    provide_fixed(seL4_CapInitThreadASIDPool,
                  cap_make(CAP_ASID_POOL, pool, CAP_RIGHTS_ALL, 0, false, 0));
    provide_fixed(seL4_CapASIDControl, cap_make(CAP_ASID_CONTROL, NULL, CAP_RIGHTS_ALL, 0, 0, 0));
    provide_fixed(seL4_CapIRQControl, cap_make(CAP_IRQ_CONTROL, NULL, CAP_RIGHTS_ALL, 0, 0, 0));

    /* The image, boot info and IPC buffer. */
    vaddr_t image_start = USER_VTOP, image_end = 0;
    for (unsigned i = 0; i < elf_num_phdrs(roottask_image); i++) {
        struct elf_segment seg;
        if (!elf_segment(roottask_image, i, &seg) || seg.memsz == 0)
            continue;
        load_segment(roottask_image, &seg);
        if (seg.vaddr < image_start)
            image_start = seg.vaddr;
        if (seg.vaddr + seg.memsz > image_end)
            image_end = seg.vaddr + seg.memsz;
    }
    sync_icache_all();
    vaddr_t bootinfo_va = ALIGN_UP(image_end, PAGE_SIZE);
    vaddr_t ipc_va = bootinfo_va + PAGE_SIZE;
    paddr_t bootinfo_pa = bootmem_alloc(PAGE_SIZE, PAGE_SIZE);
    paddr_t ipc_pa = bootmem_alloc(PAGE_SIZE, PAGE_SIZE);
    vspace_boot_map(root_vspace, bootinfo_va, bootinfo_pa, VM_READ | VM_WRITE, NULL);
    vspace_boot_map(root_vspace, ipc_va, ipc_pa, VM_READ | VM_WRITE, NULL);
    bootinfo = paddr_to_kva(bootinfo_pa);

    provide_fixed(seL4_CapBootInfoFrame,
                  cap_make(CAP_FRAME, bootinfo, CAP_RIGHTS_ALL, seL4_PageBits, false,
                           ((word_t)ROOTTASK_ASID << 48) | bootinfo_va));
    provide_fixed(seL4_CapInitThreadIPCBuffer,
                  cap_make(CAP_FRAME, paddr_to_kva(ipc_pa), CAP_RIGHTS_ALL, seL4_PageBits, false,
                           ((word_t)ROOTTASK_ASID << 48) | ipc_va));

    bootinfo->userImagePaging.start = next_slot;
    provide_paging_caps(root_vspace, 0, 0);
    bootinfo->userImagePaging.end = next_slot;
    bootinfo->userImageFrames.start = next_slot;
    for (vaddr_t va = ALIGN_DOWN(image_start, PAGE_SIZE); va < image_end; va += PAGE_SIZE) {
        paddr_t pa;
        unsigned rights;
        if (vspace_boot_lookup(root_vspace, va, &pa, &rights))
            provide_frame_cap(va, pa);
    }
    bootinfo->userImageFrames.end = next_slot;

    struct tcb *t = create_thread(ipc_va, &root_slots[seL4_CapInitThreadCNode],
                                  &root_slots[seL4_CapInitThreadVSpace],
                                  &root_slots[seL4_CapInitThreadIPCBuffer]);

    /* Untyped last: everything the boot took is gone from the free range by now. */
    paddr_t free_start, free_end;
    bootmem_remaining(&free_start, &free_end);
    bootinfo->untyped.start = bootinfo->untyped.end = next_slot;
    provide_untyped(BOARD_RAM_PA, BOARD_KERNEL_PA, false);
    provide_untyped(free_start, free_end, false);
    provide_device_untyped();

    bootinfo->empty.start = next_slot;
    bootinfo->empty.end = BIT(CONFIG_ROOT_CNODE_BITS);
    bootinfo->nodeID = 0;
    bootinfo->numNodes = 1;
    bootinfo->numIOPTLevels = 0;
    bootinfo->ipcBuffer = (seL4_IPCBuffer *)ipc_va;
    bootinfo->initThreadCNodeSizeBits = CONFIG_ROOT_CNODE_BITS;
    bootinfo->initThreadDomain = 0;

    t->frame.pc = t->frame.fault_ip = elf_entry(roottask_image);
    t->frame.x[0] = bootinfo_va;
    thread_set_state(t, THREAD_RUNNING);
    sched_possible_switch_to(t);

    kprintf("kernel: root task: %zu-byte image, entry 0x%lx, boot info at 0x%lx, "
            "%lu untyped caps, first empty slot %lu\n",
            size, t->frame.pc, bootinfo_va, bootinfo->untyped.end - bootinfo->untyped.start,
            next_slot);
}
