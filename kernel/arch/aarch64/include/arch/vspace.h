/*
 * User address spaces: 4-level, 4 KiB-granule translation tables for TTBR0 (48-bit VA).
 *
 *   VA bits  47..39  38..30  29..21  20..12  11..0
 *   level      0       1       2       3     offset
 *
 * Descriptors: bits[1:0] = 3 for a table (levels 0-2) or a page (level 3), 1 for a block.
 */
#ifndef ARCH_VSPACE_H
#define ARCH_VSPACE_H

#include <types.h>

typedef uint64_t pte_t;

#define PT_ENTRIES     512
#define PTE_VALID      BIT(0)
#define PTE_TYPE_TABLE (BIT(0) | BIT(1))
#define PTE_TYPE_PAGE  (BIT(0) | BIT(1))
#define PTE_ATTR(i)    ((uint64_t)(i) << 2)
#define PTE_AP_EL0     BIT(6) /* EL0 may access */
#define PTE_AP_RO      BIT(7) /* read-only at every level */
#define PTE_SH_INNER   (3ull << 8)
#define PTE_AF         BIT(10)
#define PTE_NG         BIT(11)
#define PTE_PXN        BIT(53)
#define PTE_UXN        BIT(54)
#define PTE_ADDR_MASK  0x0000fffffffff000ull

#define MAIR_DEVICE    0
#define MAIR_NORMAL    1
#define MAIR_NORMAL_NC 2

/* Access rights of a user mapping. */
#define VM_READ  1u
#define VM_WRITE 2u
#define VM_EXEC  4u

static inline unsigned pt_index(vaddr_t va, int level)
{
    return (unsigned)(va >> (39 - 9 * level)) & (PT_ENTRIES - 1);
}

/* Maps the 4 KiB frame at pa at user address va of the VSpace rooted at root_pa with
 * rights (VM_*), creating missing intermediate tables from boot memory. Boot use only. */
void vspace_boot_map(paddr_t root_pa, vaddr_t va, paddr_t pa, unsigned rights);
/* Finds the frame mapped at va (4 KiB pages only): its physical address and rights;
 * returns false if nothing is mapped there. */
bool vspace_lookup(paddr_t root_pa, vaddr_t va, paddr_t *pa, unsigned *rights);
/* Makes the VSpace rooted at root_pa, tagged with asid, the current user address space. */
void vspace_activate(paddr_t root_pa, uint16_t asid);

#endif
