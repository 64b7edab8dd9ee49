/* Processes loaded from ELF images in memory (see rt/process.h). */
#include <string.h>
#include <rt/cspace.h>
#include <elf64.h>
#include <rt/process.h>

#define USER_VADDR_LIMIT (1ull << 48)
#define MAX_SEGMENTS     16
#define PAGE_SIZE        ((seL4_Word)1 << seL4_PageBits)

static seL4_Word page_down(seL4_Word x)
{
    return x & ~(PAGE_SIZE - 1);
}

static seL4_Word page_up(seL4_Word x)
{
    return (x + PAGE_SIZE - 1) & ~(PAGE_SIZE - 1);
}

/* Segment flags to mapping rights: anything mapped is readable (EL0 cannot use a page it
 * cannot read), writable only with PF_W, executable only with PF_X. */
static struct rt_map_request child_request(seL4_Word vaddr, uint32_t flags)
{
    struct rt_map_request req = {
        .vaddr = vaddr,
        .rights = seL4_CapRights_new(0, 0, 1, (flags & ELF_PF_W) != 0),
        .attr = seL4_ARM_Default_VMAttributes,
    };
    if (!(flags & ELF_PF_X))
        req.attr |= seL4_ARM_ExecuteNever;
    return req;
}

/* Loads segments [0, n) of segs, which share pages (or abut) and so are one range
 * [lo, hi): new frames are mapped in the caller, filled, and moved to the child with the
 * union of the segments' rights. */
static seL4_Error load_range(struct rt_process *p, const char *image,
                             const struct elf_segment *segs, unsigned n, seL4_Word lo, seL4_Word hi,
                             uint32_t flags)
{
    struct rt_vspace *self = rt_vspace_self();
    struct rt_map_request tmp_req = {
        .size = hi - lo,
        .page_bits = seL4_PageBits,
        .rights = seL4_ReadWrite,
        .attr = seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever,
    };
    seL4_Word tmp, out;
    seL4_Error err = rt_vspace_map_new(self, &tmp_req, &tmp);
    if (err != seL4_NoError)
        return err;
    /* New frames are zero, so only the file bytes need copying. */
    for (unsigned i = 0; i < n; i++)
        memcpy((char *)(tmp + (segs[i].vaddr - lo)), image + segs[i].offset, segs[i].filesz);
    if (flags & ELF_PF_X)
        rt_vspace_sync_code(tmp, hi - lo);
    struct rt_map_request req = child_request(lo, flags);
    return rt_vspace_move(self, tmp, &p->vspace, &req, &out);
}

/* Loads every PT_LOAD segment, in address order, merging segments that share a page. */
static seL4_Error load_image(struct rt_process *p, const char *image)
{
    struct elf_segment segs[MAX_SEGMENTS], seg;
    unsigned n = 0;
    for (unsigned i = 0; i < elf_num_phdrs(image); i++) {
        if (!elf_segment(image, i, &seg) || seg.memsz == 0)
            continue;
        if (n == MAX_SEGMENTS)
            return seL4_InvalidArgument;
        unsigned j = n++;
        for (; j > 0 && segs[j - 1].vaddr > seg.vaddr; j--)
            segs[j] = segs[j - 1];
        segs[j] = seg;
    }
    for (unsigned i = 0; i < n;) {
        seL4_Word lo = page_down(segs[i].vaddr), hi = page_up(segs[i].vaddr + segs[i].memsz);
        uint32_t flags = segs[i].flags;
        unsigned j = i + 1;
        for (; j < n && page_down(segs[j].vaddr) < hi; j++) {
            seL4_Word end = page_up(segs[j].vaddr + segs[j].memsz);
            hi = end > hi ? end : hi;
            flags |= segs[j].flags;
        }
        seL4_Error err = load_range(p, image, segs + i, j - i, lo, hi, flags);
        if (err != seL4_NoError)
            return err;
        i = j;
    }
    return seL4_NoError;
}

/* Copies cap `src` of the caller's CSpace into slot `slot` of the child's CNode. */
static seL4_Error give_cap(struct rt_process *p, seL4_Word slot, seL4_CPtr src)
{
    return seL4_CNode_Copy(p->cnode.cap, slot, (seL4_Uint8)p->cnode_bits, rt_cspace_root(), src,
                           RT_CSPACE_DEPTH, seL4_AllRights);
}

