# The QEMU integration tests. Read by both worlds: the AArch64 world builds each test's
# root task and image, the host world registers it with CTest (label `qemu`).
if(CMAKE_CROSSCOMPILING)
    add_library(qemu_testlib OBJECT ${CMAKE_CURRENT_LIST_DIR}/lib/testlib.c
        ${CMAKE_CURRENT_LIST_DIR}/lib/kobj.c)
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
# Base kernel objects (issue "Base kernel, part 1", item 7). Each test builds its objects
# with lib/kobj.c from the boot info alone.
# Boot info: initial caps, slot regions, image frames, the untyped list.
ns_qemu_test(bootinfo SOURCES ${T}/test_bootinfo.c DEFINES NS_RAM_MB=${NS_RAM_MB})
# CNode Copy/Mint/Move/Mutate/Delete and their errors; a write through a read-only derived
# frame cap faults.
ns_qemu_test(cnode SOURCES ${T}/test_cnode.c
    RUNNER_ARGS --summary --expect "vm fault on data access at address 0x20000000,")
# Revoke and the derivation tree, finalisation, a 2^18-slot CNode, multi-level lookups.
ns_qemu_test(cnode_tree SOURCES ${T}/test_cnode_tree.c TIMEOUT 120)
# Unreachable cycles (a CNode holding its own cap, two CNodes holding each other's, a thread
# whose CSpace holds its TCB cap) are deleted by Revoke of their untyped; one image each.
ns_qemu_test(cnode_cycle_self SOURCES ${T}/test_cnode_cycles.c DEFINES CYCLE_SELF TIMEOUT 30)
ns_qemu_test(cnode_cycle_pair SOURCES ${T}/test_cnode_cycles.c DEFINES CYCLE_PAIR TIMEOUT 30)
ns_qemu_test(cnode_cycle_thread SOURCES ${T}/test_cnode_cycles.c DEFINES CYCLE_THREAD
    TIMEOUT 30)
# Untyped_Retype: every type and size, alignment, watermark, fan-out, device memory, errors.
ns_qemu_test(untyped SOURCES ${T}/test_untyped.c)
# TCB invocations; a faulting thread is reported, stays inactive and restarts on Resume.
ns_qemu_test(tcb SOURCES ${T}/test_tcb.c
    RUNNER_ARGS --summary --expect "vm fault on data access at address 0xdead000,")
# Priorities, preemption, Yield round robin, FP state per thread across time slices.
ns_qemu_test(tcb_sched SOURCES ${T}/test_tcb_sched.c TIMEOUT 120)
# VSpace objects: ASID before use, table levels, Page_Map errors, aliasing, VSpace deletion.
ns_qemu_test(vspace SOURCES ${T}/test_vspace.c)
# What mappings allow, seen through child threads' faults; isolation; the PL031 device frame.
ns_qemu_test(vspace_access SOURCES ${T}/test_vspace_access.c
    RUNNER_ARGS --summary
        --expect "vm fault on data access at address 0x30000000,"
        --expect "vm fault on data access at address 0x30800000,"
        --expect "vm fault on data access at address 0x30200000,"
        --expect "vm fault on data access at address 0x40000000,"
        --expect "vm fault on instruction fetch at address 0x30400[0-9a-f]{3},"
        --expect "thread 'isolated': vm fault on data access at address 0x31000000,")
# ASID pools: MakePool and Assign errors, a full pool, the 128-pool limit.
ns_qemu_test(asid SOURCES ${T}/test_asid.c)
# 20,000 TCBs and 20,000 notifications in a 2^16-slot CNode, then one Revoke.
ns_qemu_test(scale SOURCES ${T}/test_scale.c TIMEOUT 300)
# The user-level runtime (runtime/): untyped, slot and address-space allocators, threads,
# processes. Child programs are built by programs.cmake.
include(${T}/programs.cmake)
# Allocator accounting, the two-level CSpace, 20,000 objects, out-of-memory errors.
ns_qemu_test(runtime_alloc SOURCES ${T}/test_runtime_alloc.c TIMEOUT 300)
# The single-level CSpace (no bootstrap): running out of slots is an error, not a crash.
ns_qemu_test(runtime_single SOURCES ${T}/test_runtime_single.c TIMEOUT 120)
# Regions, mappings with page tables made on demand, 2 MiB pages, sharing, other VSpaces.
ns_qemu_test(runtime_vspace SOURCES ${T}/test_runtime_vspace.c TIMEOUT 120)
# Threads: concurrent, TLS, join, exit, priorities, destroy; a stack overflow hits the guard.
ns_qemu_test(runtime_thread SOURCES ${T}/test_runtime_thread.c TIMEOUT 120
    RUNNER_ARGS --summary --expect "thread 'guard': vm fault on data access at address")
