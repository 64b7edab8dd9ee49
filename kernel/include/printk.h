/* Kernel console output and panic. */
#ifndef KERNEL_PRINTK_H
#define KERNEL_PRINTK_H

#include <stdarg.h>
#include <stddef.h>
#include <stdnoreturn.h>

/* Formats into buf (always NUL-terminated when size > 0); returns the length it wanted.
 * Understands %c %s %d %i %u %x %p with optional '0', width and 'l'/'ll'/'z' modifiers. */
int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap);
int ksnprintf(char *buf, size_t size, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
void kprintf(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
noreturn void panic(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#define kassert(cond)                                                                              \
    do {                                                                                           \
        if (!(cond))                                                                               \
            panic("assertion failed: %s at %s:%d", #cond, __FILE__, __LINE__);                     \
    } while (0)

#endif
