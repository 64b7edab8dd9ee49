/*
 * A child process for tests/qemu/test_runtime_process.c. It checks what it can see of
 * itself (start info, caps, IPC buffer, stack, TLS, malloc, loaded data), writes a report
 * into the page its parent shares, signals the notification the parent passed (caps[0])
 * and ends with the status it was given, by returning from main or calling exit().
 */
#include <errno.h>
#include <runtime.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "rt_child.h"

static const char greeting[] = "initialised data";
static int zeroed[256];
static __thread int tls_value = 5;

static uintptr_t stack_pointer(void)
{
    uintptr_t sp;
    __asm__ volatile("mov %0, sp" : "=r"(sp));
    return sp;
}

static void check_self(const struct rt_start_info *si, struct rt_child_report *r)
{
    const seL4_CPtr caps[6] = {si->tcb,       si->cnode,      si->vspace,
                               si->exit_ntfn, si->info_frame, si->ipc_buffer_frame};
    r->is_child = rt_bootinfo() == NULL;
    for (int i = 0; i < 6; i++)
        r->cap_types[i] = seL4_DebugCapIdentify(caps[i]);
    r->given_cap_type = si->num_caps > 0 ? seL4_DebugCapIdentify(si->caps[0]) : 0;

    seL4_IPCBuffer *ipc = seL4_GetIPCBuffer();
    ipc->userData = 0x1234;
    r->ipc_buffer_ok = ipc == si->ipc_buffer && ipc->userData == 0x1234;

    uintptr_t sp = stack_pointer();
    r->stack_ok = sp < si->stack_top && sp > si->stack_top - 0x10000;

    errno = 0;
    strtol("99999999999999999999999", NULL, 10);
    r->tls_ok = tls_value == 5 && errno == ERANGE;
    tls_value = 6;
    r->tls_ok = r->tls_ok && tls_value == 6;

    char *p = malloc(20000);
    if (p) {
        memset(p, 0x5a, 20000);
        r->malloc_ok = p[19999] == 0x5a;
        free(p);
    }
    int zero = 1;
    for (int i = 0; i < 256; i++)
        zero = zero && zeroed[i] == 0;
    r->data_ok = zero && strcmp(greeting, "initialised data") == 0;
    r->empty_start = si->empty.start;
    r->empty_end = si->empty.end;
}

static __attribute__((noinline)) void leave(int status)
{
    exit(status);
}

int main(void)
{
    const struct rt_start_info *si = rt_start_info();
    if (!si || si->num_words < RT_CHILD_NUM_WORDS)
        return 99;
    struct rt_child_report *r = (struct rt_child_report *)si->words[RT_CHILD_WORD_REPORT];
    if (r) {
        check_self(si, r);
        r->id = si->words[RT_CHILD_WORD_ID];
        r->magic = RT_CHILD_REPORT_MAGIC;
    }
    printf("rt_child %lu: running as a child process\n",
           (unsigned long)si->words[RT_CHILD_WORD_ID]);
    if (si->num_caps > 0)
        seL4_Signal(si->caps[0]);
    int status = (int)si->words[RT_CHILD_WORD_STATUS];
    if (si->words[RT_CHILD_WORD_MODE] == RT_CHILD_EXIT)
        leave(status);
    return status;
}
