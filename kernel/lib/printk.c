/* Kernel formatted output: a small vsnprintf and the console/panic front ends. */
#include <printk.h>
#include <machine.h>
#include <types.h>

struct out {
    char *buf;
    size_t size;
    size_t len;
};

static void out_char(struct out *o, char c)
{
    if (o->len + 1 < o->size)
        o->buf[o->len] = c;
    o->len++;
}

/* Emits v in base 10 or 16, right-aligned to width, padded with pad. */
static void out_number(struct out *o, uint64_t v, unsigned base, bool negative, int width, char pad)
{
    char digits[24];
    int n = 0;
    do {
        unsigned d = v % base;
        digits[n++] = (char)(d < 10 ? '0' + d : 'a' + d - 10);
        v /= base;
    } while (v);
    if (negative)
        digits[n++] = '-';
    for (int i = n; i < width; i++)
        out_char(o, pad);
    while (n)
        out_char(o, digits[--n]);
}

int kvsnprintf(char *buf, size_t size, const char *fmt, va_list ap)
{
    struct out o = {buf, size, 0};
    for (; *fmt; fmt++) {
        if (*fmt != '%') {
            out_char(&o, *fmt);
            continue;
        }
        fmt++;
        char pad = ' ';
        int width = 0, lng = 0;
        if (*fmt == '0') {
            pad = '0';
            fmt++;
        }
        while (*fmt >= '0' && *fmt <= '9')
            width = width * 10 + (*fmt++ - '0');
        while (*fmt == 'l' || *fmt == 'z') {
            lng++;
            fmt++;
        }
        switch (*fmt) {
        case 'c':
            out_char(&o, (char)va_arg(ap, int));
            break;
        case 's': {
            const char *s = va_arg(ap, const char *);
            if (!s)
                s = "(null)";
            int len = 0;
            while (s[len])
                len++;
            for (int i = len; i < width; i++)
                out_char(&o, ' ');
            while (*s)
                out_char(&o, *s++);
            break;
        }
        case 'd':
        case 'i': {
            int64_t v = lng ? va_arg(ap, int64_t) : va_arg(ap, int);
            out_number(&o, v < 0 ? -(uint64_t)v : (uint64_t)v, 10, v < 0, width, pad);
            break;
        }
        case 'u':
            out_number(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 10, false, width,
                       pad);
            break;
        case 'x':
            out_number(&o, lng ? va_arg(ap, uint64_t) : va_arg(ap, unsigned), 16, false, width,
                       pad);
            break;
        case 'p':
            out_char(&o, '0');
            out_char(&o, 'x');
            out_number(&o, (uintptr_t)va_arg(ap, void *), 16, false, 16, '0');
            break;
        case '%':
            out_char(&o, '%');
            break;
        case '\0':
            fmt--;
            break;
        default:
            out_char(&o, '%');
            out_char(&o, *fmt);
            break;
        }
    }
    if (size)
        buf[o.len < size ? o.len : size - 1] = '\0';
    return (int)o.len;
}

int ksnprintf(char *buf, size_t size, const char *fmt, ...)
{
    va_list ap;
    va_start(ap, fmt);
    int n = kvsnprintf(buf, size, fmt, ap);
    va_end(ap);
    return n;
}

static void console_write(const char *s)
{
    for (; *s; s++) {
        if (*s == '\n')
            uart_putc('\r');
        uart_putc(*s);
    }
}

void kprintf(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_write(buf);
}

/* Reports a broken kernel invariant and ends the run. Never for bad user input. */
noreturn void panic(const char *fmt, ...)
{
    char buf[256];
    va_list ap;
    va_start(ap, fmt);
    kvsnprintf(buf, sizeof(buf), fmt, ap);
    va_end(ap);
    console_write("KERNEL PANIC: ");
    console_write(buf);
    console_write("\n");
    machine_shutdown(KERNEL_EXIT_PANIC);
}
