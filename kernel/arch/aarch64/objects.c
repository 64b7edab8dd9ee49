/*
 * AArch64 capabilities: frames, page tables, VSpaces, ASID control and ASID pools, and
 * their invocations (seL4 reference manual, chapter 7, AArch64 flavour).
 *
 * Mappings are recorded in the cap (ASID and address), never in the object, so unmapping
 * goes through the ASID: if the VSpace behind it is gone, there is nothing left to undo.
 */
#include <arch/objects.h>
#include <arch/sysreg.h>
#include <arch/vspace.h>
#include <api/invocation.h>
#include <object/cnode.h>
#include <object/tcb.h>
#include <core.h>
#include <kstring.h>
#include <memory.h>
#include <sel4/invocation.h>

#define MAPPED_ASID(c) ((c).data >> 48)
#define MAPPED_VA(c)   ((c).data & MASK(48))

static word_t mapping_data(word_t asid, vaddr_t va)
{
    return (asid << 48) | (va & MASK(48));
}

bool arch_is_valid_vspace(struct cap c)
{
    return c.type == CAP_VSPACE && c.data != 0 && asid_lookup(c.data) == cap_ptr(c);
}

void arch_set_vm_root(struct tcb *t)
{
    struct cap c = t->slots[TCB_VSPACE].cap;
    if (arch_is_valid_vspace(c))
        vspace_load(cap_ptr(c), c.data);
    else
        vspace_load(NULL, 0);
}

void arch_tcb_set_tls(struct tcb *t, word_t base)
{
    t->frame.tpidr = base;
    if (t == cur_thread())
        write_tpidr_el0(base);
}

void arch_tcb_set_ipc_buffer(struct tcb *t, word_t va)
{
    t->frame.tpidrro = va;
    if (t == cur_thread())
        write_tpidrro_el0(va);
}

struct cap arch_object_create(seL4_ObjectType type, void *obj, bool device)
{
    switch (type) {
    case seL4_ARM_SmallPageObject:
        return cap_make(CAP_FRAME, obj, CAP_RIGHTS_ALL, seL4_PageBits, device, 0);
    case seL4_ARM_LargePageObject:
        return cap_make(CAP_FRAME, obj, CAP_RIGHTS_ALL, seL4_LargePageBits, device, 0);
    case seL4_ARM_PageTableObject:
        return cap_make(CAP_PAGE_TABLE, obj, CAP_RIGHTS_ALL, 0, false, 0);
    case seL4_ARM_VSpaceObject:
        return cap_make(CAP_VSPACE, obj, CAP_RIGHTS_ALL, 0, false, 0);
    default:
        return cap_null();
    }
}

struct cap arch_derive_cap(struct cap c, int *err)
{
    *err = seL4_NoError;
    switch (c.type) {
    case CAP_FRAME:
        c.data = 0; /* a copy starts unmapped */
        return c;
    case CAP_PAGE_TABLE:
    case CAP_VSPACE:
        /* As seL4: only a mapped table / a VSpace with an ASID may be copied. */
        if (c.data == 0)
            *err = seL4_IllegalOperation;
        return c;
    default:
        return c;
    }
}

/* Removes a frame's mapping if the entry still maps this frame. */
static void frame_unmap(struct cap c)
{
    pte_t *root = asid_lookup(MAPPED_ASID(c));
    if (!root)
        return;
    int missing, level = c.size_bits == seL4_LargePageBits ? 2 : 3;
    pte_t *e = vspace_walk(root, MAPPED_VA(c), level, &missing);
    word_t type = level == 3 ? PTE_TYPE_PAGE : PTE_TYPE_BLOCK;
    if (!e || (*e & PTE_TYPE_MASK) != type || (*e & PTE_ADDR_MASK) != kva_to_paddr(cap_ptr(c)))
        return;
    *e = 0;
    dsb_ishst();
    tlbi_page(MAPPED_ASID(c), MAPPED_VA(c));
    dsb_ish();
}

/* Removes a page table from the VSpace it is mapped into, if it is still there. */
static void page_table_unmap(struct cap c)
{
    pte_t *table = asid_lookup(MAPPED_ASID(c));
    paddr_t pt = kva_to_paddr(cap_ptr(c));
    for (int level = 0; table && level < 3; level++) {
        pte_t *e = &table[pt_index(MAPPED_VA(c), level)];
        if ((*e & PTE_TYPE_MASK) != PTE_TYPE_TABLE)
            return;
        if ((*e & PTE_ADDR_MASK) == pt) {
            *e = 0;
            dsb_ishst();
            tlbi_asid(MAPPED_ASID(c));
            dsb_ish();
            return;
        }
        table = paddr_to_kva(*e & PTE_ADDR_MASK);
    }
}

/* Drops one ASID: its TLB entries, and the address space if a thread is running on it. */
static void asid_drop(word_t asid, pte_t *root)
{
    struct core *c = this_core();
    tlbi_asid(asid);
    dsb_ish();
    if (c->vm_root == (kva_to_paddr(root) | (asid << 48)))
        vspace_load(NULL, 0);
}

