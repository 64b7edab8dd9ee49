# Host world: compiler flags and the test registration helpers.
set(CMAKE_C_STANDARD 11)
set(CMAKE_C_STANDARD_REQUIRED ON)
add_compile_options(-Wall -Wextra -Werror -g -O1)

find_path(CMOCKA_INCLUDE_DIR cmocka.h REQUIRED)
find_library(CMOCKA_LIBRARY cmocka REQUIRED)

# ns_unit_test(NAME SOURCES src...): a cmocka test binary, run by CTest with label `unit`.
function(ns_unit_test NAME)
    cmake_parse_arguments(A "" "" "SOURCES" ${ARGN})
    add_executable(${NAME} ${A_SOURCES})
    target_include_directories(${NAME} PRIVATE ${CMOCKA_INCLUDE_DIR}
        ${CMAKE_SOURCE_DIR}/kernel/include
        ${CMAKE_SOURCE_DIR}/kernel/arch/aarch64/include
        ${CMAKE_SOURCE_DIR}/libsel4/include
        ${CMAKE_SOURCE_DIR}/common/elf)
    target_link_libraries(${NAME} PRIVATE ${CMOCKA_LIBRARY})
    add_test(NAME unit.${NAME} COMMAND ${NAME})
    set_tests_properties(unit.${NAME} PROPERTIES LABELS unit TIMEOUT 60)
endfunction()

# ns_qemu_test(NAME [SOURCES ...] [DEFINES ...] [EMBED programs...]
# [KERNEL base|bench|patched|patched_bench] [IMAGE other] [RUNNER_ARGS ...] [TIMEOUT s]
# [WILL_FAIL]): boots images/<IMAGE or NAME>.elf under QEMU through tools/qemu-run, label
# `qemu`. Tests of the base kernel (KERNEL base or bench, the default base) also run on
# the patched kernel as qemu.patched.NAME. WILL_FAIL marks a test whose failure is the
# expected outcome.
function(ns_qemu_test NAME)
    cmake_parse_arguments(A "WILL_FAIL" "IMAGE;TIMEOUT;KERNEL"
        "SOURCES;RUNNER_ARGS;DEFINES;EMBED" ${ARGN})
    if(NOT A_IMAGE)
        set(A_IMAGE ${NAME})
    endif()
    if(NOT A_TIMEOUT)
        set(A_TIMEOUT 60)
    endif()
    if(NOT A_KERNEL)
        set(A_KERNEL base)
    endif()
    ns_qemu_test_entry(qemu.${NAME} ${A_IMAGE} ${NAME})
    if(A_KERNEL STREQUAL "base" OR A_KERNEL STREQUAL "bench")
        ns_qemu_test_entry(qemu.patched.${NAME} ${A_IMAGE}_patched patched.${NAME})
    endif()
endfunction()

# One CTest entry for ns_qemu_test (uses its parsed arguments).
macro(ns_qemu_test_entry TEST IMAGE LOG)
    add_test(NAME ${TEST}
        COMMAND ${CMAKE_SOURCE_DIR}/tools/qemu-run --timeout ${A_TIMEOUT} --memory ${NS_RAM_MB}
            --log ${CMAKE_BINARY_DIR}/qemu-logs/${LOG}.log ${A_RUNNER_ARGS}
            ${NS_IMAGE_DIR}/${IMAGE}.elf)
    math(EXPR ctest_timeout "${A_TIMEOUT} + 30")
    set_tests_properties(${TEST} PROPERTIES LABELS qemu TIMEOUT ${ctest_timeout})
    if(A_WILL_FAIL)
        set_tests_properties(${TEST} PROPERTIES WILL_FAIL TRUE)
    endif()
endmacro()
