# The QEMU integration tests. Read by both worlds: the AArch64 world builds each test's
# root task and image, the host world registers it with CTest (label `qemu`).
if(CMAKE_CROSSCOMPILING)
    add_library(qemu_testlib OBJECT ${CMAKE_CURRENT_LIST_DIR}/lib/testlib.c)
    target_link_libraries(qemu_testlib PUBLIC runtime)
    target_include_directories(qemu_testlib PUBLIC ${CMAKE_CURRENT_LIST_DIR}/lib)
endif()

set(T ${CMAKE_CURRENT_LIST_DIR})

# Boot to EL0, the greeting, and the syscall layer; under plain QEMU, with -icount and
# entered at EL2.
ns_qemu_test(boot SOURCES ${T}/test_boot.c)
ns_qemu_test(boot_icount IMAGE boot RUNNER_ARGS --icount)
ns_qemu_test(boot_el2 IMAGE boot RUNNER_ARGS --el2)
# A root task that loads from address 0: the kernel reports the fault, suspends the
# thread, and ends the run since no thread can run again.
ns_qemu_test(user_fault SOURCES ${T}/test_user_fault.c
    RUNNER_ARGS --exit 121
        --expect "thread 'rootserver': vm fault on data access at address 0x0,"
        --expect "every thread is inactive")
# The same without -semihosting: the kernel falls back to PSCI SYSTEM_OFF.
ns_qemu_test(user_fault_psci IMAGE user_fault
    RUNNER_ARGS --no-semihosting --exit 0
        --expect "vm fault on data access at address 0x0,"
        --expect "every thread is inactive")
# Bad syscall numbers return an error; registers survive syscalls.
ns_qemu_test(syscall SOURCES ${T}/test_syscall.c)
# The harness itself: a hang and a failed check must each make the runner fail.
ns_qemu_test(harness_hang SOURCES ${T}/test_harness.c DEFINES HARNESS_HANG
    TIMEOUT 5 WILL_FAIL)
ns_qemu_test(harness_failed_check SOURCES ${T}/test_harness.c WILL_FAIL)