# Processes from an embedded ELF: start info, shared frame, exit paths, destroy, bad ELF.
ns_qemu_test(runtime_process SOURCES ${T}/test_runtime_process.c EMBED rt_child TIMEOUT 120
    RUNNER_ARGS --summary --expect "rt_child 1: running as a child process")
if(CMAKE_CROSSCOMPILING)
    # 20,000 objects one at a time need more bookkeeping than the default 2 MiB heap.
    target_link_options(test_runtime_alloc PRIVATE -Wl,--defsym=RT_HEAP_SIZE=0x800000)
    target_include_directories(test_runtime_process PRIVATE ${T}/programs)
endif()
# IPC, notifications, faults, interrupts, fastpath and kernel counters (issue "Base kernel,
# part 2", item 7). lib/ipc_util.c adds helpers on top of lib/kobj.c: a watchdog thread
# turns a blocking call that never returns into a failed check.
set(NS_IPC_UTIL ${T}/lib/ipc_util.c)
# Endpoints: Send/Recv in both orders, badges, priorities, FIFO, long messages,
# Call/Reply/ReplyRecv, NBSend/NBRecv, rights.
ns_qemu_test(ipc SOURCES ${T}/test_ipc.c ${NS_IPC_UTIL})
# Endpoints: cap transfer and unwrapping, deleting endpoints and blocked threads,
# CancelBadgedSends.
ns_qemu_test(ipc_caps SOURCES ${T}/test_ipc_caps.c ${NS_IPC_UTIL})
# Notifications: Signal/Wait/Poll, OR-ed badges, FIFO waiters, rights, TCB binding,
# deletion, Signal/Wait with a thread in another VSpace.
ns_qemu_test(notification SOURCES ${T}/test_notification.c ${NS_IPC_UTIL})
# Faults delivered to a fault endpoint and answered; unusable fault endpoints are reported.
ns_qemu_test(fault SOURCES ${T}/test_fault.c ${NS_IPC_UTIL}
    RUNNER_ARGS --summary --expect "badfep0.*0xbad0000" --expect "badfep1.*0xbad1000"
        --expect "badfep2.*0xbad2000" --expect "badfep3.*0xbad3000")
# IRQControl/IRQHandler with the EL1 virtual timer (PPI 27) programmed from EL0.
ns_qemu_test(irq SOURCES ${T}/test_irq.c ${NS_IPC_UTIL})
# Fastpath and slow path give the same results; kernel counters (kernel_bench, exact
# under -icount). The same program on kernel_base, where the counters are refused.
ns_qemu_test(fastpath SOURCES ${T}/test_fastpath.c ${NS_IPC_UTIL} KERNEL bench
    RUNNER_ARGS --icount)
ns_qemu_test(fastpath_base SOURCES ${T}/test_fastpath.c ${NS_IPC_UTIL} DEFINES FASTPATH_BASE)
# The micro-benchmark (bench/micro.c, image built by bench/CMakeLists.txt) as a smoke
# test: it must finish and print every row.
set(NS_MICRO_ROW ",1000,-?[0-9]+[.][0-9]+,-?[0-9]+[.][0-9]+,-?[0-9]+[.][0-9]+$")
ns_qemu_test(bench_micro IMAGE bench_micro KERNEL bench TIMEOUT 120
    RUNNER_ARGS --icount --expect "^# micro,operation,"
        --expect "^micro,null_syscall${NS_MICRO_ROW}"
        --expect "^micro,invalid_syscall${NS_MICRO_ROW}"
        --expect "^micro,call_replyrecv_fast${NS_MICRO_ROW}"
        --expect "^micro,call_replyrecv_slow${NS_MICRO_ROW}"
        --expect "^micro,send_recv_oneway${NS_MICRO_ROW}"
        --expect "^micro,signal_wait_hi_oneway${NS_MICRO_ROW}"
        --expect "^micro,signal_nowaiter${NS_MICRO_ROW}"
        --expect "^micro,signal_wait_otheras_oneway${NS_MICRO_ROW}")
