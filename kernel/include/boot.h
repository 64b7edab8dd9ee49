/* Boot: building the root task. */
#ifndef KERNEL_BOOT_H
#define KERNEL_BOOT_H

#include <types.h>

/* The root task's ELF image, linked into the kernel image (roottask_blob.S). */
extern const char roottask_image[];
extern const char roottask_image_end[];

/* Loads the root task's image into a new address space, gives it a boot info frame and an
 * IPC buffer, and makes its thread runnable at the highest priority. */
void roottask_create(void);

#endif
