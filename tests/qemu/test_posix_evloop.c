/*
 * The event loop (posix/include/posix/evloop.h) on the backend the build chose:
 *  - the order within an iteration: deferred callbacks, then due timers, then ready
 *    watchers; a callback deferred from a deferred callback runs next iteration;
 *  - one-shot timers fire earliest first, each no earlier than asked; equal deadlines fire
 *    in start order (the timer service); a stopped timer never fires; a repeating timer
 *    fires every period until stopped from its own callback;
 *  - watchers are level-triggered: one that reads a byte per call is called once per byte
 *    until the channel is empty, then not again until new data; watchers report in the
 *    order their descriptors became ready; POLLHUP reaches a watcher; closing a watched
 *    descriptor stops its watcher;
 *  - evl_stop ends evl_run; evl_run returns when nothing is left;
 *  - 1,000 idle watchers and one active: an iteration calls only the active one.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <unistd.h>
#include <posix/channel.h>
#include <posix/evloop.h>
#include "posix_util.h"
#include "testlib.h"

#define MS   1000000ull
#define IDLE 1000

static struct evl_loop loop;
static char order[64];
static size_t norder;

static void note(char c)
{
    if (norder < sizeof(order) - 1)
        order[norder++] = c;
    order[norder] = 0;
}

static void reset(void)
{
    norder = 0;
    order[0] = 0;
}

static void defer_note(struct evl_loop *l, struct evl_defer *d)
{
    (void)l;
    note(*(const char *)d->data);
}

static struct evl_defer again;

static void defer_again(struct evl_loop *l, struct evl_defer *d)
{
    note(*(const char *)d->data);
    evl_defer(l, &again, defer_note, "z");
}

static uint64_t fired_at[8];

static void timer_note(struct evl_loop *l, struct evl_timer *t)
{
    (void)l;
    if (norder < 8)
        fired_at[norder] = pt_now_us();
    note(*(const char *)t->data);
}

static void io_note(struct evl_loop *l, struct evl_io *io, short revents)
{
    (void)l, (void)revents;
    eventfd_t v;
    eventfd_read(io->fd, &v);
    note(*(const char *)io->data);
}

static void test_iteration_order(void)
{
    static struct evl_defer d[3];
    static struct evl_timer t;
    static struct evl_io io;
    int e = eventfd(1, 0);
    reset();
    evl_defer(&loop, &d[0], defer_note, "a");
    evl_defer(&loop, &d[1], defer_again, "b");
    evl_defer(&loop, &d[2], defer_note, "c");
    evl_timer_start(&loop, &t, 0, 0, timer_note, "T");
    evl_io_start(&loop, &io, e, POLLIN, io_note, "I");
    evl_run_once(&loop, false);
    CHECK(strcmp(order, "abcTI") == 0, "one iteration: deferred (in order), timer, watcher");
    evl_run_once(&loop, false);
    CHECK(strcmp(order, "abcTIz") == 0, "a callback deferred by a deferred one: next iteration");
    if (strcmp(order, "abcTIz"))
        printf("       order %s\n", order);
    evl_io_stop(&io);
    close(e);
}

static struct posix_timer entries[3];

static void entry_note(struct posix_timer *t, uint64_t now)
{
    (void)now;
    note((char)('0' + (t - entries)));
}

static void test_timers(void)
{
    static struct evl_timer t[4];
    reset();
    uint64_t t0 = pt_now_us();
    evl_timer_start(&loop, &t[0], 30 * MS, 0, timer_note, "3");
    evl_timer_start(&loop, &t[1], 10 * MS, 0, timer_note, "1");
    evl_timer_start(&loop, &t[2], 20 * MS, 0, timer_note, "2");
    evl_timer_start(&loop, &t[3], 15 * MS, 0, timer_note, "x");
    evl_timer_stop(&t[3]);
    while (norder < 3 && evl_run_once(&loop, true) >= 0)
        ;
    CHECK(strcmp(order, "123") == 0, "one-shot timers at 30, 10, 20 ms fire as 10, 20, 30");
    CHECK(fired_at[0] - t0 >= 10000 && fired_at[1] - t0 >= 20000 && fired_at[2] - t0 >= 30000,
          "each no earlier than its deadline");
    CHECK(!evl_timer_active(&t[0]) && loop.timers == 0, "fired one-shots are inactive");

    /* Equal deadlines, through the service directly: start order decides. */
    uint64_t dl = posix_clock_ticks() + posix_ticks_from_ns(MS);
    reset();
    for (int i = 0; i < 3; i++) {
        entries[i].fire = entry_note;
        posix_timer_start(&entries[2 - i], dl);
    }
    posix_timer_run(dl);
    CHECK(strcmp(order, "210") == 0, "equal deadlines fire in start order (2, 1, 0)");
    reset();
    for (int i = 0; i < 3; i++)
        posix_timer_start(&entries[i], dl);
    posix_timer_stop(&entries[1]);
    posix_timer_run(dl);
    CHECK(strcmp(order, "02") == 0, "... (0, 1, 2 with 1 stopped: 0, 2)");
}