# Notification sets (kernel-patch/, docs/notification-set.md), on the patched kernel only.
# lib/nset_util.c adds helpers on top of lib/kobj.c and lib/ipc_util.c.
set(NS_NSET_UTIL ${T}/lib/ipc_util.c ${T}/lib/nset_util.c)
# Retype sizes, Add/Remove, Wait/Poll pairs, FIFO order, coalescing, batching, Add of an
# Active notification, Remove keeping the word, direct Wait on a member.
ns_qemu_test(nset_basic SOURCES ${T}/test_nset_basic.c ${NS_NSET_UTIL} KERNEL patched)
# Every error of the set invocations and of Wait/Poll; each leaves the state unchanged.
ns_qemu_test(nset_errors SOURCES ${T}/test_nset_errors.c ${NS_NSET_UTIL} KERNEL patched)
# Retyping a set on the kernel without the patch is InvalidArgument. The image is built
# with the base kernel; only that run is registered (the patched kernel accepts it).
if(CMAKE_CROSSCOMPILING)
    ns_qemu_test(nset_base SOURCES ${T}/test_nset_base.c)
else()
    ns_qemu_test(nset_base KERNEL base_image_only)
endif()
# Blocked waiters: wake-ups, priorities, FIFO, suspend, deleting sets, members and
# waiting threads, Revoke of their untyped, other address spaces.
ns_qemu_test(nset_waiters SOURCES ${T}/test_nset_waiters.c ${NS_NSET_UTIL} KERNEL patched)
# Composition: a server bound to the set's notification waits on its endpoint and the set;
# SetNotification and its errors; the virtual timer's notification as a member.
ns_qemu_test(nset_compose SOURCES ${T}/test_nset_compose.c ${NS_NSET_UTIL} KERNEL patched)
# A chain of sets (each one's notification a member of the next): one Signal must stay
# O(1) and must not crash the kernel (kernel counters, exact under -icount).
ns_qemu_test(nset_chain SOURCES ${T}/test_nset_chain.c ${NS_NSET_UTIL} KERNEL patched_bench
    TIMEOUT 30 RUNNER_ARGS --icount)
# Over a million Signals from 4 threads (priorities above, equal to and below the waiter's,
# two in other VSpaces) to 4,096 members; every Signal is accounted for by its badge bits.
ns_qemu_test(nset_stress SOURCES ${T}/test_nset_stress.c ${NS_NSET_UTIL} KERNEL patched)
# posix/: poll, select, descriptors and the event loop (tests/qemu/posix_tests.cmake).
include(${T}/posix_tests.cmake)
# Deleting sets of 16 and 65,536 members: the longest kernel entry, members plain again;
# Add/Remove of 65,536; a set seen while it is being deleted (kernel counters, -icount).
ns_qemu_test(nset_teardown SOURCES ${T}/test_nset_teardown.c ${NS_NSET_UTIL}
    KERNEL patched_bench TIMEOUT 120 RUNNER_ARGS --icount)
# libnotifyset (notifyset/, userspace-fallback/): one suite, compiled once (object library
# notifyset_suite), linked into one image per backend and variant with a one-line object
# (test_notifyset_config.c) that selects it. Ordering, coalescing, max below the ready
# count, errors, removal with signals outstanding, add/remove while waiting, many waiters,
# stress, destroy with events pending, 4,096 members x 100 rounds reclaimed exactly.
# Entries on the base kernel also run on the patched one (qemu.patched.notifyset_*), where
# notifyset_best picks the kernel backend.
if(CMAKE_CROSSCOMPILING)
    add_library(notifyset_suite OBJECT ${T}/test_notifyset.c ${T}/test_notifyset_errors.c
        ${T}/test_notifyset_threads.c ${T}/test_notifyset_stress.c
        ${T}/test_notifyset_reclaim.c ${T}/lib/ns_test.c)
    target_link_libraries(notifyset_suite PUBLIC qemu_testlib notifyset)
    target_compile_options(notifyset_suite PRIVATE -mno-outline-atomics)
