/* Unit tests of the kernel's formatter (kernel/lib/printk.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <printk.h>
#include <machine.h>

/* The console and shutdown the formatter's front ends use. */
static char console[1024];
static size_t console_len;

void uart_putc(char c)
{
    if (console_len + 1 < sizeof(console))
        console[console_len++] = c;
}

noreturn void machine_shutdown(int status)
{
    (void)status;
    abort();
}

#define FMT(want, ...)                                                                             \
    do {                                                                                           \
        char b[128];                                                                               \
        int n = ksnprintf(b, sizeof(b), __VA_ARGS__);                                              \
        assert_string_equal(b, want);                                                              \
        assert_int_equal(n, strlen(want));                                                         \
    } while (0)

static void test_integers(void **state)
{
    (void)state;
    FMT("0 42 -7", "%d %i %d", 0, 42, -7);
    FMT("4294967295", "%u", 4294967295u);
    FMT("ff 0xdeadbeef", "%x 0x%x", 255, 0xdeadbeefu);
    FMT("-9223372036854775808", "%ld", (long)INT64_MIN);
    FMT("18446744073709551615", "%lu", (unsigned long)UINT64_MAX);
    FMT("ffffffffffffffff", "%lx", (unsigned long)UINT64_MAX);
    FMT("42", "%zu", (size_t)42);
}

static void test_width_and_padding(void **state)
{
    (void)state;
    FMT("00ff", "%04x", 255);
    FMT("  42", "%4d", 42);
    FMT("000000000000abcd", "%016lx", 0xabcdul);
    FMT("12345", "%3d", 12345);
    FMT("   ab", "%5s", "ab");
}

static void test_strings_chars_pointers(void **state)
{
    (void)state;
    FMT("a-b-c", "%s-%c-%s", "a", 'b', "c");
    const char *volatile no_string = NULL; /* hidden from the compiler's format checks */
    FMT("(null)", "%s", no_string);
    FMT("0x0000000000001000", "%p", (void *)0x1000);
    FMT("100%", "100%%");
}

static void test_truncation_keeps_terminator_and_reports_length(void **state)
{
    (void)state;
    char b[6];
    int n = ksnprintf(b, sizeof(b), "%s", "abcdefghij");
    assert_int_equal(n, 10);
    assert_string_equal(b, "abcde");
    n = ksnprintf(b, 0, "%d", 123);
    assert_int_equal(n, 3);
}

static void test_kprintf_turns_newline_into_crlf(void **state)
{
    (void)state;
    console_len = 0;
    kprintf("x=%d\n", 5);
    console[console_len] = '\0';
    assert_string_equal(console, "x=5\r\n");
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_integers),
        cmocka_unit_test(test_width_and_padding),
        cmocka_unit_test(test_strings_chars_pointers),
        cmocka_unit_test(test_truncation_keeps_terminator_and_reports_length),
        cmocka_unit_test(test_kprintf_turns_newline_into_crlf),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
