/*
 * The head-to-head benchmark's root task: runs every scenario for every backend over
 * N = 1 .. 65,536 (or the largest N the machine's memory allows, said in the output) and
 * prints CSV rows as it goes, with "# progress" lines for the host driver.
 */
#include <stdio.h>
#include <string.h>
#include "h2h.h"
#include <rt/rt.h>
#include <rt/untyped.h>

#ifndef H2H_MAX_N
#define H2H_MAX_N 65536
#endif

const char *h2h_kernel = "base";
bool h2h_have_sets;

void h2h_print(const struct h2h_row *r)
{
    double ev = r->events ? (double)r->events : 1.0;
    printf("%s,%s,%s,%zu,%zu,%zu,%zu,%.2f,%.3f,%.3f,%llu,%.1f\n", r->scenario, r->backend,
           h2h_kernel, r->n, r->active, r->batch, r->events, (double)r->instr / ev,
           (double)r->kentries / ev, (double)r->cswitches / ev, r->max_kentry, r->bytes_per_member);
}

void h2h_skip(const char *scenario, const char *backend, size_t n, const char *why)
{
    printf("# skipped: %s,%s,%s,%zu: %s\n", scenario, backend, h2h_kernel, n, why);
}

/* Does this kernel know the notification-set object? Retype one and see. */
static bool probe_sets(void)
{
    struct rt_object o;
    int err =
        rt_object_alloc_sized(seL4_NotificationSetObject, 2, 2 + seL4_NotificationSetEntryBits, &o);
    if (err)
        return false;
    rt_object_free(&o);
    return true;
}

int main(void)
{
    if (rt_init(0) || seL4_BenchmarkResetCounters() != seL4_NoError) {
        printf("# error: needs the runtime and a kernel with counters\n");
        return 1;
    }
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, H2H_ROOT_PRIO);
    h2h_have_sets = probe_sets();
    h2h_kernel = h2h_have_sets ? "patched" : "base";
    printf("# h2h: kernel %s, untyped free %lu MiB\n", h2h_kernel,
           (unsigned long)(rt_untyped_free_bytes() >> 20));
    printf("scenario,backend,kernel,n,active,batch,events,instr_per_event,kentries_per_event,"
           "cswitch_per_event,max_kentry_instr,bytes_per_member\n");

    static void (*const scenarios[])(const struct h2h_backend *, size_t) = {
        h2h_wake, h2h_wake_xas, h2h_burst, h2h_setup, h2h_teardown, h2h_irq};
    static const char *const names[] = {"wake", "wake_xas", "burst", "setup", "teardown", "irq"};
    for (size_t n = 1; n <= H2H_MAX_N; n *= 4) {
        for (const struct h2h_backend *const *b = h2h_backends; *b; b++) {
            if ((*b)->needs_kernel_set && !h2h_have_sets)
                continue;
            if ((*b)->max_n && n > (*b)->max_n)
                continue;
            for (size_t s = 0; s < sizeof(scenarios) / sizeof(scenarios[0]); s++) {
                bool members = !strcmp(names[s], "setup") || !strcmp(names[s], "teardown");
                if (members && !(*b)->has_members)
                    continue;
                printf("# progress: %s %s n=%zu\n", names[s], (*b)->name, n);
                scenarios[s](*b, n);
            }
        }
    }
    printf("# h2h: done\n");
    return 0;
}
