/* The root task's ELF file, carried inside the kernel image. ROOTTASK_PATH is given by the
 * build (cmake/target.cmake) for each kernel image. */
    .section .rodata.roottask, "a"
    .balign 4096
    .global roottask_image
roottask_image:
    .incbin ROOTTASK_PATH
    .global roottask_image_end
roottask_image_end:
