/*
 * Process entry. The kernel starts a root task here with x0 = boot info. We take the stack
 * the linker script reserved, clear the frame chain and go to C.
 */
    .section .text.start, "ax"
    .global _start
_start:
    ldr     x1, =__stack_top
    mov     sp, x1
    mov     x29, #0
    mov     x30, #0
    bl      rt_start
    b       .
