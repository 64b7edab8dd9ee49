/* Unit tests of the CSpace slot bookkeeping (runtime/src/slots.c, bitmap.c). */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <rt/bitmap.h>
#include <rt/slots.h>

/* ---- bitmaps ---- */

static void test_bitmap_set_clear_count(void **state)
{
    (void)state;
    uint64_t map[4] = {0};
    rt_bitmap_set(map, 60, 10);
    assert_int_equal(map[0], 0xf000000000000000ull);
    assert_int_equal(map[1], 0x3f);
    assert_int_equal(rt_bitmap_count(map, 0, 256), 10);
    assert_int_equal(rt_bitmap_count(map, 62, 3), 3);
    rt_bitmap_clear(map, 61, 2);
    assert_int_equal(rt_bitmap_count(map, 0, 256), 8);
    assert_false(rt_bitmap_test(map, 61));
    assert_true(rt_bitmap_test(map, 63));
    rt_bitmap_set(map, 0, 256);
    assert_int_equal(rt_bitmap_count(map, 0, 256), 256);
    rt_bitmap_clear(map, 0, 0);
    assert_int_equal(rt_bitmap_count(map, 0, 256), 256);
}

static void test_bitmap_find_clear_runs(void **state)
{
    (void)state;
    uint64_t map[4] = {0};
    assert_int_equal(rt_bitmap_find_clear(map, 256, 0, 1), 0);
    assert_int_equal(rt_bitmap_find_clear(map, 256, 0, 256), 0);
    assert_int_equal(rt_bitmap_find_clear(map, 256, 0, 257), 256);
    rt_bitmap_set(map, 0, 70);
    assert_int_equal(rt_bitmap_find_clear(map, 256, 0, 1), 70);
    rt_bitmap_set(map, 100, 1);
    assert_int_equal(rt_bitmap_find_clear(map, 256, 0, 30), 70);
    assert_int_equal(rt_bitmap_find_clear(map, 256, 0, 31), 101);
    assert_int_equal(rt_bitmap_find_clear(map, 256, 0, 155), 101);
    assert_int_equal(rt_bitmap_find_clear(map, 256, 0, 156), 256);
    /* A run may not extend past nbits even if the word's spare bits are clear. */
    assert_int_equal(rt_bitmap_find_clear(map, 200, 0, 99), 101);
    assert_int_equal(rt_bitmap_find_clear(map, 200, 0, 100), 200);
    rt_bitmap_set(map, 0, 256);
    assert_int_equal(rt_bitmap_find_clear(map, 256, 0, 1), 256);
    rt_bitmap_clear(map, 255, 1);
    assert_int_equal(rt_bitmap_find_clear(map, 256, 0, 1), 255);
    assert_int_equal(rt_bitmap_find_clear(map, 256, 0, 0), 256);
}

/* ---- slots ---- */

struct fake {
    unsigned created, destroyed;
    int fail_create;
    unsigned nested_allocs; /* slots each create takes from the allocator itself */
    struct rt_slots *s;
    seL4_CPtr nested[64];
    unsigned num_nested;
};

static struct fake fake;
static struct rt_slots slots;

static seL4_Error fake_create(void *ctx, seL4_Word index, uint32_t *handle)
{
    struct fake *f = ctx;
    if (f->fail_create)
        return seL4_NotEnoughMemory;
    /* Creating a node needs slots for splitting untyped memory: take them re-entrantly. */
    for (unsigned i = 0; i < f->nested_allocs; i++)
        assert_int_equal(rt_slots_alloc(f->s, 1, &f->nested[f->num_nested++]), seL4_NoError);
    *handle = (uint32_t)(index * 10);
    f->created++;
    return seL4_NoError;
}