/* Fills the child's CNode with the layout of rt/start_info.h. */
static seL4_Error fill_cnode(struct rt_process *p, const struct rt_process_config *cfg,
                             seL4_CPtr info_frame, seL4_CPtr ipc_frame)
{
    seL4_Word guard = seL4_WordBits - p->cnode_bits;
    seL4_Error err = give_cap(p, RT_START_SLOT_TCB, p->tcb.cap);
    if (err == seL4_NoError)
        err = give_cap(p, RT_START_SLOT_EXIT_NTFN, p->exit_ntfn.cap);
    if (err == seL4_NoError)
        err = seL4_CNode_Mint(p->cnode.cap, RT_START_SLOT_CNODE, (seL4_Uint8)p->cnode_bits,
                              rt_cspace_root(), p->cnode.cap, RT_CSPACE_DEPTH, seL4_AllRights,
                              seL4_CNode_CapData_new(0, guard));
    if (err == seL4_NoError)
        err = give_cap(p, RT_START_SLOT_VSPACE, p->vspace.root);
    if (err == seL4_NoError)
        err = give_cap(p, RT_START_SLOT_INFO, info_frame);
    if (err == seL4_NoError)
        err = give_cap(p, RT_START_SLOT_IPC_BUFFER, ipc_frame);
    for (unsigned i = 0; i < cfg->num_caps && err == seL4_NoError; i++)
        err = give_cap(p, RT_START_SLOT_FIRST_CAP + i, cfg->caps[i]);
    return err;
}

/* Frees whatever part of the process exists (fields are zero until made). */
static void teardown(struct rt_process *p)
{
    if (p->tcb.cap) {
        seL4_TCB_Suspend(p->tcb.cap);
        rt_object_free(&p->tcb);
    }
    if (p->cnode.cap)
        rt_object_free(&p->cnode);
    if (p->exit_ntfn.cap)
        rt_object_free(&p->exit_ntfn);
    if (p->info)
        rt_vspace_unmap(rt_vspace_self(), (seL4_Word)p->info);
    if (p->vspace.root)
        rt_vspace_destroy(&p->vspace);
    memset(p, 0, sizeof(*p));
}

/*
 * In order: VSpace, image, stack, IPC buffer, start info page (mapped in both), CNode and
 * TCB, the child's caps, the start info contents, then the TCB's spaces, priority and
 * registers. The child does not run until rt_process_start.
 */
