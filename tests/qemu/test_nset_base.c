/*
 * The kernel without the notification-set patch (kernel_base): retyping a set is
 * InvalidArgument (docs/kernel-api.md, "Notification sets") for every size, and nothing is
 * created. Registered for the base kernel image only (tests.cmake).
 */
#include <stdio.h>
#include "kobj.h"
#include "testlib.h"

int main(void)
{
    test_begin("nset_base");
    seL4_CPtr ut = kobj_untyped(16);
    CHECK(ut, "a 64 KiB untyped");
    static const seL4_Word sizes[3] = {2, 8, 10};
    char what[100];
    for (int i = 0; i < 3; i++) {
        seL4_CPtr slot = kobj_slot();
        snprintf(what, sizeof(what),
                 "Retype of a set of size_bits %lu: InvalidArgument, the slot stays empty",
                 (unsigned long)sizes[i]);
        CHECK(kobj_retype(ut, seL4_NotificationSetObject, sizes[i], slot, 1) ==
                      seL4_InvalidArgument &&
                  kobj_type(slot) == seL4_CapType_Null,
              what);
    }
    seL4_CPtr slot = kobj_slot();
    CHECK_EQ(kobj_retype(ut, seL4_UntypedObject, 16, slot, 1), seL4_NoError,
             "the untyped is still whole: nothing was taken from it");
    test_finish();
}