static int repeats;
static uint64_t repeat_start;
static bool schedule_ok = true;

/* The k-th firing of a 5 ms timer is due at k * 5 ms: never earlier (it may be later, and
 * the next one then comes sooner: periods are kept to the schedule, not to the last run). */
static void repeat_cb(struct evl_loop *l, struct evl_timer *t)
{
    (void)l;
    if (pt_now_us() - repeat_start < (uint64_t)(repeats + 1) * 5000)
        schedule_ok = false;
    if (++repeats == 5)
        evl_timer_stop(t);
}

static void test_repeat(void)
{
    static struct evl_timer t;
    repeats = 0;
    repeat_start = pt_now_us();
    evl_timer_start(&loop, &t, 5 * MS, 5 * MS, repeat_cb, NULL);
    CHECK_EQ(evl_run(&loop), 0, "evl_run with a repeating timer");
    CHECK_EQ(repeats, 5, "it fired 5 times, then its callback stopped it and evl_run returned");
    CHECK(schedule_ok, "the k-th time no earlier than k * 5 ms");
}

static int bytes_seen;

static void read_one(struct evl_loop *l, struct evl_io *io, short revents)
{
    char c;
    if (revents & POLLIN && read(io->fd, &c, 1) == 1)
        bytes_seen++;
    if (revents & POLLHUP) {
        note('H');
        evl_io_stop(io);
    }
    (void)l;
}

static void test_level(void)
{
    static struct evl_io io;
    int ch[2];
    posix_channel_pair(ch);
    bytes_seen = 0;
    reset();
    CHECK_EQ(evl_io_start(&loop, &io, ch[0], POLLIN, read_one, NULL), 0, "watch a channel");
    static struct evl_io other;
    CHECK(evl_io_start(&loop, &other, ch[0], POLLIN, read_one, NULL) == -1 && errno == EBUSY,
          "a second watcher on it: EBUSY");
    CHECK(evl_io_start(&loop, &other, 999, POLLIN, read_one, NULL) == -1 && errno == EBADF,
          "a watcher on a closed descriptor: EBADF");
    CHECK_EQ(evl_io_start(&loop, &io, ch[0], POLLIN, read_one, NULL), 0,
             "starting the started watcher again restarts it");
    CHECK_EQ(loop.watchers, 1, "still one watcher");
    write(ch[1], "12345", 5);
    int calls = 0;
    for (int i = 0; i < 8; i++)
        calls += evl_run_once(&loop, false);
    CHECK(bytes_seen == 5 && calls == 5, "5 bytes, one read per call: called 5 times");
    CHECK(!loop.pending_head, "drained: the watcher waits for its notification");
    write(ch[1], "67", 2);
    CHECK_EQ(evl_run_once(&loop, true), 1, "new data: a blocking iteration calls it again");
    evl_run_once(&loop, false);
    CHECK_EQ(bytes_seen, 7, "both new bytes");
    close(ch[1]);
    for (int i = 0; i < 4 && loop.watchers; i++)
        evl_run_once(&loop, true);
    CHECK(strcmp(order, "H") == 0 && loop.watchers == 0, "hang-up reported; watcher stopped");
    close(ch[0]);

    posix_channel_pair(ch);
    evl_io_start(&loop, &io, ch[0], POLLIN, read_one, NULL);
    close(ch[0]);
    CHECK(loop.watchers == 0 && !loop.pending_head, "closing a watched descriptor stops it");
    close(ch[1]);
}

