/* Virtual address spaces (see rt/vspace.h). */
#include <stdlib.h>
#include <string.h>
#include <rt/vspace.h>

/* Frames per run: one batch, in contiguous slots of one CNode. */
#define RUN_MAX_FRAMES 1024

enum run_owner {
    RUN_OWNED,  /* frames retyped for this range: freed with it */
    RUN_COPIES, /* copies of another range's frame caps: deleted with it */
};

struct frame_run {
    seL4_CPtr first;
    seL4_Word count;
    unsigned page_bits;
    enum run_owner owner;
    struct rt_object_batch batch;  /* RUN_OWNED */
    struct rt_cspace_range copies; /* RUN_COPIES */
};

/* One range in use. A reservation has no runs. The region is the first member, so the
 * vregion list's records are mappings. */
struct mapping {
    struct rt_vregion region;
    seL4_Word map_start; /* region.start + guard */
    unsigned num_runs;
    struct frame_run runs[];
};

static struct rt_vspace self;

struct rt_vspace *rt_vspace_self(void)
{
    return &self;
}

static struct mapping *lookup(const struct rt_vspace *vs, seL4_Word vaddr)
{
    return (struct mapping *)rt_vregions_lookup(&vs->regions, vaddr);
}

static struct mapping *mapping_new(unsigned runs)
{
    return calloc(1, sizeof(struct mapping) + runs * sizeof(struct frame_run));
}

static bool round_up(seL4_Word x, unsigned bits, seL4_Word *out)
{
    seL4_Word mask = ((seL4_Word)1 << bits) - 1;
    if (x + mask < x)
        return false;
    *out = (x + mask) & ~mask;
    return true;
}

/* The largest power of two of frames, at most RUN_MAX_FRAMES, that fits in n. */
static seL4_Word run_size(seL4_Word n)
{
    seL4_Word c = RUN_MAX_FRAMES;
    while (c > n)
        c >>= 1;
    return c;
}

static unsigned count_runs(seL4_Word pages)
{
    unsigned runs = 0;
    for (; pages > 0; pages -= run_size(pages))
        runs++;
    return runs;
}

static seL4_Word mapping_bytes(const struct mapping *m)
{
    seL4_Word bytes = 0;
    for (unsigned i = 0; i < m->num_runs; i++)
        bytes += m->runs[i].count << m->runs[i].page_bits;
    return bytes;
}

/* Enters m as [vaddr - guard, vaddr + size) or, for vaddr 0, the lowest free range of that
 * size aligned to 2^align_bits. */
static seL4_Error place(struct rt_vspace *vs, struct mapping *m, seL4_Word vaddr, seL4_Word guard,
                        seL4_Word size, unsigned align_bits)
{
    seL4_Word start, total = guard + size;
    if (total < size)
        return seL4_InvalidArgument;
    if (vaddr != 0) {
        if (vaddr & (((seL4_Word)1 << align_bits) - 1))
            return seL4_AlignmentError;
        if (vaddr < guard)
            return seL4_InvalidArgument;
        start = vaddr - guard;
    } else {
        seL4_Error err = rt_vregions_find(&vs->regions, total, align_bits, &start);
        if (err != seL4_NoError)
            return err;
    }
    seL4_Error err = rt_vregions_insert(&vs->regions, &m->region, start, total);
    if (err != seL4_NoError)
        return err;
    m->map_start = start + guard;
    return seL4_NoError;
}

/* Retypes a page table and maps it for vaddr at the first level that lacks one. */
static seL4_Error add_table(struct rt_vspace *vs, seL4_Word vaddr)
{
    if (vs->num_tables == vs->max_tables) {
        unsigned max = vs->max_tables ? 2 * vs->max_tables : 16;
        struct rt_object *t = realloc(vs->tables, max * sizeof(*t));
        if (!t)
            return seL4_NotEnoughMemory;
        vs->tables = t;
        vs->max_tables = max;
    }
    struct rt_object pt;
    seL4_Error err = rt_object_alloc(seL4_ARM_PageTableObject, 0, &pt);
    if (err != seL4_NoError)
        return err;
    err = seL4_ARM_PageTable_Map(pt.cap, vs->root, vaddr, seL4_ARM_Default_VMAttributes);
    if (err != seL4_NoError) {
        rt_object_free(&pt);
        return err;
    }
    vs->tables[vs->num_tables++] = pt;
    return seL4_NoError;
}

