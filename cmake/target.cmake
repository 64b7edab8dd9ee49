# AArch64 world: flags for the kernel and for EL0 programs, and helpers that make programs
# and bootable images (a kernel with a root task inside).
set(CMAKE_C_STANDARD 11)
set(NS_IMAGE_DIR ${CMAKE_BINARY_DIR}/images)
set(NS_WARNINGS -Wall -Wextra -Werror)
math(EXPR NS_RAM_BYTES "${NS_RAM_MB} * 1024 * 1024")

# C and assembly flags every AArch64 object gets.
add_compile_options(-std=gnu11 -O2 -g -fno-pie -ffunction-sections -fdata-sections
    ${NS_WARNINGS})
add_link_options(-static -no-pie -Wl,--build-id=none)

set(NS_KERNEL_FLAGS -ffreestanding -mgeneral-regs-only -fno-stack-protector
    -fno-common -fno-tree-loop-distribute-patterns -fno-omit-frame-pointer)
set(NS_USER_FLAGS --specs=picolibc.specs)

# ns_user_program(NAME SOURCES ... [LIBS ...]): an EL0 program linked with the runtime and
# picolibc.
function(ns_user_program NAME)
    cmake_parse_arguments(A "" "" "SOURCES;LIBS" ${ARGN})
    add_executable(${NAME} ${A_SOURCES})
    target_link_libraries(${NAME} PRIVATE runtime ${A_LIBS})
    set_target_properties(${NAME} PROPERTIES SUFFIX .elf)
endfunction()

# ns_embed_programs(TARGET PROGRAMS p...): links each program's ELF file into TARGET as
# `extern const char embedded_<p>[], embedded_<p>_end[];` (for spawning processes).
function(ns_embed_programs TARGET)
    cmake_parse_arguments(A "" "" "PROGRAMS" ${ARGN})
    set(src ${CMAKE_SOURCE_DIR}/runtime/src/embed.S)
    foreach(p ${A_PROGRAMS})
        set(obj ${CMAKE_CURRENT_BINARY_DIR}/${TARGET}.embed.${p}.o)
        add_custom_command(OUTPUT ${obj}
            COMMAND ${CMAKE_C_COMPILER} -c ${src} "-DEMBED_NAME=${p}"
                "-DEMBED_PATH=\"$<TARGET_FILE:${p}>\"" -o ${obj}
            DEPENDS ${p} ${src}
            VERBATIM)
        set_source_files_properties(${obj} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
        target_sources(${TARGET} PRIVATE ${obj})
    endforeach()
endfunction()

# ns_kernel_image(NAME ROOTTASK program [KERNEL objlib]): target NAME.img, file
# images/NAME.elf: the kernel with the root task's ELF carried inside it.
function(ns_kernel_image NAME)
    cmake_parse_arguments(A "" "ROOTTASK;KERNEL" "" ${ARGN})
    if(NOT A_KERNEL)
        set(A_KERNEL kernel_base)
    endif()
    set(blob ${CMAKE_CURRENT_BINARY_DIR}/${NAME}.roottask.o)
    set(blob_src ${CMAKE_SOURCE_DIR}/kernel/arch/aarch64/roottask_blob.S)
    add_custom_command(OUTPUT ${blob}
        COMMAND ${CMAKE_C_COMPILER} -c ${blob_src}
            "-DROOTTASK_PATH=\"$<TARGET_FILE:${A_ROOTTASK}>\"" -o ${blob}
        DEPENDS ${A_ROOTTASK} ${blob_src}
        VERBATIM)
    set(img ${NAME}.img)
    add_executable(${img} $<TARGET_OBJECTS:${A_KERNEL}> ${blob})
    set_source_files_properties(${blob} PROPERTIES EXTERNAL_OBJECT TRUE GENERATED TRUE)
    set(ld ${CMAKE_SOURCE_DIR}/kernel/arch/aarch64/kernel.ld)
    target_link_options(${img} PRIVATE -nostdlib -T ${ld})
    target_link_libraries(${img} PRIVATE gcc)
    set_target_properties(${img} PROPERTIES OUTPUT_NAME ${NAME} SUFFIX .elf
        LINK_DEPENDS ${ld} RUNTIME_OUTPUT_DIRECTORY ${NS_IMAGE_DIR})
endfunction()

# ns_qemu_test(NAME [SOURCES ...] [IMAGE other] ...): in this world, builds the test's root
# task and its image (the host world registers the CTest entry).
function(ns_qemu_test NAME)
    cmake_parse_arguments(A "WILL_FAIL" "IMAGE;TIMEOUT;KERNEL"
        "SOURCES;RUNNER_ARGS;DEFINES;EMBED" ${ARGN})
    if(A_SOURCES)
        ns_user_program(test_${NAME} SOURCES ${A_SOURCES} LIBS qemu_testlib)
        target_compile_definitions(test_${NAME} PRIVATE ${A_DEFINES})
        if(A_EMBED)
            ns_embed_programs(test_${NAME} PROGRAMS ${A_EMBED})
        endif()
        # base and bench tests run on the kernel with and without the notification-set
        # patch (the patched kernel must pass every test of the base kernel).
        if(NOT A_KERNEL OR A_KERNEL STREQUAL "base")
            ns_kernel_image(${NAME} ROOTTASK test_${NAME} KERNEL kernel_base)
            ns_kernel_image(${NAME}_patched ROOTTASK test_${NAME} KERNEL kernel_patched)
        elseif(A_KERNEL STREQUAL "bench")
            ns_kernel_image(${NAME} ROOTTASK test_${NAME} KERNEL kernel_bench)
            ns_kernel_image(${NAME}_patched ROOTTASK test_${NAME} KERNEL kernel_patched_bench)
        else()
            ns_kernel_image(${NAME} ROOTTASK test_${NAME} KERNEL kernel_${A_KERNEL})
        endif()
    endif()
endfunction()
