/*
 * Selects what the libnotifyset suite (test_notifyset*.c, compiled once into the object
 * library notifyset_suite) runs against: tests.cmake compiles this one definition per CTest
 * entry with NS_TEST_NAME, NS_TEST_BACKEND, NS_TEST_VARIANT and NS_TEST_OWNED.
 */
#include "ns_test.h"

#define NS_STR_(x) #x
#define NS_STR(x)  NS_STR_(x)

const struct ns_test_config ns_test_config = {
    .name = NS_STR(NS_TEST_NAME),
    .backend = NS_TEST_BACKEND,
    .variant = NS_TEST_VARIANT,
    .owned = NS_TEST_OWNED,
};