/* Below the VSpace root there are at most three missing levels to fill. */
seL4_Error rt_vspace_map_frame(struct rt_vspace *vs, seL4_CPtr frame, seL4_Word vaddr,
                               seL4_CapRights_t rights, seL4_ARM_VMAttributes attr)
{
    for (unsigned tables = 0;; tables++) {
        seL4_Error err = seL4_ARM_Page_Map(frame, vs->root, vaddr, rights, attr);
        if (err != seL4_FailedLookup || tables == 3)
            return err;
        err = add_table(vs, vaddr);
        if (err != seL4_NoError)
            return err;
    }
}

/* Unmaps the frames of runs [0, runs), of which the last has only its first
 * frames_in_last frames mapped. */
static void unmap_runs(const struct mapping *m, unsigned runs, seL4_Word frames_in_last)
{
    for (unsigned r = 0; r < runs; r++) {
        seL4_Word n = r + 1 == runs ? frames_in_last : m->runs[r].count;
        for (seL4_Word i = 0; i < n; i++)
            seL4_ARM_Page_Unmap(m->runs[r].first + i);
    }
}

/* Maps every frame of m in order from map_start; on failure unmaps what it mapped. */
static seL4_Error map_runs(struct rt_vspace *vs, const struct mapping *m, seL4_CapRights_t rights,
                           seL4_ARM_VMAttributes attr)
{
    seL4_Word vaddr = m->map_start;
    for (unsigned r = 0; r < m->num_runs; r++) {
        const struct frame_run *run = &m->runs[r];
        for (seL4_Word i = 0; i < run->count; i++) {
            seL4_Error err = rt_vspace_map_frame(vs, run->first + i, vaddr, rights, attr);
            if (err != seL4_NoError) {
                unmap_runs(m, r + 1, i);
                return err;
            }
            vaddr += (seL4_Word)1 << run->page_bits;
        }
    }
    return seL4_NoError;
}

/* Frees what the runs own: a batch of frames is revoked (deleting every copy and mapping
 * of them), copies are deleted and their slots freed. */
static void free_runs(struct mapping *m)
{
    for (unsigned r = 0; r < m->num_runs; r++) {
        struct frame_run *run = &m->runs[r];
        if (run->owner == RUN_OWNED) {
            rt_object_free_batch(&run->batch);
        } else {
            for (seL4_Word i = 0; i < run->count; i++)
                rt_cspace_delete(run->first + i);
            rt_cspace_free_range(&run->copies);
        }
    }
    m->num_runs = 0;
}

/* Drops m: unmaps its frames if `unmap` (not needed when the VSpace is gone), frees what it
 * owns, and releases the range. */
static void release(struct rt_vspace *vs, struct mapping *m, bool unmap)
{
    if (unmap && m->num_runs > 0)
        unmap_runs(m, m->num_runs, m->runs[m->num_runs - 1].count);
    free_runs(m);
    rt_vregions_remove(&vs->regions, &m->region);
    free(m);
}

seL4_Error rt_vspace_reserve(struct rt_vspace *vs, seL4_Word vaddr, seL4_Word size,
                             unsigned align_bits, seL4_Word *out)
{
    seL4_Word rounded;
    if (size == 0 || !round_up(size, seL4_PageBits, &rounded) || align_bits < seL4_PageBits ||
        align_bits >= seL4_WordBits)
        return seL4_InvalidArgument;
    struct mapping *m = mapping_new(0);
    if (!m)
        return seL4_NotEnoughMemory;
    seL4_Error err = place(vs, m, vaddr, 0, rounded, align_bits);
    if (err != seL4_NoError) {
        free(m);
        return err;
    }
    *out = m->map_start;
    return seL4_NoError;
}

/* The range is entered first, then frames are retyped in runs of at most RUN_MAX_FRAMES
 * (powers of two, largest first, so no block is wasted), then mapped in address order.
 * Any failure unwinds through release(): nothing stays allocated. */