endif()
# ns_notifyset_suite(NAME BACKEND VARIANT OWNED KERNEL): the entry qemu.notifyset_NAME.
function(ns_notifyset_suite NAME BACKEND VARIANT OWNED KERNEL)
    ns_qemu_test(notifyset_${NAME} SOURCES ${T}/test_notifyset_config.c KERNEL ${KERNEL}
        DEFINES NS_TEST_NAME=notifyset_${NAME} NS_TEST_BACKEND=${BACKEND}
            NS_TEST_VARIANT=${VARIANT} NS_TEST_OWNED=${OWNED})
    if(CMAKE_CROSSCOMPILING)
        target_link_libraries(test_notifyset_${NAME} PRIVATE notifyset_suite)
    endif()
endfunction()
ns_notifyset_suite(kernel NS_BACKEND_KERNEL NS_FALLBACK_DEFAULT false patched)
ns_notifyset_suite(kernel_owned NS_BACKEND_KERNEL NS_FALLBACK_DEFAULT true patched)
ns_notifyset_suite(fallback_send NS_BACKEND_FALLBACK NS_FALLBACK_SEND false base)
ns_notifyset_suite(fallback_call NS_BACKEND_FALLBACK NS_FALLBACK_CALL false base)
ns_notifyset_suite(fallback_pool NS_BACKEND_FALLBACK NS_FALLBACK_POOL true base)
ns_notifyset_suite(best NS_BACKEND_BEST NS_FALLBACK_DEFAULT false base)
# The figures that chose the fallback's default variant (userspace-fallback/README.md):
# instructions, kernel entries and switches per event for each backend and variant, on the
# kernels with counters under -icount (qemu.notifyset_measure: base kernel, fallback only;
# qemu.patched.notifyset_measure: with the kernel object).
set(NS_MEASURE_ROW ",[0-9]+,[0-9]+,[0-9]+[.][0-9]+,[0-9]+[.][0-9]+$")
ns_qemu_test(notifyset_measure SOURCES ${T}/test_notifyset_measure.c ${T}/lib/ns_test.c
    KERNEL bench TIMEOUT 120
    RUNNER_ARGS --icount --summary --expect "^nsmeasure,send_above,wake${NS_MEASURE_ROW}"
        --expect "^nsmeasure,pool_equal,burst${NS_MEASURE_ROW}")
if(CMAKE_CROSSCOMPILING)
    target_link_libraries(test_notifyset_measure PRIVATE notifyset)
endif()
# examples/many: one thread waits on 10,000 notifications signalled by four child processes;
# every signal must arrive once with its sender's badge (images built by examples/). The
# fallback images also run on the patched kernel (qemu.patched.example_many_*).
set(NS_MANY_OK "example_many: 10000 notifications, 4 processes, 4 rounds: [0-9]+ events in [0-9]+ waits .*, 0 lost, 0 invented, 0 with a wrong badge")
ns_qemu_test(example_many_kernel IMAGE example_many_kernel KERNEL patched_bench TIMEOUT 120
    RUNNER_ARGS --icount --expect "${NS_MANY_OK}")
ns_qemu_test(example_many_fallback IMAGE example_many_fallback KERNEL bench TIMEOUT 120
    RUNNER_ARGS --icount --expect "${NS_MANY_OK}")
ns_qemu_test(example_many_pool IMAGE example_many_pool KERNEL bench TIMEOUT 120
    RUNNER_ARGS --icount --expect "${NS_MANY_OK}")
# examples/api: the example program of docs/api.md.
ns_qemu_test(example_api IMAGE example_api
    RUNNER_ARGS --expect "api_example: timer signalled .*badge 0x4"
        --expect "api_example: disk signalled .*badge 0x1" --expect "api_example: done")
