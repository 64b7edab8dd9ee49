/*
 * Unit tests of capability derivation and deletion (kernel/object/cap.c) and of cptr
 * resolution (kernel/object/cnode.c), built from the kernel's sources with stubs for the
 * object-specific finalisers.
 */
#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>
#include <object/cap.h>
#include <object/cnode.h>
#include <object/tcb.h>
#include <api/invocation.h>
#include <arch/objects.h>
#include <object/endpoint.h>
#include <object/notification.h>
#include <object/irq.h>
#include <machine.h>

/* ---- stubs: what the generic code calls into ---- */
static int finalised_tcbs, finalised_arch, finalised_eps, finalised_ntfns;
static bool interrupt_pending;

void tcb_finalise(struct tcb *t)
{
    (void)t;
    finalised_tcbs++;
}

void arch_finalise_cap(struct cap c)
{
    (void)c;
    finalised_arch++;
}

struct cap arch_derive_cap(struct cap c, int *err)
{
    *err = 0;
    return c;
}

void ep_finalise(struct endpoint *ep)
{
    (void)ep;
    finalised_eps++;
}

void ntfn_finalise(struct notification *n)
{
    (void)n;
    finalised_ntfns++;
}

void irq_handler_finalise(unsigned irq)
{
    (void)irq;
}

void ep_cancel_badged_sends(struct endpoint *ep, word_t badge)
{
    (void)ep;
    (void)badge;
}

bool irq_pending(void)
{
    return interrupt_pending;
}

word_t inv_mr(const struct invocation *inv, unsigned i)
{
    (void)inv;
    (void)i;
    return 0;
}

/* ---- fixtures ---- */
#define SLOTS 64
static struct cte root[SLOTS] __attribute__((aligned(1u << 11)));
static struct cte inner[SLOTS] __attribute__((aligned(1u << 11)));
static struct cte third[SLOTS] __attribute__((aligned(1u << 11)));
static char memory[1u << 16] __attribute__((aligned(1u << 16)));
static struct cte big[256] __attribute__((aligned(1u << 13)));
static struct tcb tcbs[2] __attribute__((aligned(1u << 11)));

static int setup(void **state)
{
    (void)state;
    memset(root, 0, sizeof(root));
    memset(inner, 0, sizeof(inner));
    memset(third, 0, sizeof(third));
    memset(tcbs, 0, sizeof(tcbs));
    memset(big, 0, sizeof(big));
    memset(memory, 0, sizeof(memory));
    finalised_tcbs = finalised_arch = finalised_eps = finalised_ntfns = 0;
    interrupt_pending = false;
    return 0;
}

static struct cap untyped_cap(void)
{
    return cap_make(CAP_UNTYPED, memory, CAP_RIGHTS_ALL, 16, false, 0);
}

static struct cap ep_cap(unsigned index, uint64_t badge)
{
    return cap_make(CAP_ENDPOINT, memory + index * 16, CAP_RIGHTS_ALL, 0, false, badge);
}

static struct cap cnode_cap(struct cte *slots, unsigned guard_size)
{
    return cap_make(CAP_CNODE, slots, CAP_RIGHTS_ALL, 6, false, guard_size);
}

/* ---- derivation ---- */

static void test_retyped_objects_are_children_of_the_untyped(void **state)
{
    (void)state;
    cte_insert_new(untyped_cap(), NULL, &root[1]);
    cte_insert_new(ep_cap(0, 0), &root[1], &root[2]);
    cte_insert_new(ep_cap(1, 0), &root[1], &root[3]);
    assert_true(mdb_has_children(&root[1]));
    assert_true(mdb_is_parent(&root[1], &root[2]));
    assert_int_equal(cte_revoke(&root[1]), 0);
    assert_int_equal(root[2].cap.type, CAP_NULL);
    assert_int_equal(root[3].cap.type, CAP_NULL);
    assert_int_equal(root[1].cap.type, CAP_UNTYPED);
    assert_false(mdb_has_children(&root[1]));
}

static void test_only_the_last_endpoint_cap_finalises_the_endpoint(void **state)
{
    (void)state;
    cte_insert_new(ep_cap(0, 0), NULL, &root[1]);
    cte_insert(ep_cap(0, 3), &root[1], &root[2]); /* badged child */
    assert_int_equal(cte_delete(&root[1]), 0);
    assert_int_equal(finalised_eps, 0);
    assert_int_equal(cte_delete(&root[2]), 0);
    assert_int_equal(finalised_eps, 1);
}