seL4_Error rt_vspace_map_new(struct rt_vspace *vs, const struct rt_map_request *req, seL4_Word *out)
{
    unsigned pb = req->page_bits;
    seL4_Word size, guard;
    if (pb != seL4_PageBits && pb != seL4_LargePageBits)
        return seL4_InvalidArgument;
    if (req->size == 0 || !round_up(req->size, pb, &size) || !round_up(req->guard, pb, &guard))
        return seL4_InvalidArgument;
    seL4_Word pages = size >> pb;
    seL4_Word type = pb == seL4_PageBits ? seL4_ARM_SmallPageObject : seL4_ARM_LargePageObject;
    struct mapping *m = mapping_new(count_runs(pages));
    if (!m)
        return seL4_NotEnoughMemory;
    seL4_Error err = place(vs, m, req->vaddr, guard, size, pb);
    if (err != seL4_NoError) {
        free(m);
        return err;
    }
    for (seL4_Word done = 0; done < pages;) {
        struct frame_run *run = &m->runs[m->num_runs];
        run->count = run_size(pages - done);
        err = rt_object_alloc_batch(type, 0, run->count, &run->batch);
        if (err != seL4_NoError)
            goto fail;
        run->first = run->batch.first;
        run->page_bits = pb;
        run->owner = RUN_OWNED;
        m->num_runs++;
        done += run->count;
    }
    err = map_runs(vs, m, req->rights, req->attr);
    if (err != seL4_NoError)
        goto fail;
    *out = m->map_start;
    return seL4_NoError;
fail:
    release(vs, m, false);
    return err;
}

/* One run of cap copies per run of the source (same lengths, so the layout matches),
 * each copied with req->rights; then mapped like any range. */
seL4_Error rt_vspace_map_shared(struct rt_vspace *to, const struct rt_map_request *req,
                                struct rt_vspace *from, seL4_Word from_vaddr, seL4_Word *out)
{
    struct mapping *src = lookup(from, from_vaddr);
    if (!src || src->num_runs == 0)
        return seL4_FailedLookup;
    unsigned pb = src->runs[0].page_bits;
    seL4_Word guard;
    if (!round_up(req->guard, pb, &guard))
        return seL4_InvalidArgument;
    struct mapping *m = mapping_new(src->num_runs);
    if (!m)
        return seL4_NotEnoughMemory;
    seL4_Error err = place(to, m, req->vaddr, guard, mapping_bytes(src), pb);
    if (err != seL4_NoError) {
        free(m);
        return err;
    }
    for (unsigned r = 0; r < src->num_runs; r++) {
        struct frame_run *run = &m->runs[r];
        err = rt_cspace_alloc_range(src->runs[r].count, &run->copies);
        if (err != seL4_NoError)
            goto fail;
        run->first = run->copies.first;
        run->count = src->runs[r].count;
        run->page_bits = pb;
        run->owner = RUN_COPIES;
        m->num_runs++;
        for (seL4_Word i = 0; i < run->count; i++) {
            err = rt_cspace_copy(run->first + i, src->runs[r].first + i, req->rights);
            if (err != seL4_NoError)
                goto fail;
        }
    }
    err = map_runs(to, m, req->rights, req->attr);
    if (err != seL4_NoError)
        goto fail;
    *out = m->map_start;
    return seL4_NoError;
fail:
    release(to, m, false);
    return err;
}

/* The runs change owner: the new range takes the source's run records, the frames are
 * unmapped from the source VSpace and mapped into the destination. */
seL4_Error rt_vspace_move(struct rt_vspace *from, seL4_Word from_vaddr, struct rt_vspace *to,
                          const struct rt_map_request *req, seL4_Word *out)
{
    struct mapping *src = lookup(from, from_vaddr);
    if (!src || src->num_runs == 0)
        return seL4_FailedLookup;
    unsigned pb = src->runs[0].page_bits;
    seL4_Word guard;
    if (!round_up(req->guard, pb, &guard)) {
        release(from, src, true);
        return seL4_InvalidArgument;
    }
    struct mapping *m = mapping_new(src->num_runs);
    if (!m) {
        release(from, src, true);
        return seL4_NotEnoughMemory;
    }
    seL4_Error err = place(to, m, req->vaddr, guard, mapping_bytes(src), pb);
    if (err != seL4_NoError) {
        free(m);
        release(from, src, true);
        return err;
    }
    memcpy(m->runs, src->runs, src->num_runs * sizeof(struct frame_run));
    m->num_runs = src->num_runs;
    src->num_runs = 0;
    unmap_runs(m, m->num_runs, m->runs[m->num_runs - 1].count);
    release(from, src, false);
    err = map_runs(to, m, req->rights, req->attr);
    if (err != seL4_NoError) {
        release(to, m, false);
        return err;
    }
    *out = m->map_start;
    return seL4_NoError;
}

seL4_Error rt_vspace_unmap(struct rt_vspace *vs, seL4_Word vaddr)
{
    struct mapping *m = lookup(vs, vaddr);
    if (!m)
        return seL4_FailedLookup;
    release(vs, m, true);
    return seL4_NoError;
}

