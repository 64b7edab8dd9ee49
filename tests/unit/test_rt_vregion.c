/* Unit tests of the address-range bookkeeping (runtime/src/vregion.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <cmocka.h>
#include <rt/vregion.h>

#define LO 0x10000000ull
#define HI 0x800000000000ull

static void test_find_starts_at_the_window(void **state)
{
    (void)state;
    struct rt_vregions rs;
    seL4_Word a;
    rt_vregions_init(&rs, LO, HI);
    assert_int_equal(rt_vregions_find(&rs, 4096, 12, &a), seL4_NoError);
    assert_int_equal(a, LO);
    assert_int_equal(rt_vregions_find(&rs, 0, 12, &a), seL4_InvalidArgument);
    assert_int_equal(rt_vregions_find(&rs, HI, 12, &a), seL4_NotEnoughMemory);
}

static void test_insert_rejects_overlap(void **state)
{
    (void)state;
    struct rt_vregions rs;
    struct rt_vregion r1, r2, r3;
    rt_vregions_init(&rs, LO, HI);
    assert_int_equal(rt_vregions_insert(&rs, &r1, 0x20000, 0x2000), seL4_NoError);
    assert_int_equal(rt_vregions_insert(&rs, &r2, 0x21000, 0x1000), seL4_DeleteFirst);
    assert_int_equal(rt_vregions_insert(&rs, &r2, 0x1f000, 0x2000), seL4_DeleteFirst);
    assert_int_equal(rt_vregions_insert(&rs, &r2, 0x1f000, 0x1000), seL4_NoError);
    assert_int_equal(rt_vregions_insert(&rs, &r3, 0x22000, 0x1000), seL4_NoError);
    assert_ptr_equal(rs.head, &r2);
    assert_ptr_equal(r2.next, &r1);
    assert_ptr_equal(r1.next, &r3);
    assert_int_equal(rt_vregions_insert(&rs, &r3, ~0ull - 10, 100), seL4_InvalidArgument);
    assert_int_equal(rt_vregions_insert(&rs, &r3, 0x50000, 0), seL4_InvalidArgument);
}

static void test_find_skips_regions_and_aligns(void **state)
{
    (void)state;
    struct rt_vregions rs;
    struct rt_vregion r1, r2;
    seL4_Word a;
    rt_vregions_init(&rs, LO, HI);
    rt_vregions_insert(&rs, &r1, LO, 0x3000);
    rt_vregions_insert(&rs, &r2, LO + 0x5000, 0x1000);
    assert_int_equal(rt_vregions_find(&rs, 0x2000, 12, &a), seL4_NoError);
    assert_int_equal(a, LO + 0x3000);
    assert_int_equal(rt_vregions_find(&rs, 0x3000, 12, &a), seL4_NoError);
    assert_int_equal(a, LO + 0x6000);
    assert_int_equal(rt_vregions_find(&rs, 0x1000, 21, &a), seL4_NoError);
    assert_int_equal(a, LO + 0x200000);
}

static void test_regions_below_the_window_are_respected(void **state)
{
    (void)state;
    struct rt_vregions rs;
    struct rt_vregion image, r;
    seL4_Word a;
    rt_vregions_init(&rs, LO, HI);
    /* The image straddles the window start. */
    rt_vregions_insert(&rs, &image, 0, LO + 0x1000);
    assert_int_equal(rt_vregions_find(&rs, 0x1000, 12, &a), seL4_NoError);
    assert_int_equal(a, LO + 0x1000);
    rt_vregions_insert(&rs, &r, a, 0x1000);
    assert_int_equal(rt_vregions_find(&rs, 0x1000, 12, &a), seL4_NoError);
    assert_int_equal(a, LO + 0x2000);
}

static void test_lookup_and_remove(void **state)
{
    (void)state;
    struct rt_vregions rs;
    struct rt_vregion r1, r2;
    seL4_Word a;
    rt_vregions_init(&rs, LO, HI);
    rt_vregions_insert(&rs, &r1, LO, 0x1000);
    rt_vregions_insert(&rs, &r2, LO + 0x1000, 0x1000);
    assert_ptr_equal(rt_vregions_lookup(&rs, LO + 0xfff), &r1);
    assert_ptr_equal(rt_vregions_lookup(&rs, LO + 0x1000), &r2);
    assert_null(rt_vregions_lookup(&rs, LO + 0x2000));
    assert_null(rt_vregions_lookup(&rs, 0));
    rt_vregions_remove(&rs, &r1);
    assert_ptr_equal(rs.head, &r2);
    assert_null(rt_vregions_lookup(&rs, LO));
    assert_int_equal(rt_vregions_find(&rs, 0x1000, 12, &a), seL4_NoError);
    assert_int_equal(a, LO);
    assert_int_equal(rt_vregions_find(&rs, 0x2000, 12, &a), seL4_NoError);
    assert_int_equal(a, LO + 0x2000);
}

static void test_window_top_is_respected(void **state)
{
    (void)state;
    struct rt_vregions rs;
    struct rt_vregion r;
    seL4_Word a;
    rt_vregions_init(&rs, LO, LO + 0x4000);
    rt_vregions_insert(&rs, &r, LO + 0x1000, 0x1000);
    assert_int_equal(rt_vregions_find(&rs, 0x2000, 12, &a), seL4_NoError);
    assert_int_equal(a, LO + 0x2000);
    assert_int_equal(rt_vregions_find(&rs, 0x3000, 12, &a), seL4_NotEnoughMemory);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_find_starts_at_the_window),
        cmocka_unit_test(test_insert_rejects_overlap),
        cmocka_unit_test(test_find_skips_regions_and_aligns),
        cmocka_unit_test(test_regions_below_the_window_are_respected),
        cmocka_unit_test(test_lookup_and_remove),
        cmocka_unit_test(test_window_top_is_respected),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