static void test_revoking_an_original_removes_plain_copies(void **state)
{
    (void)state;
    cte_insert_new(ep_cap(0, 0), NULL, &root[1]);
    cte_insert(root[1].cap, &root[1], &root[2]);
    cte_insert(root[2].cap, &root[2], &root[3]);
    assert_int_equal(cte_revoke(&root[1]), 0);
    assert_int_equal(root[2].cap.type, CAP_NULL);
    assert_int_equal(root[3].cap.type, CAP_NULL);
    assert_int_equal(root[1].cap.type, CAP_ENDPOINT);
}

static void test_revoking_a_copy_removes_nothing(void **state)
{
    (void)state;
    cte_insert_new(ep_cap(0, 0), NULL, &root[1]);
    cte_insert(root[1].cap, &root[1], &root[2]);
    cte_insert(root[2].cap, &root[2], &root[3]);
    assert_int_equal(cte_revoke(&root[2]), 0);
    assert_int_equal(root[3].cap.type, CAP_ENDPOINT);
    assert_int_equal(root[1].cap.type, CAP_ENDPOINT);
}

static void test_badged_caps_form_their_own_trees(void **state)
{
    (void)state;
    cte_insert_new(ep_cap(0, 0), NULL, &root[1]);
    cte_insert(ep_cap(0, 5), &root[1], &root[2]); /* mint badge 5 */
    cte_insert(root[2].cap, &root[2], &root[3]);  /* copy of badge 5 */
    cte_insert(ep_cap(0, 7), &root[1], &root[4]); /* mint badge 7 */
    assert_true(mdb_revocable(&root[2]));
    assert_false(mdb_revocable(&root[3]));
    /* Revoking badge 5 removes its copy, not badge 7. */
    assert_int_equal(cte_revoke(&root[2]), 0);
    assert_int_equal(root[3].cap.type, CAP_NULL);
    assert_int_equal(root[4].cap.type, CAP_ENDPOINT);
    /* Revoking the unbadged original removes every badge. */
    assert_int_equal(cte_revoke(&root[1]), 0);
    assert_int_equal(root[2].cap.type, CAP_NULL);
    assert_int_equal(root[4].cap.type, CAP_NULL);
}

static void test_move_keeps_the_place_in_the_tree(void **state)
{
    (void)state;
    cte_insert_new(untyped_cap(), NULL, &root[1]);
    cte_insert_new(ep_cap(0, 0), &root[1], &root[2]);
    cte_move(root[2].cap, &root[2], &root[9]);
    assert_int_equal(root[2].cap.type, CAP_NULL);
    assert_true(mdb_is_parent(&root[1], &root[9]));
    assert_int_equal(cte_revoke(&root[1]), 0);
    assert_int_equal(root[9].cap.type, CAP_NULL);
}

/* ---- deletion ---- */

static void test_deleting_a_copy_does_not_finalise(void **state)
{
    (void)state;
    struct cap frame = cap_make(CAP_FRAME, memory, CAP_RIGHTS_ALL, 12, false, 0);
    cte_insert_new(frame, NULL, &root[1]);
    cte_insert(frame, &root[1], &root[2]);
    assert_int_equal(cte_delete(&root[1]), 0);
    assert_int_equal(finalised_arch, 0);
    assert_int_equal(cte_delete(&root[2]), 0);
    assert_int_equal(finalised_arch, 1);
}

static void test_deleting_an_empty_slot_succeeds(void **state)
{
    (void)state;
    assert_int_equal(cte_delete(&root[5]), 0);
}

static void test_deleting_the_last_cnode_cap_empties_its_slots(void **state)
{
    (void)state;
    struct cap frame = cap_make(CAP_FRAME, memory, CAP_RIGHTS_ALL, 12, false, 0);
    cte_insert_new(cnode_cap(inner, 0), NULL, &root[1]);
    cte_insert_new(frame, NULL, &inner[3]);
    cte_insert_new(cap_make(CAP_TCB, &tcbs[0], CAP_RIGHTS_ALL, 0, false, 0), NULL, &inner[60]);
    assert_int_equal(cte_delete(&root[1]), 0);
    assert_int_equal(root[1].cap.type, CAP_NULL);
    assert_int_equal(inner[3].cap.type, CAP_NULL);
    assert_int_equal(inner[60].cap.type, CAP_NULL);
    assert_int_equal(finalised_arch, 1);
    assert_int_equal(finalised_tcbs, 1);
}