void arch_finalise_cap(struct cap c)
{
    switch (c.type) {
    case CAP_FRAME:
        if (c.data)
            frame_unmap(c);
        break;
    case CAP_PAGE_TABLE:
        if (c.data)
            page_table_unmap(c);
        break;
    case CAP_VSPACE:
        if (c.data && asid_lookup(c.data) == cap_ptr(c)) {
            asid_table[c.data >> ASID_POOL_BITS]->vspace[c.data & (ASID_POOL_SLOTS - 1)] = NULL;
            asid_drop(c.data, cap_ptr(c));
        }
        break;
    case CAP_ASID_POOL: {
        struct asid_pool *pool = cap_ptr(c);
        word_t index = c.data >> ASID_POOL_BITS;
        if (asid_table[index] != pool)
            break;
        for (word_t i = 0; i < ASID_POOL_SLOTS; i++) {
            if (pool->vspace[i])
                asid_drop(c.data + i, pool->vspace[i]);
        }
        asid_table[index] = NULL;
        break;
    }
    default:
        break;
    }
}

/* The VSpace an extra cap names, if it is one with a live ASID. */
static pte_t *extra_vspace(struct invocation *inv, unsigned i, word_t *asid)
{
    struct cap c = inv->extra[i]->cap;
    if (!arch_is_valid_vspace(c))
        return NULL;
    *asid = c.data;
    return cap_ptr(c);
}

static int decode_page_table(struct invocation *inv)
{
    struct cap pt = inv->cap;
    if (inv->label == ARMPageTableUnmap) {
        if (pt.data) {
            page_table_unmap(pt);
            memset(cap_ptr(pt), 0, PAGE_SIZE);
            inv->slot->cap.data = 0;
        }
        return seL4_NoError;
    }
    if (inv->label != ARMPageTableMap)
        return seL4_IllegalOperation;
    if (inv->length < 2 || inv->extra_caps < 1)
        return seL4_TruncatedMessage;
    word_t asid, va = inv_mr(inv, 0);
    pte_t *table = extra_vspace(inv, 0, &asid);
    if (pt.data || !table)
        return seL4_InvalidCapability;
    if (va >= USER_VTOP)
        return seL4_InvalidArgument;
    /* The table goes at the first level of the walk that has no table. */
    for (int level = 0; level < 3; level++) {
        pte_t *e = &table[pt_index(va, level)];
        if (!(*e & PTE_VALID)) {
            *e = kva_to_paddr(cap_ptr(pt)) | PTE_TYPE_TABLE;
            dsb_ishst();
            inv->slot->cap.data = mapping_data(asid, ALIGN_DOWN(va, pt_level_span(level)));
            return seL4_NoError;
        }
        if ((*e & PTE_TYPE_MASK) != PTE_TYPE_TABLE)
            return seL4_DeleteFirst;
        table = paddr_to_kva(*e & PTE_ADDR_MASK);
    }
    return seL4_DeleteFirst;
}

static int decode_page_map(struct invocation *inv)
{
    struct cap f = inv->cap;
    if (inv->length < 3 || inv->extra_caps < 1)
        return seL4_TruncatedMessage;
    word_t asid, va = inv_mr(inv, 0), req = inv_mr(inv, 1), attr = inv_mr(inv, 2);
    pte_t *root = extra_vspace(inv, 0, &asid);
    if (!root)
        return seL4_InvalidCapability;
    if (f.data && f.data != mapping_data(asid, va))
        return seL4_InvalidCapability;
    word_t size = BIT(f.size_bits);
    if (!IS_ALIGNED(va, size))
        return seL4_AlignmentError;
    if (va >= USER_VTOP || size > USER_VTOP - va)
        return seL4_InvalidArgument;
    bool large = f.size_bits == seL4_LargePageBits;
    int missing;
    pte_t *e = vspace_walk(root, va, large ? 2 : 3, &missing);
    if (!e)
        return seL4_FailedLookup;
    paddr_t pa = kva_to_paddr(cap_ptr(f));
    bool remap = f.data != 0;
    if (*e & PTE_VALID) {
        bool same = (*e & PTE_ADDR_MASK) == pa &&
                    (*e & PTE_TYPE_MASK) == (large ? PTE_TYPE_BLOCK : PTE_TYPE_PAGE);
        if (!same || !remap)
            return seL4_DeleteFirst;
    }

    /* Write requires read; both are limited by the cap's rights. */
    unsigned rights = 0;
    if ((req & CAP_RIGHT_READ) && (f.rights & CAP_RIGHT_READ)) {
        rights = VM_READ | VM_EXEC;
        if ((req & CAP_RIGHT_WRITE) && (f.rights & CAP_RIGHT_WRITE))
            rights |= VM_WRITE;
    }
    *e = pte_make_leaf(pa, rights, attr, large);
    dsb_ishst();
    if (remap) {
        tlbi_page(asid, va);
        dsb_ish();
    }
    inv->slot->cap.data = mapping_data(asid, va);
    return seL4_NoError;
}

