# Programs that QEMU tests load as child processes (embedded with EMBED in tests.cmake).
# AArch64 world only.
if(CMAKE_CROSSCOMPILING)
    # rt_child: the runtime's process tests. A small heap and boot stack keep each child's
    # image small (rt_process_create gives it its own stack).
    ns_user_program(rt_child SOURCES ${CMAKE_CURRENT_LIST_DIR}/programs/rt_child.c)
    target_include_directories(rt_child PRIVATE ${CMAKE_CURRENT_LIST_DIR}/programs)
    target_link_options(rt_child PRIVATE -Wl,--defsym=RT_HEAP_SIZE=0x10000
        -Wl,--defsym=RT_STACK_SIZE=0x1000)
endif()
