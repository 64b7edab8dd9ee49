/*
 * poll() and select() (posix/): semantics and errors, on the backend the build chose
 * (tests/qemu/posix_tests.cmake runs this on the fallback and on the kernel set):
 *  - level-triggered: readiness is reported on every call while it holds, not once per
 *    change; it ends when the state does (data read, room used up);
 *  - blocking until a helper thread writes, with each timeout kind (0, finite, infinite);
 *    a finite timeout returns 0 no earlier than asked; a timer descriptor ends a wait;
 *  - POLLHUP when the peer closes (with POLLIN while data is left), POLLERR on a pipe
 *    whose reader is gone, POLLNVAL for a descriptor that is not open, negative
 *    descriptors ignored, a descriptor listed twice reported twice, EINVAL for nfds;
 *  - POLLOUT only while PIPE_BUF bytes fit;
 *  - registrations are made once and kept across calls (a second call adds none), closed
 *    descriptors leave the set, and an event of a closed descriptor is dropped;
 *  - 1,000 idle descriptors and one active: the call reports exactly the active one;
 *  - select: read/write sets, hang-up as readable, EBADF, EINVAL, timeouts.
 */
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/select.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <posix/channel.h>
#include "posix_util.h"
#include "testlib.h"

#define MANY 1000

static int efd_to_write;

static void *write_efd(void *arg)
{
    (void)arg;
    eventfd_write(efd_to_write, 1);
    return NULL;
}

static void test_level(void)
{
    int ch[2];
    CHECK_EQ(posix_channel_pair(ch), 0, "a channel pair");
    struct pollfd p = {.fd = ch[0], .events = POLLIN};
    CHECK_EQ(poll(&p, 1, 0), 0, "an empty channel: not readable (timeout 0)");
    CHECK_EQ(p.revents, 0, "revents 0");
    CHECK_EQ(write(ch[1], "0123456789", 10), 10, "10 bytes written to the other end");
    bool held = true;
    for (int i = 0; i < 3; i++)
        held = held && poll(&p, 1, 0) == 1 && p.revents == POLLIN;
    CHECK(held, "POLLIN on three calls in a row (readiness that holds is reported again)");
    char buf[16];
    CHECK_EQ(read(ch[0], buf, 4), 4, "read 4 of them");
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLIN, "still POLLIN with 6 left");
    CHECK_EQ(read(ch[0], buf, sizeof(buf)), 6, "read the other 6");
    CHECK_EQ(poll(&p, 1, 0), 0, "drained: not readable any more");
    p.events = POLLIN | POLLOUT;
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT, "an empty channel is writable");
    close(ch[0]);
    close(ch[1]);
}

static void test_pollout(void)
{
    int ch[2];
    posix_channel_pair(ch);
    fcntl(ch[1], F_SETFL, O_NONBLOCK);
    char block[256] = {0};
    size_t total = 0;
    ssize_t r;
    while ((r = write(ch[1], block, sizeof(block))) > 0)
        total += (size_t)r;
    CHECK(r == -1 && errno == EAGAIN && total == POSIX_CHANNEL_RING / 256 * 256,
          "256-byte writes go in whole: EAGAIN when less than 256 bytes are free");
    while ((r = write(ch[1], block, 1)) > 0)
        total += (size_t)r;
    CHECK(r == -1 && errno == EAGAIN, "a full channel: non-blocking write fails with EAGAIN");
    CHECK_EQ(total, POSIX_CHANNEL_RING, "after taking exactly the ring's bytes");
    struct pollfd p = {.fd = ch[1], .events = POLLOUT};
    CHECK_EQ(poll(&p, 1, 0), 0, "full: not writable");
    char sink[POSIX_CHANNEL_RING];
    read(ch[0], sink, PIPE_BUF - 1);
    CHECK_EQ(poll(&p, 1, 0), 0, "PIPE_BUF - 1 bytes free: still not writable");
    read(ch[0], sink, 1);
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLOUT, "PIPE_BUF bytes free: writable");
    close(ch[0]);
    close(ch[1]);
}

static void test_timeouts(void)
{
    int ch[2];
    posix_channel_pair(ch);
    struct pollfd p = {.fd = ch[0], .events = POLLIN};
    uint64_t t0 = pt_now_us();
    int r = poll(&p, 1, 30);
    uint64_t waited = pt_now_us() - t0;
    CHECK_EQ(r, 0, "finite timeout (30 ms) on an idle descriptor: returns 0");
    if (!CHECK(waited >= 30000, "... no earlier than 30 ms"))
        printf("       waited %llu us\n", (unsigned long long)waited);
    t0 = pt_now_us();
    CHECK_EQ(poll(NULL, 0, 10), 0, "no descriptors and 10 ms: a sleep, returns 0");
    CHECK(pt_now_us() - t0 >= 10000, "... after 10 ms");

    struct rt_thread t;
    efd_to_write = eventfd(0, 0);
    struct pollfd q[2] = {{.fd = ch[0], .events = POLLIN}, {.fd = efd_to_write, .events = POLLIN}};
    CHECK(pt_thread(&t, write_efd, NULL), "a helper thread that writes the eventfd");
    CHECK_EQ(poll(q, 2, -1), 1, "infinite timeout: woken by the helper's write");
    CHECK(q[0].revents == 0 && q[1].revents == POLLIN, "the eventfd is the one reported");
    pt_join(&t);
    eventfd_t v = 0;
    CHECK(eventfd_read(efd_to_write, &v) == 0 && v == 1, "it holds 1");
    CHECK(pt_thread(&t, write_efd, NULL), "again, with a finite timeout of 1 s");
    CHECK_EQ(poll(q, 2, 1000), 1, "woken by the write before the timeout");
    pt_join(&t);
    eventfd_read(efd_to_write, &v);

    int tf = timerfd_create(CLOCK_MONOTONIC, 0);
    struct itimerspec its = {.it_value = {0, 20 * 1000 * 1000}};
    CHECK(tf >= 0 && timerfd_settime(tf, 0, &its, NULL) == 0, "a timer descriptor, 20 ms");
    struct pollfd tp[2] = {{.fd = ch[0], .events = POLLIN}, {.fd = tf, .events = POLLIN}};
    t0 = pt_now_us();
    CHECK_EQ(poll(tp, 2, -1), 1, "infinite timeout: ended by the timer descriptor");
    uint64_t took = pt_now_us() - t0;
    if (!CHECK(tp[1].revents == POLLIN && took >= 19000, "... POLLIN after ~20 ms"))
        printf("       revents 0x%x after %llu us\n", tp[1].revents, (unsigned long long)took);
    close(tf);
    close(efd_to_write);
    close(ch[0]);
    close(ch[1]);
}

static void test_hangup_and_invalid(void)
{
    int ch[2];
    posix_channel_pair(ch);
    write(ch[1], "abc", 3);
    close(ch[1]);
    struct pollfd p = {.fd = ch[0], .events = POLLIN};
    CHECK(poll(&p, 1, 0) == 1 && p.revents == (POLLIN | POLLHUP),
          "peer closed with data left: POLLIN | POLLHUP");
    p.events = 0;
    CHECK(poll(&p, 1, 0) == 1 && p.revents == POLLHUP, "POLLHUP even with no events asked");
    char buf[8];
    CHECK_EQ(read(ch[0], buf, sizeof(buf)), 3, "the data is still read");
    CHECK_EQ(read(ch[0], buf, sizeof(buf)), 0, "then end of file");
    p.events = POLLIN | POLLOUT;
    CHECK(poll(&p, 1, -1) == 1 && p.revents == POLLHUP,
          "drained: POLLHUP alone, never POLLOUT (infinite timeout returns at once)");
    close(ch[0]);

    int pp[2];
    CHECK_EQ(pipe(pp), 0, "a pipe");
    close(pp[0]);
    struct pollfd w = {.fd = pp[1], .events = POLLOUT};
    CHECK(poll(&w, 1, 0) == 1 && w.revents == POLLERR, "its reader closed: POLLERR");
    CHECK(write(pp[1], "x", 1) == -1 && errno == EPIPE, "and write fails with EPIPE");
    close(pp[1]);

    struct pollfd bad[3] = {{.fd = 999, .events = POLLIN},
                            {.fd = -1, .events = POLLIN},
                            {.fd = pp[1], .events = POLLOUT}};
    CHECK_EQ(poll(bad, 3, -1), 2, "two descriptors that are not open: counted, no wait");
    CHECK(bad[0].revents == POLLNVAL && bad[2].revents == POLLNVAL, "each with POLLNVAL");
    CHECK_EQ(bad[1].revents, 0, "a negative descriptor is ignored (revents 0)");
    CHECK_EQ(poll(&bad[1], 1, 0), 0, "alone it gives 0");
    CHECK(poll(bad, POSIX_OPEN_MAX + 1, 0) == -1 && errno == EINVAL,
          "nfds above POSIX_OPEN_MAX: EINVAL");

    posix_channel_pair(ch);
    write(ch[1], "z", 1);
    struct pollfd dup[2] = {{.fd = ch[0], .events = POLLIN}, {.fd = ch[0], .events = POLLIN}};
    CHECK(poll(dup, 2, 0) == 2 && dup[0].revents == POLLIN && dup[1].revents == POLLIN,
          "a descriptor listed twice is reported twice");
    close(ch[0]);
    close(ch[1]);
}