static int efds[3];

static void *write_three(void *arg)
{
    (void)arg;
    eventfd_write(efds[2], 1);
    eventfd_write(efds[0], 1);
    eventfd_write(efds[1], 1);
    return NULL;
}

static void test_ready_order(void)
{
    static struct evl_io io[3];
    static const char *names[3] = {"a", "b", "c"};
    reset();
    for (int i = 0; i < 3; i++) {
        efds[i] = eventfd(0, 0);
        evl_io_start(&loop, &io[i], efds[i], POLLIN, io_note, (void *)names[i]);
    }
    evl_run_once(&loop, false); /* the first check of new watchers: nothing ready */
    struct rt_thread t;
    pt_thread(&t, write_three, NULL);
    while (norder < 3 && evl_run_once(&loop, true) >= 0)
        ;
    pt_join(&t);
    CHECK(strcmp(order, "cab") == 0, "written c, a, b while the loop blocked: called c, a, b");
    if (strcmp(order, "cab"))
        printf("       order %s\n", order);
    for (int i = 0; i < 3; i++) {
        evl_io_stop(&io[i]);
        close(efds[i]);
    }
}

static void stop_cb(struct evl_loop *l, struct evl_timer *t)
{
    (void)t;
    note('S');
    evl_stop(l);
}

static void test_stop_and_idle(void)
{
    static struct evl_io idle[IDLE];
    static int fds[IDLE];
    static struct evl_timer stop, never;
    bool ok = true;
    for (int i = 0; i < IDLE; i++) {
        fds[i] = eventfd(0, 0);
        ok = ok && evl_io_start(&loop, &idle[i], fds[i], POLLIN, io_note, "i") == 0;
    }
    CHECK(ok, "1,000 idle watchers");
    evl_run_once(&loop, false);
    reset();
    eventfd_write(fds[IDLE - 3], 1);
    CHECK_EQ(evl_run_once(&loop, true), 1, "one written: the iteration calls exactly one");
    CHECK(strcmp(order, "i") == 0, "... its callback");
    reset();
    evl_timer_start(&loop, &stop, 5 * MS, 0, stop_cb, NULL);
    evl_timer_start(&loop, &never, 3600000 * MS, 0, timer_note, "N");
    CHECK_EQ(evl_run(&loop), 0, "evl_run with watchers and timers left");
    CHECK(strcmp(order, "S") == 0, "returned after the callback that called evl_stop");
    evl_fini(&loop);
    CHECK(loop.watchers == 0 && loop.timers == 0 && !evl_timer_active(&never),
          "evl_fini stopped every watcher and timer");
    CHECK_EQ(evl_run(&loop), 0, "evl_run with nothing left returns at once");
    for (int i = 0; i < IDLE; i++)
        close(fds[i]);
}

int main(void)
{
    pt_setup("posix_evloop", 2048);
    CHECK_EQ(evl_init(&loop), 0, "evl_init");
    test_iteration_order();
    test_timers();
    test_repeat();
    test_level();
    test_ready_order();
    test_stop_and_idle();
    test_finish();
}
