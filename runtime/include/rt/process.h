/*
 * Processes loaded from ELF images in memory (programs embedded with ns_embed_programs:
 * `extern const char embedded_<name>[], embedded_<name>_end[];`).
 *
 * rt_process_create builds a new VSpace (with an ASID from the root task's pool) and CNode,
 * loads the PT_LOAD segments (frames are mapped in the parent to be filled, then moved to
 * the child with the segment's rights), maps a stack with a guard page, an IPC buffer and
 * a start info page (rt/start_info.h), copies the caller's caps into the child's CNode and
 * configures a TCB in the child's CSpace and VSpace. rt_process_start runs it at the ELF
 * entry with x0 = the start info address. The child runs the same runtime (crt0 ->
 * rt_start -> main); when main returns or the child calls exit(), its exit status is
 * written to the start info page, the child signals its exit notification and suspends
 * itself; the parent sees that through rt_process_exited (polling) or rt_process_wait
 * (blocking on the notification).
 *
 * rt_process_destroy deletes every object and frees all memory the process used.
 * Root task only; not thread-safe.
 */
#ifndef RT_PROCESS_H
#define RT_PROCESS_H

#include <stdbool.h>
#include <stddef.h>
#include <sel4/sel4.h>
#include <rt/object.h>
#include <rt/start_info.h>
#include <rt/vspace.h>

#define RT_PROCESS_CNODE_BITS 12
#define RT_PROCESS_STACK_SIZE 0x10000

struct rt_process_config {
    seL4_Word priority;     /* 0 .. the caller's MCP */
    unsigned cnode_bits;    /* 0: RT_PROCESS_CNODE_BITS; at least 5 */
    seL4_Word stack_size;   /* 0: RT_PROCESS_STACK_SIZE */
    const seL4_Word *words; /* copied to the start info's words[] */
    unsigned num_words;     /* at most RT_START_MAX_WORDS */
    const seL4_CPtr *caps;  /* the caller's caps, copied into the child's CNode */
    unsigned num_caps;      /* at most RT_START_MAX_CAPS */
    const char *name;       /* for kernel messages, or NULL */
};

struct rt_process {
    struct rt_vspace vspace;
    struct rt_object cnode;
    struct rt_object tcb;
    struct rt_object exit_ntfn; /* the child signals it on exit */
    unsigned cnode_bits;
    seL4_Word entry;
    struct rt_start_info *info; /* the start info page, as mapped in the parent */
    seL4_Word info_child;       /* its address in the child */
};

/* Creates a process from the ELF image [elf, elf + size) with cfg (NULL: priority 255 and
 * defaults), ready to start. Returns seL4_InvalidArgument for a bad image or config,
 * seL4_NotEnoughMemory when memory, slots or addresses run out, or a failed invocation's
 * error; on error nothing is left allocated. */
seL4_Error rt_process_create(struct rt_process *p, const void *elf, size_t size,
                             const struct rt_process_config *cfg);
/* Maps the frames of the caller's range containing parent_vaddr into the child too (shared
 * memory); *child_vaddr is where. Call before or after starting. */
seL4_Error rt_process_share(struct rt_process *p, seL4_Word parent_vaddr, seL4_CapRights_t rights,
                            seL4_Word *child_vaddr);
/* The start info the child will see; the caller may still change words[] before start. */
struct rt_start_info *rt_process_info(struct rt_process *p);
/* Starts the child at its entry point. */
seL4_Error rt_process_start(struct rt_process *p);
/* True once the child has run its exit path; *status (if not NULL) is its exit status. */
bool rt_process_exited(const struct rt_process *p, int *status);
/* Blocks until the child has exited; *status (if not NULL) is its exit status. A child
 * that faults never exits: poll with rt_process_exited where that may happen. */
seL4_Error rt_process_wait(struct rt_process *p, int *status);
/* Stops the child and frees every object and all memory it used. */
seL4_Error rt_process_destroy(struct rt_process *p);

#endif
