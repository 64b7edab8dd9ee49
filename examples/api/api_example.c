/*
 * The example program of docs/api.md: one thread waits on three notifications with
 * libnotifyset. A second thread signals them (through badged caps, badge 1 << i) in
 * reverse order; the root task reports each event with the name it attached to the member,
 * then removes the members and destroys the set. The backend is the best the kernel offers:
 * the kernel object on the patched kernel, the helper threads elsewhere.
 */
#include <stdio.h>
#include <notifyset.h>
#include <rt/rt.h>

#define MEMBERS 3
#define PRIO    100 /* the waiting thread's priority */

static const char *const names[MEMBERS] = {"disk", "network", "timer"};
static seL4_CPtr signal_caps[MEMBERS];

/* The signaller: runs below the waiter, so each Signal wakes it at once. */
static void *signal_all(void *arg)
{
    (void)arg;
    for (int i = MEMBERS - 1; i >= 0; i--)
        seL4_Signal(signal_caps[i]);
    return NULL;
}

int main(void)
{
    struct rt_object ntfn[MEMBERS];
    seL4_Word token[MEMBERS];
    ns_set_t *set;

    if (rt_init(0) != seL4_NoError)
        return 1;
    seL4_TCB_SetPriority(seL4_CapInitThreadTCB, seL4_CapInitThreadTCB, PRIO);

    struct ns_config cfg = {.backend = NS_BACKEND_BEST, .capacity = 16, .waiter_priority = PRIO};
    int err = ns_set_create(&set, &cfg);
    if (err) {
        printf("ns_set_create: %d\n", err);
        return 1;
    }
    printf("api_example: backend %s\n", ns_backend_name(ns_set_backend(set)));

    /* Three notifications, each a member with its name as the user pointer; the signaller
     * gets write-only copies badged 1 << i. */
    for (int i = 0; i < MEMBERS && !err; i++) {
        err = rt_object_alloc(seL4_NotificationObject, 0, &ntfn[i]);
        err = err ? err : (int)rt_cspace_alloc(&signal_caps[i]);
        err = err ? err
                  : (int)seL4_CNode_Mint(rt_cspace_root(), signal_caps[i], RT_CSPACE_DEPTH,
                                         rt_cspace_root(), ntfn[i].cap, RT_CSPACE_DEPTH,
                                         seL4_CanWrite, 1ul << i);
        err = err ? err : ns_add(set, ntfn[i].cap, (void *)names[i], &token[i]);
    }
    if (err) {
        printf("setting up the members: %d\n", err);
        return 1;
    }

    struct rt_thread signaller;
    struct rt_thread_config tcfg = {.priority = PRIO - 50, .name = "signaller"};
    rt_thread_create(&signaller, signal_all, NULL, &tcfg);

    for (int seen = 0; seen < MEMBERS;) {
        struct ns_event ev[8];
        int n = ns_wait(set, ev, 8); /* blocks; returns 1..8 events */
        for (int k = 0; k < n; k++)
            printf("api_example: %s signalled (token %lu, badge %#lx)\n", (const char *)ev[k].user,
                   (unsigned long)ev[k].token, (unsigned long)ev[k].badge);
        seen += n > 0 ? n : MEMBERS; /* an error ends the loop */
    }

    rt_thread_join(&signaller);
    rt_thread_destroy(&signaller);
    for (int i = 0; i < MEMBERS; i++)
        ns_remove(set, token[i]);
    ns_set_destroy(set);
    for (int i = 0; i < MEMBERS; i++)
        rt_object_free(&ntfn[i]); /* revokes the badged copies too */
    printf("api_example: done\n");
    return 0;
}
