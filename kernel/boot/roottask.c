/*
 * Creating the root task, as seL4's boot does: its image is loaded into a fresh VSpace from
 * boot memory, followed by one page of boot info and one page of IPC buffer:
 *
 *     [ image segments ... ][ boot info ][ IPC buffer ]
 *
 * The thread starts at the ELF entry point with x0 = the boot info's address.
 */
#include <boot.h>
#include <core.h>
#include <elf.h>
#include <kstring.h>
#include <memory.h>
#include <printk.h>
#include <arch/board.h>
#include <arch/frame.h>
#include <arch/sysreg.h>
#include <arch/vspace.h>

#define ROOTTASK_ASID 1

static unsigned segment_rights(uint32_t flags)
{
    return ((flags & ELF_PF_R) ? VM_READ : 0) | ((flags & ELF_PF_W) ? VM_WRITE : 0) |
           ((flags & ELF_PF_X) ? VM_EXEC : 0);
}

/* Maps and fills one loadable segment. A page shared with an earlier segment keeps its
 * frame and gains the rights of both. */
static void load_segment(paddr_t vspace, const char *image, const struct elf_segment *seg)
{
    vaddr_t start = ALIGN_DOWN(seg->vaddr, PAGE_SIZE);
    vaddr_t end = ALIGN_UP(seg->vaddr + seg->memsz, PAGE_SIZE);
    unsigned rights = segment_rights(seg->flags);

    for (vaddr_t va = start; va < end; va += PAGE_SIZE) {
        paddr_t frame;
        unsigned old_rights;
        if (vspace_lookup(vspace, va, &frame, &old_rights))
            rights |= old_rights;
        else
            frame = bootmem_alloc(PAGE_SIZE, PAGE_SIZE);
        vspace_boot_map(vspace, va, frame, rights);

        /* The part of this page covered by file bytes. */
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

void roottask_create(void)
{
    size_t size = (size_t)(roottask_image_end - roottask_image);
    enum elf_error err = elf_validate(roottask_image, size, USER_VTOP);
    if (err != ELF_OK)
        panic("root task image: %s", elf_error_string(err));

    paddr_t vspace = bootmem_alloc(PAGE_SIZE, PAGE_SIZE);
    vaddr_t image_end = 0;
    for (unsigned i = 0; i < elf_num_phdrs(roottask_image); i++) {
        struct elf_segment seg;
        if (!elf_segment(roottask_image, i, &seg) || seg.memsz == 0)
            continue;
        load_segment(vspace, roottask_image, &seg);
        if (seg.vaddr + seg.memsz > image_end)
            image_end = seg.vaddr + seg.memsz;
    }
    sync_icache_all();

    vaddr_t bootinfo_va = ALIGN_UP(image_end, PAGE_SIZE);
    vaddr_t ipc_va = bootinfo_va + PAGE_SIZE;
    paddr_t bootinfo_pa = bootmem_alloc(PAGE_SIZE, PAGE_SIZE);
    paddr_t ipc_pa = bootmem_alloc(PAGE_SIZE, PAGE_SIZE);
    vspace_boot_map(vspace, bootinfo_va, bootinfo_pa, VM_READ | VM_WRITE);
    vspace_boot_map(vspace, ipc_va, ipc_pa, VM_READ | VM_WRITE);

    seL4_BootInfo *bi = paddr_to_kva(bootinfo_pa);
    bi->nodeID = 0;
    bi->numNodes = 1;
    bi->ipcBuffer = (seL4_IPCBuffer *)ipc_va;

    struct tcb *t = paddr_to_kva(bootmem_alloc(sizeof(struct tcb), 64));
    memcpy(t->name, "rootserver", 11);
    t->vspace_root = vspace;
    t->asid = ROOTTASK_ASID;
    t->ipc_buffer_va = ipc_va;
    t->ipc_buffer = paddr_to_kva(ipc_pa);
    t->priority = CONFIG_MAX_PRIO;
    t->mcp = CONFIG_MAX_PRIO;
    t->timeslice = CONFIG_TIME_SLICE_TICKS;
    t->frame.pc = elf_entry(roottask_image);
    t->frame.spsr = SPSR_EL0T;
    t->frame.x[0] = bootinfo_va;
    thread_set_state(t, THREAD_RUNNING);
    sched_possible_switch_to(t);

    kprintf("kernel: root task: %zu-byte image, entry 0x%lx, boot info at 0x%lx\n", size,
            t->frame.pc, bootinfo_va);
}
