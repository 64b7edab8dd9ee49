# QEMU tests of posix/ (descriptors, poll, select, the event loop). Included by tests.cmake;
# read by both worlds. Each suite runs on the base kernel (the fallback backend: BEST
# finds no kernel sets), on the patched kernel (qemu.patched.*: the kernel backend) and,
# for poll, on the patched kernel with the fallback forced.
set(POSIX_T ${CMAKE_CURRENT_LIST_DIR})
if(CMAKE_CROSSCOMPILING)
    add_library(posix_testlib OBJECT ${POSIX_T}/lib/posix_util.c)
    target_link_libraries(posix_testlib PUBLIC posix qemu_testlib)
    # posix_echo: the child process of posix_fd. Small heap and boot stack: each child
    # gets its own copy of the image.
    ns_user_program(posix_echo SOURCES ${POSIX_T}/programs/posix_echo.c LIBS posix)
    target_link_options(posix_echo PRIVATE -Wl,--defsym=RT_HEAP_SIZE=0x10000
        -Wl,--defsym=RT_STACK_SIZE=0x1000)
endif()
# poll() and select(): level-triggered readiness, timeouts, hang-up, invalid descriptors,
# registrations cached across calls, 1,000 idle descriptors.
ns_qemu_test(posix_poll SOURCES ${POSIX_T}/test_posix_poll.c TIMEOUT 120)
ns_qemu_test(posix_poll_fallback SOURCES ${POSIX_T}/test_posix_poll.c KERNEL patched TIMEOUT 120
    DEFINES POSIX_TEST_BACKEND=NS_BACKEND_FALLBACK)
# Descriptors: pipes, channels to child processes, eventfd, timerfd, errors, accounting.
ns_qemu_test(posix_fd SOURCES ${POSIX_T}/test_posix_fd.c EMBED posix_echo TIMEOUT 120)
# The event loop: ordering, timers, level-triggered watchers, stop.
ns_qemu_test(posix_evloop SOURCES ${POSIX_T}/test_posix_evloop.c TIMEOUT 120)
if(CMAKE_CROSSCOMPILING)
    foreach(t posix_poll posix_poll_fallback posix_fd posix_evloop)
        target_link_libraries(test_${t} PRIVATE posix_testlib posix)
        target_link_options(test_${t} PRIVATE -Wl,--defsym=RT_HEAP_SIZE=0x800000)
    endforeach()
    target_include_directories(test_posix_fd PRIVATE ${POSIX_T}/programs)
endif()
# The poll benchmark (bench/poll.c) with N <= 16 as a smoke test: it must finish and print
# every row.
set(POSIX_BENCH_ROW ",patched,16,1,1,[0-9]+,[0-9]+[.][0-9]+,[0-9.]+,[0-9.]+,[0-9]+,[0-9.]+$")
ns_qemu_test(bench_poll_smoke IMAGE bench_poll_smoke KERNEL patched_bench TIMEOUT 120
    RUNNER_ARGS --icount --expect "^poll,kernel-set${POSIX_BENCH_ROW}"
        --expect "^poll,fallback-[a-z]+${POSIX_BENCH_ROW}"
        --expect "^poll,poll-loop${POSIX_BENCH_ROW}"
        --expect "^evloop,kernel-set${POSIX_BENCH_ROW}"
        --expect "^evloop,fallback-[a-z]+${POSIX_BENCH_ROW}"
        --expect "^# poll: done")
# The display example (examples/display/): a server on the event loop with 1,000 client
# processes, each holding a channel; on the base kernel (the fallback) and the patched
# kernel (the kernel set), both with counters.
ns_qemu_test(example_display IMAGE display KERNEL bench TIMEOUT 300
    RUNNER_ARGS --icount --expect "^display: done")