static void test_nested_containers_are_emptied_without_recursion(void **state)
{
    (void)state;
    struct cap frame = cap_make(CAP_FRAME, memory, CAP_RIGHTS_ALL, 12, false, 0);
    cte_insert_new(cnode_cap(inner, 0), NULL, &root[1]);
    cte_insert_new(cnode_cap(third, 0), NULL, &inner[7]);
    cte_insert_new(frame, NULL, &third[63]);
    /* The TCB's own slots hold caps too. */
    cte_insert_new(cap_make(CAP_TCB, &tcbs[1], CAP_RIGHTS_ALL, 0, false, 0), NULL, &third[0]);
    cte_insert_new(ep_cap(3, 0), NULL, &tcbs[1].slots[TCB_IPCBUF]);
    assert_int_equal(cte_delete(&root[1]), 0);
    assert_int_equal(inner[7].cap.type, CAP_NULL);
    assert_int_equal(third[63].cap.type, CAP_NULL);
    assert_int_equal(third[0].cap.type, CAP_NULL);
    assert_int_equal(tcbs[1].slots[TCB_IPCBUF].cap.type, CAP_NULL);
    assert_int_equal(finalised_arch, 1);
    assert_int_equal(finalised_tcbs, 1);
}

static void test_a_cnode_holding_a_cap_to_itself_is_not_final(void **state)
{
    (void)state;
    cte_insert_new(cnode_cap(inner, 0), NULL, &root[1]);
    cte_insert(root[1].cap, &root[1], &inner[2]);
    assert_int_equal(cte_delete(&root[1]), 0);
    assert_int_equal(root[1].cap.type, CAP_NULL);
    /* The CNode lives on through the cap inside it, as in seL4. */
    assert_int_equal(inner[2].cap.type, CAP_CNODE);
}

static void test_a_zombie_inside_its_own_cnode_finishes(void **state)
{
    (void)state;
    /* A CNode made from the untyped whose only cap lives in one of its own slots;
     * revoking the untyped (reclaiming the memory) must still empty it. */
    struct cte *cn = (struct cte *)(memory + 4096);
    cte_insert_new(untyped_cap(), NULL, &root[1]);
    cte_insert_new(cnode_cap(cn, 0), &root[1], &cn[5]);
    cte_insert_new(ep_cap(1, 0), &root[1], &cn[9]);
    assert_int_equal(cte_revoke(&root[1]), 0);
    assert_int_equal(cn[5].cap.type, CAP_NULL);
    assert_int_equal(cn[9].cap.type, CAP_NULL);
    assert_false(mdb_has_children(&root[1]));
}

static void test_deletion_stops_at_a_pending_interrupt_and_resumes(void **state)
{
    (void)state;
    cte_insert_new(cap_make(CAP_CNODE, big, CAP_RIGHTS_ALL, 8, false, 0), NULL, &root[1]);
    for (unsigned i = 0; i < 256; i++)
        cte_insert_new(ep_cap(i, 0), NULL, &big[i]);
    interrupt_pending = true;
    preemption_reset();
    int r = cte_delete(&root[1]);
    assert_int_equal(r, ERR_PREEMPTED);
    assert_int_equal(root[1].cap.type, CAP_ZOMBIE);
    unsigned left = 0;
    for (unsigned i = 0; i < 256; i++)
        left += big[i].cap.type != CAP_NULL;
    assert_true(left > 0 && left < 256);
    interrupt_pending = false;
    assert_int_equal(cte_delete(&root[1]), 0);
    assert_int_equal(root[1].cap.type, CAP_NULL);
    for (unsigned i = 0; i < 256; i++)
        assert_int_equal(big[i].cap.type, CAP_NULL);
}

/* ---- cptr resolution ---- */

static void test_single_level_with_guard_resolves_slot_numbers(void **state)
{
    (void)state;
    struct cap r = cnode_cap(root, 64 - 6);
    struct cte *slot;
    unsigned left;
    assert_int_equal(cnode_resolve(r, 17, 64, &slot, &left), seL4_NoError);
    assert_ptr_equal(slot, &root[17]);
    assert_int_equal(left, 0);
    /* Bits above the slot number must match the (zero) guard. */
    assert_int_equal(cnode_resolve(r, (1ull << 40) | 17, 64, &slot, &left), seL4_FailedLookup);
}

