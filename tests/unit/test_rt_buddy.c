/* Unit tests of the untyped buddy bookkeeping (runtime/src/buddy.c) with fake kernel ops. */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <rt/buddy.h>

/* The fake kernel: caps are numbers handed out in order; a cap's "children" are recorded
 * so a merge can be checked against the split that made them. */
struct fake {
    seL4_CPtr next_cap;
    unsigned splits, merges;
    int fail_split_after; /* -1: never; n: the (n+1)-th split from now fails */
    int fail_merge;
    seL4_CPtr live; /* caps currently existing (made by split, not merged away) */
};

static seL4_Error fake_split(void *ctx, seL4_CPtr parent, unsigned size_bits, seL4_CPtr child[2])
{
    struct fake *f = ctx;
    (void)parent;
    assert_true(size_bits > RT_BUDDY_MIN_BITS);
    if (f->fail_split_after == 0)
        return seL4_NotEnoughMemory;
    if (f->fail_split_after > 0)
        f->fail_split_after--;
    child[0] = f->next_cap++;
    child[1] = f->next_cap++;
    f->splits++;
    f->live += 2;
    return seL4_NoError;
}

static seL4_Error fake_merge(void *ctx, seL4_CPtr parent, unsigned size_bits,
                             const seL4_CPtr child[2])
{
    struct fake *f = ctx;
    (void)parent;
    (void)size_bits;
    if (f->fail_merge)
        return seL4_IllegalOperation;
    assert_int_equal(child[1], child[0] + 1);
    f->merges++;
    f->live -= 2;
    return seL4_NoError;
}

static struct fake fake;
static struct rt_buddy buddy;

static int setup(void **state)
{
    (void)state;
    memset(&fake, 0, sizeof(fake));
    fake.next_cap = 1000;
    fake.fail_split_after = -1;
    struct rt_buddy_ops ops = {fake_split, fake_merge, &fake};
    rt_buddy_init(&buddy, &ops);
    return 0;
}

static int teardown(void **state)
{
    (void)state;
    rt_buddy_destroy(&buddy);
    return 0;
}

static void test_exact_size_needs_no_split(void **state)
{
    (void)state;
    rt_block_id id;
    assert_int_equal(rt_buddy_add(&buddy, 20, 0x40000000, 12), seL4_NoError);
    assert_int_equal(rt_buddy_alloc(&buddy, 12, &id), seL4_NoError);
    assert_int_equal(rt_buddy_cap(&buddy, id), 20);
    assert_int_equal(rt_buddy_paddr(&buddy, id), 0x40000000);
    assert_int_equal(fake.splits, 0);
    assert_int_equal(rt_buddy_free_bytes(&buddy), 0);
}

static void test_split_halves_down_to_the_size(void **state)
{
    (void)state;
    rt_block_id id;
    rt_buddy_add(&buddy, 20, 0x40000000, 20);
    assert_int_equal(rt_buddy_alloc(&buddy, 12, &id), seL4_NoError);
    assert_int_equal(fake.splits, 8);
    assert_int_equal(rt_buddy_size_bits(&buddy, id), 12);
    assert_int_equal(rt_buddy_paddr(&buddy, id), 0x40000000);
    assert_int_equal(rt_buddy_free_bytes(&buddy), (1u << 20) - (1u << 12));
    /* The next one is the buddy, with no further split. */
    rt_block_id id2;
    assert_int_equal(rt_buddy_alloc(&buddy, 12, &id2), seL4_NoError);
    assert_int_equal(fake.splits, 8);
    assert_int_equal(rt_buddy_paddr(&buddy, id2), 0x40001000);
}

static void test_free_merges_back_to_the_root(void **state)
{
    (void)state;
    rt_block_id a, b;
    rt_buddy_add(&buddy, 20, 0x40000000, 20);
    rt_buddy_alloc(&buddy, 12, &a);
    rt_buddy_alloc(&buddy, 14, &b);
    rt_buddy_free(&buddy, a);
    assert_int_not_equal(rt_buddy_free_bytes(&buddy), 1u << 20);
    rt_buddy_free(&buddy, b);
    assert_int_equal(rt_buddy_free_bytes(&buddy), 1u << 20);
    assert_int_equal(fake.live, 0);
    assert_int_equal(fake.merges, fake.splits);
    assert_int_equal(rt_buddy_largest_free(&buddy), 20);
}

static void test_out_of_memory_and_range(void **state)
{
    (void)state;
    rt_block_id id;
    rt_buddy_add(&buddy, 20, 0x40000000, 16);
    assert_int_equal(rt_buddy_alloc(&buddy, 17, &id), seL4_NotEnoughMemory);
    assert_int_equal(rt_buddy_alloc(&buddy, 48, &id), seL4_RangeError);
    assert_int_equal(rt_buddy_alloc(&buddy, 16, &id), seL4_NoError);
    assert_int_equal(rt_buddy_alloc(&buddy, 4, &id), seL4_NotEnoughMemory);
    assert_int_equal(rt_buddy_add(&buddy, 21, 0, 3), seL4_RangeError);
}

