/* Kernel configuration. Build options override these with -D (see cmake/target.cmake). */
#ifndef KERNEL_CONFIG_H
#define KERNEL_CONFIG_H

#ifndef CONFIG_TIMER_TICK_US
#define CONFIG_TIMER_TICK_US 2000 /* seL4's default tick: 2 ms */
#endif
#ifndef CONFIG_TIME_SLICE_TICKS
#define CONFIG_TIME_SLICE_TICKS 5 /* seL4's default time slice */
#endif
#define CONFIG_NUM_PRIORITIES    256
#define CONFIG_MAX_PRIO          (CONFIG_NUM_PRIORITIES - 1)
#define CONFIG_KERNEL_STACK_SIZE 16384
#ifndef CONFIG_ROOT_CNODE_BITS
#define CONFIG_ROOT_CNODE_BITS 12 /* seL4's default root CNode size */
#endif

#endif