static void test_two_levels_resolve_through_a_guarded_cap(void **state)
{
    (void)state;
    /* Root: guard 0 bits, radix 6 -> top 6 bits; inner: guard 52, radix 6. */
    struct cap r = cnode_cap(root, 0);
    cte_insert_new(cnode_cap(inner, 52), NULL, &root[3]);
    struct cte *slot;
    unsigned left;
    word_t cptr = (3ull << 58) | 42;
    assert_int_equal(cnode_resolve(r, cptr, 64, &slot, &left), seL4_NoError);
    assert_ptr_equal(slot, &inner[42]);
    /* With depth 6 the walk stops at the CNode cap itself. */
    assert_int_equal(cnode_resolve(r, 3, 6, &slot, &left), seL4_NoError);
    assert_ptr_equal(slot, &root[3]);
}

static void test_lookup_for_cnode_ops_checks_depth(void **state)
{
    (void)state;
    struct cap r = cnode_cap(root, 64 - 6);
    struct cte *slot;
    assert_int_equal(cnode_lookup_op_slot(r, 5, 0, &slot), seL4_RangeError);
    assert_int_equal(cnode_lookup_op_slot(r, 5, 65, &slot), seL4_RangeError);
    assert_int_equal(cnode_lookup_op_slot(r, 5, 6, &slot), seL4_FailedLookup);
    assert_int_equal(cnode_lookup_op_slot(r, 5, 64, &slot), seL4_NoError);
    assert_int_equal(cnode_lookup_op_slot(ep_cap(0, 0), 5, 64, &slot), seL4_FailedLookup);
}

static void test_a_non_cnode_cap_stops_resolution_with_bits_left(void **state)
{
    (void)state;
    struct cap r = cnode_cap(root, 0);
    cte_insert_new(ep_cap(0, 0), NULL, &root[3]);
    struct cte *slot;
    unsigned left;
    assert_int_equal(cnode_resolve(r, 3ull << 58, 64, &slot, &left), seL4_NoError);
    assert_ptr_equal(slot, &root[3]);
    assert_int_equal(left, 58);
}

static void test_mint_data_sets_badges_once_and_guards(void **state)
{
    (void)state;
    struct cap c = cap_update_data(false, 9, ep_cap(0, 0));
    assert_int_equal(c.data, 9);
    assert_int_equal(cap_update_data(false, 10, c).type, CAP_NULL);
    assert_int_equal(cap_update_data(true, 10, ep_cap(0, 0)).type, CAP_NULL);
    struct cap g = cap_update_data(false, (5ull << 6) | 4, cnode_cap(inner, 0));
    assert_int_equal(cnode_guard_size(g), 4);
    assert_int_equal(cnode_guard(g), 5);
    assert_int_equal(cap_update_data(false, 59, cnode_cap(inner, 0)).type, CAP_NULL);
}

int main(void)
{
    const struct CMUnitTest tests[] = {
        cmocka_unit_test_setup(test_retyped_objects_are_children_of_the_untyped, setup),
        cmocka_unit_test_setup(test_only_the_last_endpoint_cap_finalises_the_endpoint, setup),
        cmocka_unit_test_setup(test_revoking_an_original_removes_plain_copies, setup),
        cmocka_unit_test_setup(test_revoking_a_copy_removes_nothing, setup),
        cmocka_unit_test_setup(test_badged_caps_form_their_own_trees, setup),
        cmocka_unit_test_setup(test_move_keeps_the_place_in_the_tree, setup),
        cmocka_unit_test_setup(test_deleting_a_copy_does_not_finalise, setup),
        cmocka_unit_test_setup(test_deleting_an_empty_slot_succeeds, setup),
        cmocka_unit_test_setup(test_deleting_the_last_cnode_cap_empties_its_slots, setup),
        cmocka_unit_test_setup(test_nested_containers_are_emptied_without_recursion, setup),
        cmocka_unit_test_setup(test_a_cnode_holding_a_cap_to_itself_is_not_final, setup),
        cmocka_unit_test_setup(test_a_zombie_inside_its_own_cnode_finishes, setup),
        cmocka_unit_test_setup(test_deletion_stops_at_a_pending_interrupt_and_resumes, setup),
        cmocka_unit_test_setup(test_single_level_with_guard_resolves_slot_numbers, setup),
        cmocka_unit_test_setup(test_two_levels_resolve_through_a_guarded_cap, setup),
        cmocka_unit_test_setup(test_lookup_for_cnode_ops_checks_depth, setup),
        cmocka_unit_test_setup(test_a_non_cnode_cap_stops_resolution_with_bits_left, setup),
        cmocka_unit_test_setup(test_mint_data_sets_badges_once_and_guards, setup),
    };
    return cmocka_run_group_tests(tests, NULL, NULL);
}