static void fake_destroy(void *ctx, seL4_Word index, uint32_t handle)
{
    struct fake *f = ctx;
    assert_int_equal(handle, index * 10);
    f->destroyed++;
    /* Destroying a node merges untyped memory, which frees the slots taken at creation. */
    for (unsigned i = 0; i < f->nested_allocs && f->num_nested > 0; i++)
        rt_slots_free(f->s, f->nested[--f->num_nested], 1);
}

static int setup(void **state)
{
    (void)state;
    memset(&fake, 0, sizeof(fake));
    fake.s = &slots;
    assert_int_equal(rt_slots_init(&slots, 12), seL4_NoError);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rt_slots_destroy(&slots);
    return 0;
}

static void make_two_level(uint64_t reserve)
{
    struct rt_slots_ops ops = {fake_create, fake_destroy, &fake};
    assert_int_equal(rt_slots_set_two_level(&slots, 12, reserve, &ops), seL4_NoError);
}

static void test_single_level_uses_only_the_free_region(void **state)
{
    (void)state;
    seL4_CPtr c;
    rt_slots_add_free(&slots, 4000, 96);
    assert_int_equal(slots.free_slots, 96);
    for (unsigned i = 0; i < 96; i++) {
        assert_int_equal(rt_slots_alloc(&slots, 1, &c), seL4_NoError);
        assert_true(c >= 4000 && c < 4096);
    }
    assert_int_equal(rt_slots_alloc(&slots, 1, &c), seL4_NotEnoughMemory);
    rt_slots_free(&slots, 4050, 1);
    assert_int_equal(rt_slots_alloc(&slots, 1, &c), seL4_NoError);
    assert_int_equal(c, 4050);
}

static void test_ranges_are_contiguous_within_a_node(void **state)
{
    (void)state;
    seL4_CPtr a, b;
    rt_slots_add_free(&slots, 100, 1000);
    assert_int_equal(rt_slots_alloc(&slots, 300, &a), seL4_NoError);
    assert_int_equal(rt_slots_alloc(&slots, 700, &b), seL4_NoError);
    assert_int_equal(b, a + 300);
    assert_int_equal(rt_slots_alloc(&slots, 1, &b), seL4_NotEnoughMemory);
    rt_slots_free(&slots, a + 10, 5);
    assert_int_equal(rt_slots_alloc(&slots, 6, &b), seL4_NotEnoughMemory);
    assert_int_equal(rt_slots_alloc(&slots, 5, &b), seL4_NoError);
    assert_int_equal(b, a + 10);
    assert_int_equal(rt_slots_alloc(&slots, 0, &b), seL4_RangeError);
    assert_int_equal(rt_slots_alloc(&slots, 4097, &b), seL4_RangeError);
}

static void test_free_ignores_slots_not_in_use(void **state)
{
    (void)state;
    seL4_CPtr a;
    rt_slots_add_free(&slots, 100, 10);
    rt_slots_alloc(&slots, 2, &a);
    rt_slots_free(&slots, a, 1);
    rt_slots_free(&slots, a, 1);
    rt_slots_free(&slots, 1u << 30, 1); /* no such node */
    assert_int_equal(slots.free_slots, 9);
}

static void test_two_level_grows_nodes_on_demand(void **state)
{
    (void)state;
    seL4_CPtr c;
    rt_slots_add_free(&slots, 4000, 96);
    make_two_level(16);
    fake.nested_allocs = 4;
    for (unsigned i = 0; i < 10000; i++)
        assert_int_equal(rt_slots_alloc(&slots, 1, &c), seL4_NoError);
    assert_true(fake.created >= 2);
    assert_int_equal(rt_slots_num_nodes(&slots), 1 + fake.created);
    assert_true(slots.free_slots >= 16);
    /* Cptrs in node i are (i << 12) | offset. */
    assert_true(rt_slots_in_use(&slots, (1u << 12) | 5));
}

