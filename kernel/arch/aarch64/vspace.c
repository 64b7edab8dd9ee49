/* Translation tables, ASIDs and address-space switching (see arch/vspace.h). */
#include <arch/vspace.h>
#include <arch/sysreg.h>
#include <core.h>
#include <memory.h>
#include <printk.h>
#include <sel4/constants.h>

struct asid_pool *asid_table[ASID_POOLS];
pte_t empty_vspace[PT_ENTRIES] __attribute__((aligned(4096)));

pte_t *asid_lookup(word_t asid)
{
    if (asid == 0 || asid >= ASID_POOLS * ASID_POOL_SLOTS)
        return NULL;
    struct asid_pool *pool = asid_table[asid >> ASID_POOL_BITS];
    return pool ? pool->vspace[asid & (ASID_POOL_SLOTS - 1)] : NULL;
}

pte_t pte_make_leaf(paddr_t pa, unsigned rights, word_t attr, bool block)
{
    pte_t pte =
        (pa & PTE_ADDR_MASK) | (block ? PTE_TYPE_BLOCK : PTE_TYPE_PAGE) | PTE_AF | PTE_NG | PTE_PXN;
    if (attr & seL4_ARM_PageCacheable)
        pte |= PTE_ATTR(MAIR_NORMAL) | PTE_SH_INNER;
    else
        pte |= PTE_ATTR(MAIR_DEVICE);
    if (rights & VM_READ)
        pte |= PTE_AP_EL0;
    if (!(rights & VM_WRITE))
        pte |= PTE_AP_RO;
    if (!(rights & VM_EXEC) || (attr & seL4_ARM_ExecuteNever))
        pte |= PTE_UXN;
    return pte;
}

pte_t *vspace_walk(pte_t *root, vaddr_t va, int target, int *missing)
{
    pte_t *table = root;
    for (int level = 0; level < target; level++) {
        pte_t e = table[pt_index(va, level)];
        if ((e & PTE_TYPE_MASK) != PTE_TYPE_TABLE) {
            *missing = level;
            return NULL;
        }
        table = paddr_to_kva(e & PTE_ADDR_MASK);
    }
    return &table[pt_index(va, target)];
}

void vspace_boot_map(pte_t *root, vaddr_t va, paddr_t pa, unsigned rights,
                     void (*new_table)(pte_t *table, vaddr_t va, int level))
{
    pte_t *table = root;
    for (int level = 0; level < 3; level++) {
        pte_t *e = &table[pt_index(va, level)];
        if (!(*e & PTE_VALID)) {
            paddr_t t = bootmem_alloc(PAGE_SIZE, PAGE_SIZE);
            *e = t | PTE_TYPE_TABLE;
            if (new_table)
                new_table(paddr_to_kva(t), ALIGN_DOWN(va, pt_level_span(level)), level + 1);
        }
        table = paddr_to_kva(*e & PTE_ADDR_MASK);
    }
    table[pt_index(va, 3)] = pte_make_leaf(pa, rights, seL4_ARM_PageCacheable, false);
}

bool vspace_boot_lookup(pte_t *root, vaddr_t va, paddr_t *pa, unsigned *rights)
{
    int missing;
    pte_t *e = vspace_walk(root, va, 3, &missing);
    if (!e || (*e & PTE_TYPE_MASK) != PTE_TYPE_PAGE)
        return false;
    *pa = *e & PTE_ADDR_MASK;
    *rights = ((*e & PTE_AP_EL0) ? VM_READ : 0) | ((*e & PTE_AP_RO) ? 0 : VM_WRITE) |
              ((*e & PTE_UXN) ? 0 : VM_EXEC);
    return true;
}

void vspace_load(pte_t *root, word_t asid)
{
    struct core *c = this_core();
    if (!root) {
        root = empty_vspace;
        asid = 0;
    }
    word_t ttbr = kva_to_paddr(root) | (asid << 48);
    if (c->vm_root == ttbr)
        return;
    c->vm_root = ttbr;
    write_ttbr0_el1(ttbr);
    isb();
}
