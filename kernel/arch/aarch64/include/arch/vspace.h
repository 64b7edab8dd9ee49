/*
 * User address spaces: 4-level, 4 KiB-granule translation tables for TTBR0 (48-bit VA),
 * tagged with 16-bit ASIDs.
 *
 *   VA bits  47..39  38..30  29..21  20..12  11..0
 *   level      0       1       2       3     offset
 *
 * Descriptors: bits[1:0] = 3 for a table (levels 0-2) or a page (level 3), 1 for a block.
 * A VSpace is a level-0 table; every lower table is a page-table object. An ASID is
 * 7 bits of pool (the ASID table) and 9 bits of index within the pool.
 */
#ifndef ARCH_VSPACE_H
#define ARCH_VSPACE_H

#include <types.h>

typedef uint64_t pte_t;

#define PT_ENTRIES     512
#define PTE_VALID      BIT(0)
#define PTE_TYPE_MASK  3ull
#define PTE_TYPE_TABLE 3ull
#define PTE_TYPE_PAGE  3ull
#define PTE_TYPE_BLOCK 1ull
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

#define ASID_POOL_BITS  9
#define ASID_POOLS      128
#define ASID_POOL_SLOTS 512

/* An ASID pool object: the VSpace (level-0 table) of each ASID. */
struct asid_pool {
    pte_t *vspace[ASID_POOL_SLOTS];
};

extern struct asid_pool *asid_table[ASID_POOLS];

static inline unsigned pt_index(vaddr_t va, int level)
{
    return (unsigned)(va >> (39 - 9 * level)) & (PT_ENTRIES - 1);
}

/* Bytes one entry at level maps. */
static inline uint64_t pt_level_span(int level)
{
    return BIT(39 - 9 * level);
}

/* The VSpace registered for asid, or NULL. */
pte_t *asid_lookup(word_t asid);
/* Builds a leaf (page or block) descriptor. attr: seL4_ARM_VMAttributes. */
pte_t pte_make_leaf(paddr_t pa, unsigned rights, word_t attr, bool block);
/* Walks from root to level target; returns the entry there, or NULL with *missing set to
 * the level whose table is absent (or is a block). */
pte_t *vspace_walk(pte_t *root, vaddr_t va, int target, int *missing);

/* Boot only: maps a 4 KiB frame, taking missing tables from boot memory and reporting
 * each new table's address through new_table (may be NULL). */
void vspace_boot_map(pte_t *root, vaddr_t va, paddr_t pa, unsigned rights,
                     void (*new_table)(pte_t *table, vaddr_t va, int level));
/* Boot only: the frame mapped at va, if any. */
bool vspace_boot_lookup(pte_t *root, vaddr_t va, paddr_t *pa, unsigned *rights);

/* Loads TTBR0 for root/asid (NULL root: the empty address space). */
void vspace_load(pte_t *root, word_t asid);
/* The empty level-0 table threads without a valid VSpace run on. */
extern pte_t empty_vspace[PT_ENTRIES];

#endif