static void test_range_too_big_for_any_node_grows_one(void **state)
{
    (void)state;
    seL4_CPtr c;
    rt_slots_add_free(&slots, 16, 4080);
    make_two_level(8);
    assert_int_equal(rt_slots_alloc(&slots, 4096, &c), seL4_NoError);
    assert_int_equal(c, 1u << 12);
    assert_int_equal(fake.created, 1);
}

static void test_empty_nodes_are_destroyed_keeping_the_reserve(void **state)
{
    (void)state;
    enum { N = 9000 };
    static seL4_CPtr c[N];
    rt_slots_add_free(&slots, 3900, 196);
    make_two_level(32);
    fake.nested_allocs = 3;
    uint64_t free0 = slots.free_slots;
    unsigned nodes0 = rt_slots_num_nodes(&slots);
    for (unsigned i = 0; i < N; i++)
        assert_int_equal(rt_slots_alloc(&slots, 1, &c[i]), seL4_NoError);
    for (unsigned i = 0; i < N; i++)
        rt_slots_free(&slots, c[N - 1 - i], 1);
    assert_int_equal(fake.destroyed, fake.created);
    assert_int_equal(rt_slots_num_nodes(&slots), nodes0);
    assert_int_equal(slots.free_slots, free0);
}

/* A cap allocated during a burst goes to the lowest node with room, so it does not pin the
 * node the burst filled, and that node is given back once the burst is freed. */
static void test_long_lived_slots_do_not_pin_burst_nodes(void **state)
{
    (void)state;
    enum { N = 5000 };
    static seL4_CPtr burst[N];
    seL4_CPtr early, late;
    rt_slots_add_free(&slots, 3000, 1096);
    make_two_level(32);
    assert_int_equal(rt_slots_alloc(&slots, 1, &early), seL4_NoError);
    for (unsigned i = 0; i < N; i++)
        assert_int_equal(rt_slots_alloc(&slots, 1, &burst[i]), seL4_NoError);
    assert_true(fake.created >= 1);
    /* Free one slot in node 0: the next single slot must come from there. */
    rt_slots_free(&slots, early, 1);
    assert_int_equal(rt_slots_alloc(&slots, 1, &late), seL4_NoError);
    assert_int_equal(late, early);
    for (unsigned i = 0; i < N; i++)
        rt_slots_free(&slots, burst[i], 1);
    assert_int_equal(fake.destroyed, fake.created);
    assert_int_equal(rt_slots_num_nodes(&slots), 1);
}

static void test_failed_growth_reports_an_error(void **state)
{
    (void)state;
    seL4_CPtr c;
    rt_slots_add_free(&slots, 4090, 6);
    make_two_level(4);
    fake.fail_create = 1;
    /* The reserve is dipped into when no node can be made... */
    for (unsigned i = 0; i < 6; i++)
        assert_int_equal(rt_slots_alloc(&slots, 1, &c), seL4_NoError);
    /* ...and exhaustion is reported, not fatal. */
    assert_int_equal(rt_slots_alloc(&slots, 1, &c), seL4_NotEnoughMemory);
    fake.fail_create = 0;
    assert_int_equal(rt_slots_alloc(&slots, 1, &c), seL4_NoError);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test(test_bitmap_set_clear_count),
        cmocka_unit_test(test_bitmap_find_clear_runs),
        cmocka_unit_test_setup_teardown(test_single_level_uses_only_the_free_region, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_ranges_are_contiguous_within_a_node, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_ignores_slots_not_in_use, setup, teardown),
        cmocka_unit_test_setup_teardown(test_two_level_grows_nodes_on_demand, setup, teardown),
        cmocka_unit_test_setup_teardown(test_range_too_big_for_any_node_grows_one, setup, teardown),
        cmocka_unit_test_setup_teardown(test_empty_nodes_are_destroyed_keeping_the_reserve, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_long_lived_slots_do_not_pin_burst_nodes, setup,
                                        teardown),
        cmocka_unit_test_setup_teardown(test_failed_growth_reports_an_error, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