seL4_Error rt_process_create(struct rt_process *p, const void *elf, size_t size,
                             const struct rt_process_config *cfg)
{
    struct rt_process_config defaults = {.priority = seL4_MaxPrio};
    seL4_Word stack, ipc, info;
    seL4_CPtr ipc_frame, info_frame;

    memset(p, 0, sizeof(*p));
    if (!cfg)
        cfg = &defaults;
    unsigned bits = cfg->cnode_bits ? cfg->cnode_bits : RT_PROCESS_CNODE_BITS;
    seL4_Word stack_size = page_up(cfg->stack_size ? cfg->stack_size : RT_PROCESS_STACK_SIZE);
    if (bits < 5 || bits > seL4_MaxCNodeBits || cfg->num_words > RT_START_MAX_WORDS ||
        cfg->num_caps > RT_START_MAX_CAPS || (cfg->num_words && !cfg->words) ||
        (cfg->num_caps && !cfg->caps))
        return seL4_InvalidArgument;
    if (elf_validate(elf, size, USER_VADDR_LIMIT) != ELF_OK)
        return seL4_InvalidArgument;
    p->cnode_bits = bits;
    p->entry = elf_entry(elf);

    seL4_Error err = rt_vspace_create(&p->vspace, seL4_CapInitThreadASIDPool);
    if (err != seL4_NoError)
        goto fail;
    err = load_image(p, elf);
    if (err != seL4_NoError)
        goto fail;

    struct rt_map_request req = {
        .size = stack_size,
        .guard = PAGE_SIZE,
        .page_bits = seL4_PageBits,
        .rights = seL4_ReadWrite,
        .attr = seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever,
    };
    err = rt_vspace_map_new(&p->vspace, &req, &stack);
    if (err != seL4_NoError)
        goto fail;
    req.size = PAGE_SIZE;
    req.guard = 0;
    err = rt_vspace_map_new(&p->vspace, &req, &ipc);
    if (err == seL4_NoError)
        err = rt_vspace_frame_cap(&p->vspace, ipc, &ipc_frame);
    if (err != seL4_NoError)
        goto fail;
    err = rt_vspace_map_new(rt_vspace_self(), &req, &info);
    if (err != seL4_NoError)
        goto fail;
    p->info = (struct rt_start_info *)info;
    err = rt_vspace_map_shared(&p->vspace, &req, rt_vspace_self(), info, &p->info_child);
    if (err == seL4_NoError)
        err = rt_vspace_frame_cap(rt_vspace_self(), info, &info_frame);
    if (err != seL4_NoError)
        goto fail;

    err = rt_object_alloc(seL4_CapTableObject, bits, &p->cnode);
    if (err == seL4_NoError)
        err = rt_object_alloc(seL4_TCBObject, 0, &p->tcb);
    if (err == seL4_NoError)
        err = rt_object_alloc(seL4_NotificationObject, 0, &p->exit_ntfn);
    if (err == seL4_NoError)
        err = fill_cnode(p, cfg, info_frame, ipc_frame);
    if (err != seL4_NoError)
        goto fail;

    struct rt_start_info *si = p->info;
    si->magic = RT_START_INFO_MAGIC;
    si->stack_top = stack + stack_size;
    si->cnode_size_bits = bits;
    si->tcb = RT_START_SLOT_TCB;
    si->cnode = RT_START_SLOT_CNODE;
    si->vspace = RT_START_SLOT_VSPACE;
    si->exit_ntfn = RT_START_SLOT_EXIT_NTFN;
    si->info_frame = RT_START_SLOT_INFO;
    si->ipc_buffer_frame = RT_START_SLOT_IPC_BUFFER;
    si->ipc_buffer = (seL4_IPCBuffer *)ipc;
    si->empty.start = RT_START_SLOT_FIRST_CAP + cfg->num_caps;
    si->empty.end = (seL4_Word)1 << bits;
    si->num_words = cfg->num_words;
    for (unsigned i = 0; i < cfg->num_words; i++)
        si->words[i] = cfg->words[i];
    si->num_caps = cfg->num_caps;
    for (unsigned i = 0; i < cfg->num_caps; i++)
        si->caps[i] = RT_START_SLOT_FIRST_CAP + i;

    err = seL4_TCB_Configure(p->tcb.cap, seL4_CapNull, p->cnode.cap,
                             seL4_CNode_CapData_new(0, seL4_WordBits - bits), p->vspace.root, 0,
                             ipc, ipc_frame);
    if (err == seL4_NoError)
        err = seL4_TCB_SetPriority(p->tcb.cap, seL4_CapInitThreadTCB, cfg->priority);
    if (err != seL4_NoError)
        goto fail;
    if (cfg->name)
        seL4_DebugNameThread(p->tcb.cap, cfg->name);
    seL4_UserContext regs = {.pc = p->entry, .sp = si->stack_top, .x0 = p->info_child};
    err = seL4_TCB_WriteRegisters(p->tcb.cap, 0, 0, 4, &regs);
    if (err != seL4_NoError)
        goto fail;
    return seL4_NoError;

fail:
    teardown(p);
    return err;
}

struct rt_start_info *rt_process_info(struct rt_process *p)
{
    return p->info;
}

seL4_Error rt_process_share(struct rt_process *p, seL4_Word parent_vaddr, seL4_CapRights_t rights,
                            seL4_Word *child_vaddr)
{
    struct rt_map_request req = {
        .rights = rights,
        .attr = seL4_ARM_Default_VMAttributes | seL4_ARM_ExecuteNever,
    };
    if (!p->tcb.cap)
        return seL4_InvalidArgument;
    return rt_vspace_map_shared(&p->vspace, &req, rt_vspace_self(), parent_vaddr, child_vaddr);
}

seL4_Error rt_process_start(struct rt_process *p)
{
    if (!p->tcb.cap)
        return seL4_InvalidArgument;
    return seL4_TCB_Resume(p->tcb.cap);
}

/* The child's _exit sets `exited` after exit_status (release), so an acquire load that
 * sees it also sees the status. */
bool rt_process_exited(const struct rt_process *p, int *status)
{
    if (!p->info || !__atomic_load_n(&p->info->exited, __ATOMIC_ACQUIRE))
        return false;
    if (status)
        *status = (int)p->info->exit_status;
    return true;
}

seL4_Error rt_process_wait(struct rt_process *p, int *status)
{
    if (!p->tcb.cap)
        return seL4_InvalidArgument;
    while (!rt_process_exited(p, status))
        seL4_Wait(p->exit_ntfn.cap, NULL);
    return seL4_NoError;
}

seL4_Error rt_process_destroy(struct rt_process *p)
{
    if (!p->tcb.cap)
        return seL4_InvalidArgument;
    teardown(p);
    return seL4_NoError;
}
