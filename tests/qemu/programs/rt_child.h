/*
 * The contract between tests/qemu/test_runtime_process.c and its child program rt_child:
 * the start info words the parent passes, and the report the child writes into a frame
 * the parent shares with it.
 */
#ifndef RT_CHILD_H
#define RT_CHILD_H

#include <sel4/sel4.h>

/* Start info words. */
enum rt_child_word {
    RT_CHILD_WORD_MODE = 0,   /* enum rt_child_mode */
    RT_CHILD_WORD_REPORT = 1, /* address of the shared report page in the child, or 0 */
    RT_CHILD_WORD_STATUS = 2, /* the exit status to end with */
    RT_CHILD_WORD_ID = 3,     /* a number the child copies into its report */
    RT_CHILD_NUM_WORDS = 4,
};

enum rt_child_mode {
    RT_CHILD_RETURN = 0, /* return the status from main */
    RT_CHILD_EXIT = 1,   /* call exit(status) from a nested function */
};

#define RT_CHILD_REPORT_MAGIC 0x7265706f72743031ull

/* Written by the child; every field is what the child observed. */
struct rt_child_report {
    seL4_Word magic;
    seL4_Word id;
    seL4_Word is_child;       /* rt_start_info() set and rt_bootinfo() NULL */
    seL4_Word cap_types[6];   /* seL4_DebugCapIdentify of TCB, CNode, VSpace, exit ntfn,
                                 start info frame, IPC buffer frame */
    seL4_Word given_cap_type; /* of caps[0], the notification the parent passed */
    seL4_Word ipc_buffer_ok;  /* seL4_GetIPCBuffer() is the start info's and writable */
    seL4_Word stack_ok;       /* the stack pointer lies below stack_top, within 64 KiB */
    seL4_Word tls_ok;         /* a __thread variable and errno work */
    seL4_Word malloc_ok;      /* malloc'd memory usable */
    seL4_Word data_ok;        /* initialised data and bss loaded right */
    seL4_Word empty_start;    /* start info's empty region */
    seL4_Word empty_end;
};

#endif