static void test_small_sizes_round_up_to_the_minimum(void **state)
{
    (void)state;
    rt_block_id id;
    rt_buddy_add(&buddy, 20, 0, 6);
    assert_int_equal(rt_buddy_alloc(&buddy, 0, &id), seL4_NoError);
    assert_int_equal(rt_buddy_size_bits(&buddy, id), RT_BUDDY_MIN_BITS);
    assert_int_equal(rt_buddy_free_bytes(&buddy), 64 - 16);
}

static void test_failed_split_restores_everything(void **state)
{
    (void)state;
    rt_block_id id;
    rt_buddy_add(&buddy, 20, 0, 20);
    fake.fail_split_after = 3;
    assert_int_equal(rt_buddy_alloc(&buddy, 12, &id), seL4_NotEnoughMemory);
    assert_int_equal(rt_buddy_free_bytes(&buddy), 1u << 20);
    assert_int_equal(fake.live, 0);
    assert_int_equal(rt_buddy_largest_free(&buddy), 20);
}

static void test_failed_merge_leaves_halves_free(void **state)
{
    (void)state;
    rt_block_id a, b;
    rt_buddy_add(&buddy, 20, 0, 13);
    rt_buddy_alloc(&buddy, 12, &a);
    rt_buddy_alloc(&buddy, 12, &b);
    fake.fail_merge = 1;
    rt_buddy_free(&buddy, a);
    rt_buddy_free(&buddy, b);
    assert_int_equal(rt_buddy_free_bytes(&buddy), 1u << 13);
    assert_int_equal(rt_buddy_largest_free(&buddy), 12);
    fake.fail_merge = 0;
    /* Both halves are still usable. */
    assert_int_equal(rt_buddy_alloc(&buddy, 12, &a), seL4_NoError);
    assert_int_equal(rt_buddy_alloc(&buddy, 12, &b), seL4_NoError);
}

static void test_double_free_and_bad_ids_are_ignored(void **state)
{
    (void)state;
    rt_block_id a;
    rt_buddy_add(&buddy, 20, 0, 14);
    rt_buddy_alloc(&buddy, 12, &a);
    rt_buddy_free(&buddy, a);
    uint64_t free_bytes = rt_buddy_free_bytes(&buddy);
    rt_buddy_free(&buddy, a);
    rt_buddy_free(&buddy, 123456);
    rt_buddy_free(&buddy, RT_BUDDY_NONE);
    assert_int_equal(rt_buddy_free_bytes(&buddy), free_bytes);
}

/* Many small blocks from several roots, freed in a scrambled order: the books balance
 * at every step and everything merges back at the end. */
static void test_many_blocks_random_order(void **state)
{
    (void)state;
    enum { N = 5000 };
    static rt_block_id ids[N];
    static unsigned bits[N];
    uint64_t total = 0, used = 0;
    for (unsigned r = 0; r < 4; r++) {
        rt_buddy_add(&buddy, 10 + r, (seL4_Word)r << 30, 22 + r);
        total += 1u << (22 + r);
    }
    assert_int_equal(rt_buddy_total_bytes(&buddy), total);
    srand(7);
    for (unsigned i = 0; i < N; i++) {
        bits[i] = 4 + (unsigned)rand() % 9;
        assert_int_equal(rt_buddy_alloc(&buddy, bits[i], &ids[i]), seL4_NoError);
        assert_int_equal(rt_buddy_paddr(&buddy, ids[i]) & ((1u << bits[i]) - 1), 0);
        used += 1u << bits[i];
        assert_int_equal(rt_buddy_free_bytes(&buddy), total - used);
    }
    for (unsigned i = N - 1; i > 0; i--) {
        unsigned j = (unsigned)rand() % (i + 1);
        rt_block_id t = ids[i];
        unsigned tb = bits[i];
        ids[i] = ids[j], bits[i] = bits[j];
        ids[j] = t, bits[j] = tb;
    }
    for (unsigned i = 0; i < N; i++) {
        rt_buddy_free(&buddy, ids[i]);
        used -= 1u << bits[i];
        assert_int_equal(rt_buddy_free_bytes(&buddy), total - used);
    }
    assert_int_equal(fake.live, 0);
    assert_int_equal(rt_buddy_largest_free(&buddy), 25);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup_teardown(test_exact_size_needs_no_split, setup, teardown),
        cmocka_unit_test_setup_teardown(test_split_halves_down_to_the_size, setup, teardown),
        cmocka_unit_test_setup_teardown(test_free_merges_back_to_the_root, setup, teardown),
        cmocka_unit_test_setup_teardown(test_out_of_memory_and_range, setup, teardown),
        cmocka_unit_test_setup_teardown(test_small_sizes_round_up_to_the_minimum, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_split_restores_everything, setup, teardown),
        cmocka_unit_test_setup_teardown(test_failed_merge_leaves_halves_free, setup, teardown),
        cmocka_unit_test_setup_teardown(test_double_free_and_bad_ids_are_ignored, setup, teardown),
        cmocka_unit_test_setup_teardown(test_many_blocks_random_order, setup, teardown),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
