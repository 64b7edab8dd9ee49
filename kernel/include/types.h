/* Basic kernel types and helpers. Plain C, no architecture includes. */
#ifndef KERNEL_TYPES_H
#define KERNEL_TYPES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <stdnoreturn.h>
#include <sel4/types.h>
#include <sel4/errors.h>

typedef uint64_t word_t;
typedef uint64_t paddr_t;
typedef uint64_t vaddr_t;
typedef uint64_t cptr_t;

#define ARRAY_SIZE(a)    (sizeof(a) / sizeof((a)[0]))
#define ALIGN_UP(x, a)   (((x) + ((a)-1)) & ~((__typeof__(x))(a)-1))
#define ALIGN_DOWN(x, a) ((x) & ~((__typeof__(x))(a)-1))
#define IS_ALIGNED(x, a) (((x) & ((__typeof__(x))(a)-1)) == 0)
#define BIT(n)           (1ull << (n))
#define MASK(n)          (BIT(n) - 1)
#define likely(x)        __builtin_expect(!!(x), 1)
#define unlikely(x)      __builtin_expect(!!(x), 0)
#define UNUSED           __attribute__((unused))

#define PAGE_BITS 12
#define PAGE_SIZE BIT(PAGE_BITS)

#endif
