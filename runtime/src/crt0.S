/*
 * Process entry. x0 is the root task's boot info, or the start info page of a process made
 * by rt_process_create (rt/start_info.h: its first word is the magic, and it names the
 * initial stack). A root task takes the stack the linker script reserved. We clear the
 * frame chain and go to C with x0 unchanged.
 */
#include <rt/start_info.h>

    .section .text.start, "ax"
    .global _start
_start:
    ldr     x1, =__stack_top
    cbz     x0, 1f
    ldr     x2, [x0]
    ldr     x3, =RT_START_INFO_MAGIC
    cmp     x2, x3
    b.ne    1f
    ldr     x1, [x0, #RT_START_INFO_STACK_TOP_OFFSET]
1:  mov     sp, x1
    mov     x29, #0
    mov     x30, #0
    bl      rt_start
    b       .
