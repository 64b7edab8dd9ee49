/*
 * The root task's runtime services, in one include:
 *
 *   rt/untyped.h  untyped memory: buddy allocator over the boot untypeds
 *   rt/object.h   kernel objects, one at a time or in batches
 *   rt/cspace.h   CSpace slots; two-level CSpace bootstrap
 *   rt/vspace.h   address spaces: regions, mappings, page tables
 *   rt/thread.h   threads in the root task's spaces
 *   rt/process.h  processes loaded from ELF images
 *
 * A root task calls rt_init() once, from its initial thread, before using any of them.
 * They are not thread-safe: use them from one thread at a time.
 */
#ifndef RT_RT_H
#define RT_RT_H

#include <runtime.h>
#include <rt/cspace.h>
#include <rt/object.h>
#include <rt/process.h>
#include <rt/thread.h>
#include <rt/untyped.h>
#include <rt/vspace.h>

/* rt_init flags. */
#define RT_INIT_SINGLE_LEVEL 1 /* keep the boot CNode as the only CSpace level */

/* Sets up the allocators from the boot info: slots (single-level), untyped memory, then
 * (unless RT_INIT_SINGLE_LEVEL) the two-level CSpace, and the root task's VSpace
 * description. Root task only (seL4_IllegalOperation elsewhere or when called twice);
 * returns the first error. */
seL4_Error rt_init(unsigned flags);

#endif