static void test_registration(void)
{
    struct posix_stats s0, s1, s2, s3;
    int efds[8];
    struct pollfd p[8];
    for (int i = 0; i < 8; i++) {
        efds[i] = eventfd(0, 0);
        p[i] = (struct pollfd){.fd = efds[i], .events = POLLIN};
    }
    posix_get_stats(&s0);
    poll(p, 8, 0);
    posix_get_stats(&s1);
    CHECK_EQ(s1.registered - s0.registered, 0, "timeout 0 registers nothing");
    poll(p, 8, 1);
    posix_get_stats(&s2);
    CHECK_EQ(s2.registered - s0.registered, 8, "a call that may wait registers all 8");
    poll(p, 8, 1);
    posix_get_stats(&s3);
    CHECK_EQ(s3.registered, s2.registered, "the next call registers nothing more");
    /* An event for a descriptor closed before anyone waited: dropped as stale. */
    eventfd_write(efds[0], 1);
    close(efds[0]);
    p[0].fd = -1;
    CHECK_EQ(poll(p, 8, 5), 0, "a wait after a signalled descriptor was closed: timeout");
    posix_get_stats(&s1);
    CHECK_EQ(s1.registered, s3.registered - 1, "close took it out of the set");
    for (int i = 1; i < 8; i++)
        close(efds[i]);
    posix_get_stats(&s2);
    CHECK_EQ(s2.registered, s0.registered, "all gone after closing the rest");
}

static int many[MANY];

static void test_many(void)
{
    static struct pollfd p[MANY];
    bool ok = true;
    for (int i = 0; i < MANY; i++) {
        many[i] = eventfd(0, 0);
        ok = ok && many[i] >= 0;
        p[i] = (struct pollfd){.fd = many[i], .events = POLLIN};
    }
    CHECK(ok, "1,000 eventfds");
    CHECK_EQ(poll(p, MANY, 1), 0, "all idle: timeout");
    struct rt_thread t;
    efd_to_write = many[MANY / 2 + 7];
    pt_thread(&t, write_efd, NULL);
    CHECK_EQ(poll(p, MANY, -1), 1, "one written by a helper: poll returns 1");
    CHECK_EQ(p[MANY / 2 + 7].revents, POLLIN, "the right one");
    pt_join(&t);
    CHECK_EQ(poll(p, MANY, 0), 1, "still ready on the next call (not read)");
    for (int i = 0; i < MANY; i++)
        close(many[i]);
}

static void test_select(void)
{
    int ch[2], ch2[2];
    posix_channel_pair(ch);
    posix_channel_pair(ch2);
    fd_set r, w;
    struct timeval zero = {0, 0};
    FD_ZERO(&r);
    FD_ZERO(&w);
    FD_SET(ch[0], &r);
    FD_SET(ch2[0], &r);
    int nfds = (ch2[1] > ch[1] ? ch2[1] : ch[1]) + 1;
    CHECK_EQ(select(nfds, &r, NULL, NULL, &zero), 0, "select, nothing readable, timeout 0");
    CHECK(!FD_ISSET(ch[0], &r) && !FD_ISSET(ch2[0], &r), "the read set comes back empty");
    write(ch2[1], "q", 1);
    FD_SET(ch[0], &r);
    FD_SET(ch2[0], &r);
    FD_SET(ch[1], &w);
    CHECK_EQ(select(nfds, &r, &w, NULL, NULL), 2, "one readable, one writable");
    CHECK(FD_ISSET(ch2[0], &r) && !FD_ISSET(ch[0], &r) && FD_ISSET(ch[1], &w), "the right bits");
    struct timeval tv = {0, 20000};
    FD_ZERO(&r);
    FD_SET(ch[0], &r);
    uint64_t t0 = pt_now_us();
    CHECK_EQ(select(nfds, &r, NULL, NULL, &tv), 0, "20 ms timeout: 0");
    CHECK(pt_now_us() - t0 >= 20000 && tv.tv_usec == 20000, "after 20 ms; timeout unchanged");
    close(ch[1]);
    FD_SET(ch[0], &r);
    CHECK(select(nfds, &r, NULL, NULL, NULL) == 1 && FD_ISSET(ch[0], &r),
          "hang-up counts as readable (read returns end of file)");
    FD_SET(ch[1], &r);
    CHECK(select(nfds, &r, NULL, NULL, &zero) == -1 && errno == EBADF, "a closed fd: EBADF");
    CHECK(FD_ISSET(ch[1], &r), "and the sets are left as they were");
    CHECK(select(-1, NULL, NULL, NULL, &zero) == -1 && errno == EINVAL, "nfds -1: EINVAL");
    CHECK(select(POSIX_SELECT_MAX + 1, NULL, NULL, NULL, &zero) == -1 && errno == EINVAL,
          "nfds above POSIX_SELECT_MAX: EINVAL");
    struct timeval bad = {0, 1000000};
    CHECK(select(0, NULL, NULL, NULL, &bad) == -1 && errno == EINVAL, "tv_usec 10^6: EINVAL");
    close(ch[0]);
    close(ch2[0]);
    close(ch2[1]);
}

int main(void)
{
    pt_setup("posix_poll", 2048);
    test_level();
    test_pollout();
    test_timeouts();
    test_hangup_and_invalid();
    test_registration();
    test_many();
    test_select();
    test_finish();
}