static int decode_frame(struct invocation *inv)
{
    switch (inv->label) {
    case ARMPageMap:
        return decode_page_map(inv);
    case ARMPageUnmap:
        if (inv->cap.data) {
            frame_unmap(inv->cap);
            inv->slot->cap.data = 0;
        }
        return seL4_NoError;
    case ARMPageGetAddress:
        inv_set_reply(inv, 0, kva_to_paddr(cap_ptr(inv->cap)));
        return seL4_NoError;
    default:
        return seL4_IllegalOperation;
    }
}

static int decode_make_pool(struct invocation *inv)
{
    if (inv->label != ARMASIDControlMakePool)
        return seL4_IllegalOperation;
    if (inv->length < 2 || inv->extra_caps < 2)
        return seL4_TruncatedMessage;
    struct cte *ut = inv->extra[0], *dest;
    if (ut->cap.type != CAP_UNTYPED || ut->cap.size_bits != seL4_ASIDPoolBits || ut->cap.flag)
        return seL4_InvalidCapability;
    if (mdb_has_children(ut))
        return seL4_RevokeFirst;
    int err = cnode_lookup_op_slot(inv->extra[1]->cap, inv_mr(inv, 0), inv_mr(inv, 1), &dest);
    if (err)
        return err;
    if (dest->cap.type != CAP_NULL)
        return seL4_DeleteFirst;
    word_t index = 0;
    while (index < ASID_POOLS && asid_table[index])
        index++;
    if (index == ASID_POOLS)
        return seL4_DeleteFirst;

    struct asid_pool *pool = cap_ptr(ut->cap);
    memset(pool, 0, sizeof(*pool));
    ut->cap.data = BIT(seL4_ASIDPoolBits); /* the whole untyped is used */
    asid_table[index] = pool;
    cte_insert_new(cap_make(CAP_ASID_POOL, pool, CAP_RIGHTS_ALL, 0, false, index << ASID_POOL_BITS),
                   ut, dest);
    return seL4_NoError;
}

static int decode_assign(struct invocation *inv)
{
    if (inv->label != ARMASIDPoolAssign)
        return seL4_IllegalOperation;
    if (inv->extra_caps < 1)
        return seL4_TruncatedMessage;
    struct cte *vs = inv->extra[0];
    if (vs->cap.type != CAP_VSPACE || vs->cap.data != 0)
        return seL4_InvalidCapability;
    struct asid_pool *pool = cap_ptr(inv->cap);
    word_t base = inv->cap.data;
    if (asid_table[base >> ASID_POOL_BITS] != pool)
        return seL4_FailedLookup;
    word_t i = base == 0 ? 1 : 0; /* ASID 0 is never handed out */
    while (i < ASID_POOL_SLOTS && pool->vspace[i])
        i++;
    if (i == ASID_POOL_SLOTS)
        return seL4_DeleteFirst;
    pool->vspace[i] = cap_ptr(vs->cap);
    vs->cap.data = base + i;
    return seL4_NoError;
}

int arch_decode(struct invocation *inv)
{
    switch (inv->cap.type) {
    case CAP_FRAME:
        return decode_frame(inv);
    case CAP_PAGE_TABLE:
        return decode_page_table(inv);
    case CAP_ASID_CONTROL:
        return decode_make_pool(inv);
    case CAP_ASID_POOL:
        return decode_assign(inv);
    default:
        return seL4_IllegalOperation;
    }
}

/* ---- Lazy FPU switching ---- */

void fpu_save(struct fpu_state *s);
void fpu_restore(const struct fpu_state *s);

#define CPACR_FPEN_ALL (3ull << 20) /* FP/SIMD usable at EL0 and EL1 */
#define CPACR_FPEN_EL1 (1ull << 20) /* EL0 use traps, EL1 does not */

static void fpu_set_trap(bool trap_el0)
{
    struct core *c = this_core();
    word_t v = trap_el0 ? CPACR_FPEN_EL1 : CPACR_FPEN_ALL;
    if (c->fpu_trap_setting == v)
        return;
    c->fpu_trap_setting = v;
    write_cpacr_el1(v);
    isb();
}

void fpu_trap(struct tcb *t)
{
    struct core *c = this_core();
    fpu_set_trap(false);
    if (c->fpu_owner != t) {
        if (c->fpu_owner)
            fpu_save(&c->fpu_owner->fpu);
        fpu_restore(&t->fpu);
        c->fpu_owner = t;
    }
}

void fpu_release(struct tcb *t)
{
    struct core *c = this_core();
    if (c->fpu_owner == t) {
        c->fpu_owner = NULL;
        fpu_set_trap(true);
    }
}

void fpu_switch(struct tcb *next)
{
    fpu_set_trap(this_core()->fpu_owner != next);
}
