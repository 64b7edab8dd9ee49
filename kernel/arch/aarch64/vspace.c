/* User translation tables (see arch/vspace.h). */
#include <arch/vspace.h>
#include <arch/sysreg.h>
#include <memory.h>
#include <printk.h>

static pte_t *table_kva(pte_t entry)
{
    return paddr_to_kva(entry & PTE_ADDR_MASK);
}

static pte_t page_pte(paddr_t pa, unsigned rights)
{
    pte_t pte = (pa & PTE_ADDR_MASK) | PTE_TYPE_PAGE | PTE_AF | PTE_NG | PTE_SH_INNER |
                PTE_ATTR(MAIR_NORMAL) | PTE_AP_EL0 | PTE_PXN;
    if (!(rights & VM_WRITE))
        pte |= PTE_AP_RO;
    if (!(rights & VM_EXEC))
        pte |= PTE_UXN;
    return pte;
}

void vspace_boot_map(paddr_t root_pa, vaddr_t va, paddr_t pa, unsigned rights)
{
    pte_t *table = paddr_to_kva(root_pa);
    for (int level = 0; level < 3; level++) {
        pte_t *e = &table[pt_index(va, level)];
        if (!(*e & PTE_VALID))
            *e = bootmem_alloc(PAGE_SIZE, PAGE_SIZE) | PTE_TYPE_TABLE;
        table = table_kva(*e);
    }
    table[pt_index(va, 3)] = page_pte(pa, rights);
}

bool vspace_lookup(paddr_t root_pa, vaddr_t va, paddr_t *pa, unsigned *rights)
{
    pte_t *table = paddr_to_kva(root_pa);
    for (int level = 0; level < 3; level++) {
        pte_t e = table[pt_index(va, level)];
        if ((e & 3) != PTE_TYPE_TABLE)
            return false;
        table = table_kva(e);
    }
    pte_t e = table[pt_index(va, 3)];
    if ((e & 3) != PTE_TYPE_PAGE)
        return false;
    *pa = e & PTE_ADDR_MASK;
    *rights = VM_READ | ((e & PTE_AP_RO) ? 0 : VM_WRITE) | ((e & PTE_UXN) ? 0 : VM_EXEC);
    return true;
}

void vspace_activate(paddr_t root_pa, uint16_t asid)
{
    write_ttbr0_el1(root_pa | ((uint64_t)asid << 48));
    isb();
}