seL4_Error rt_vspace_frame_cap(const struct rt_vspace *vs, seL4_Word vaddr, seL4_CPtr *cap)
{
    const struct mapping *m = lookup(vs, vaddr);
    if (!m || vaddr < m->map_start)
        return seL4_FailedLookup;
    seL4_Word off = vaddr - m->map_start;
    for (unsigned r = 0; r < m->num_runs; r++) {
        const struct frame_run *run = &m->runs[r];
        seL4_Word bytes = run->count << run->page_bits;
        if (off < bytes) {
            *cap = run->first + (off >> run->page_bits);
            return seL4_NoError;
        }
        off -= bytes;
    }
    return seL4_FailedLookup;
}

/* A linker symbol's value, laundered so the compiler cannot assume it is a non-null
 * object address. */
static seL4_Word symbol_value(const void *sym)
{
    seL4_Word v;
    __asm__("" : "=r"(v) : "0"(sym));
    return v;
}

extern char __stack_top[]; /* end of the last section of the image (runtime/user.ld) */

seL4_Error rt_vspace_init_self(struct rt_vspace *vs, const seL4_BootInfo *bi)
{
    memset(vs, 0, sizeof(*vs));
    vs->root = seL4_CapInitThreadVSpace;
    rt_vregions_init(&vs->regions, RT_VSPACE_WINDOW_LO, RT_VSPACE_WINDOW_HI);

    /* The kernel puts the boot info and then the IPC buffer page right after the image. */
    seL4_Word end = symbol_value(__stack_top);
    if ((seL4_Word)bi + (1u << seL4_PageBits) > end)
        end = (seL4_Word)bi + (1u << seL4_PageBits);
    if ((seL4_Word)bi->ipcBuffer + (1u << seL4_PageBits) > end)
        end = (seL4_Word)bi->ipcBuffer + (1u << seL4_PageBits);
    round_up(end, seL4_PageBits, &end);
    struct mapping *image = mapping_new(0);
    if (!image)
        return seL4_NotEnoughMemory;
    image->map_start = 0;
    return rt_vregions_insert(&vs->regions, &image->region, 0, end);
}

/* A VSpace object with an ASID from asid_pool, and an empty range list. */
seL4_Error rt_vspace_create(struct rt_vspace *vs, seL4_CPtr asid_pool)
{
    memset(vs, 0, sizeof(*vs));
    rt_vregions_init(&vs->regions, RT_VSPACE_WINDOW_LO, RT_VSPACE_WINDOW_HI);
    seL4_Error err = rt_object_alloc(seL4_ARM_VSpaceObject, 0, &vs->vspace);
    if (err != seL4_NoError)
        return err;
    err = seL4_ARM_ASIDPool_Assign(asid_pool, vs->vspace.cap);
    if (err != seL4_NoError) {
        rt_object_free(&vs->vspace);
        return err;
    }
    vs->root = vs->vspace.cap;
    return seL4_NoError;
}

/* Deleting the VSpace first removes every mapping at once, so the ranges are released
 * without unmapping page by page. */
seL4_Error rt_vspace_destroy(struct rt_vspace *vs)
{
    if (vs == &self || vs->vspace.cap == seL4_CapNull)
        return seL4_IllegalOperation;
    seL4_Error err = rt_object_free(&vs->vspace);
    if (err != seL4_NoError)
        return err;
    while (vs->regions.head)
        release(vs, (struct mapping *)vs->regions.head, false);
    for (unsigned i = 0; i < vs->num_tables; i++)
        rt_object_free(&vs->tables[i]);
    free(vs->tables);
    memset(vs, 0, sizeof(*vs));
    return seL4_NoError;
}

void rt_vspace_sync_code(seL4_Word start, seL4_Word size)
{
    uint64_t ctr;
    __asm__ volatile("mrs %0, ctr_el0" : "=r"(ctr));
    seL4_Word dline = (seL4_Word)4 << ((ctr >> 16) & 0xf);
    seL4_Word iline = (seL4_Word)4 << (ctr & 0xf);
    for (seL4_Word a = start & ~(dline - 1); a < start + size; a += dline)
        __asm__ volatile("dc cvau, %0" ::"r"(a) : "memory");
    __asm__ volatile("dsb ish" ::: "memory");
    for (seL4_Word a = start & ~(iline - 1); a < start + size; a += iline)
        __asm__ volatile("ic ivau, %0" ::"r"(a) : "memory");
    __asm__ volatile("dsb ish\n\tisb" ::: "memory");
}
