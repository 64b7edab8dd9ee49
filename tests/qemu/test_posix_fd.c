/*
 * Descriptors (posix/): pipes, channels between processes, event counters and timer
 * descriptors; read/write/close/fcntl and their errors.
 *  - the console descriptors 0, 1, 2; lowest free numbers; EBADF for closed descriptors
 *    and for the wrong direction; O_NONBLOCK through fcntl;
 *  - a pipe: bytes in order across the ring's wrap-around, EAGAIN when empty or full,
 *    end of file after the writer closes, EPIPE after the reader closes;
 *  - a channel end moved to a child process (tests/qemu/programs/posix_echo.c): ping-pong
 *    with blocking calls; 20,000 bytes echoed while the parent polls both directions (the
 *    child waits with blocking reads in one run, with poll() in another); the child's
 *    hang-up (POLLHUP, end of file, EPIPE); the channel is freed once both ends are
 *    closed, and a round of child + channel gives back every byte of memory;
 *  - eventfd: counter and semaphore modes, EAGAIN, EINVAL;
 *  - timerfd: one-shot and periodic expirations counted, gettime, disarm, errors.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <string.h>
#include <sys/eventfd.h>
#include <sys/timerfd.h>
#include <unistd.h>
#include <posix/channel.h>
#include "posix_echo.h"
#include "posix_util.h"
#include "testlib.h"

extern const char embedded_posix_echo[], embedded_posix_echo_end[];

#define BULK 20000

static void test_basics(void)
{
    CHECK_EQ(write(1, "# write(1) reaches the console\n", 31), 31, "write to descriptor 1");
    int pp[2];
    CHECK_EQ(pipe(pp), 0, "pipe");
    CHECK(pp[0] == 3 && pp[1] == 4, "takes the lowest free descriptors, 3 and 4");
    CHECK(write(pp[0], "x", 1) == -1 && errno == EBADF, "write to the read end: EBADF");
    char c;
    CHECK(read(pp[1], &c, 1) == -1 && errno == EBADF, "read from the write end: EBADF");
    CHECK_EQ(fcntl(pp[0], F_GETFL) & O_ACCMODE, O_RDONLY, "F_GETFL: O_RDONLY");
    CHECK_EQ(fcntl(pp[0], F_SETFL, O_NONBLOCK), 0, "F_SETFL O_NONBLOCK");
    CHECK(fcntl(pp[0], F_GETFL) & O_NONBLOCK, "F_GETFL shows it");
    CHECK(read(pp[0], &c, 1) == -1 && errno == EAGAIN, "empty, non-blocking: EAGAIN");
    CHECK(fcntl(pp[0], 999) == -1 && errno == EINVAL, "unknown fcntl command: EINVAL");

    /* Bytes in order across wrap-around: 7 rounds of 700 bytes through a 1952-byte ring. */
    char out[700], in[700];
    bool ok = true;
    for (int round = 0; round < 7; round++) {
        for (int i = 0; i < 700; i++)
            out[i] = (char)(round * 31 + i);
        ok = ok && write(pp[1], out, 700) == 700 && read(pp[0], in, 700) == 700 &&
             memcmp(in, out, 700) == 0;
    }
    CHECK(ok, "4,900 bytes in 7 rounds: in order across the ring's wrap-around");
    fcntl(pp[1], F_SETFL, O_NONBLOCK);
    size_t total = 0;
    ssize_t r;
    while ((r = write(pp[1], out, sizeof(out))) > 0)
        total += (size_t)r;
    CHECK(r == -1 && errno == EAGAIN && total == POSIX_CHANNEL_RING,
          "full, non-blocking: EAGAIN after the ring's bytes");
    CHECK(write(pp[1], out, 1) == -1 && errno == EAGAIN, "even for one byte");
    CHECK_EQ(close(pp[1]), 0, "close the write end");
    while (read(pp[0], in, sizeof(in)) > 0)
        ;
    CHECK_EQ(read(pp[0], in, sizeof(in)), 0, "drained after the writer closed: end of file");
    CHECK_EQ(close(pp[0]), 0, "close the read end");
    CHECK(close(pp[0]) == -1 && errno == EBADF, "closing it again: EBADF");
    CHECK(close(-1) == -1 && errno == EBADF, "close(-1): EBADF");
    CHECK(close(POSIX_OPEN_MAX) == -1 && errno == EBADF, "close of a number too large: EBADF");
    CHECK_EQ(pipe(pp), 0, "a new pipe");
    CHECK_EQ(pp[0], 3, "reuses descriptor 3");
    close(pp[0]);
    CHECK(write(pp[1], "x", 1) == -1 && errno == EPIPE, "write after the reader closed: EPIPE");
    close(pp[1]);
}

/* A child running posix_echo in `mode` with the other end of a new channel; *fd is ours. */
static bool spawn(struct rt_process *p, seL4_Word mode, int *fd)
{
    int ch[2];
    seL4_Word words[POSIX_ECHO_NUM_WORDS] = {0, 0, mode};
    struct rt_process_config cfg = {
        .priority = PT_HELPER_PRIO,
        .cnode_bits = 6,
        .stack_size = 0x4000,
        .words = words,
        .num_words = POSIX_ECHO_NUM_WORDS,
        .name = "posix_echo",
    };
    if (posix_channel_pair(ch) < 0)
        return false;
    size_t size = (size_t)(embedded_posix_echo_end - embedded_posix_echo);
    if (rt_process_create(p, embedded_posix_echo, size, &cfg) != seL4_NoError)
        return false;
    if (posix_channel_give(ch[1], p, &rt_process_info(p)->words[POSIX_ECHO_WORD_CHANNEL]) < 0)
        return false;
    *fd = ch[0];
    return rt_process_start(p) == seL4_NoError;
}

/* Sends BULK bytes and reads them back, polling both directions, non-blocking. */
static bool bulk_echo(int fd)
{
    static char out[BULK], in[BULK];
    for (int i = 0; i < BULK; i++)
        out[i] = (char)(i * 7 + i / 256);
    size_t sent = 0, got = 0;
    fcntl(fd, F_SETFL, O_NONBLOCK);
    while (got < BULK) {
        struct pollfd p = {.fd = fd, .events = POLLIN | (sent < BULK ? POLLOUT : 0)};
        if (poll(&p, 1, 5000) != 1 || (p.revents & ~(POLLIN | POLLOUT)))
            return false;
        if (p.revents & POLLOUT) {
            size_t chunk = BULK - sent < 1000 ? BULK - sent : 1000;
            ssize_t n = write(fd, out + sent, chunk);
            if (n < 0 && errno != EAGAIN)
                return false;
            sent += n > 0 ? (size_t)n : 0;
        }
        if (p.revents & POLLIN) {
            ssize_t n = read(fd, in + got, BULK - got);
            if (n <= 0)
                return false;
            got += (size_t)n;
        }
    }
    fcntl(fd, F_SETFL, 0);
    return memcmp(in, out, BULK) == 0;
}

static void test_child(seL4_Word mode, const char *how)
{
    struct rt_process p;
    int fd = -1, status = -1;
    char what[120];
    snprintf(what, sizeof(what), "a child (%s) holding the other end of a channel", how);
    if (!CHECK(spawn(&p, mode, &fd), what))
        return;
    char buf[8] = {0};
    CHECK(write(fd, "ping", 4) == 4 && read(fd, buf, sizeof(buf)) == 4 &&
              memcmp(buf, "ping", 4) == 0,
          "blocking write and read: the child echoed \"ping\"");
    CHECK(bulk_echo(fd), "20,000 bytes echoed, polling both directions");
    CHECK_EQ(close(fd), 0, "close our end: the child reads end of file");
    CHECK(rt_process_wait(&p, &status) == seL4_NoError && status == 0, "it exited with 0");
    CHECK_EQ(posix_reap(false), 1, "its exit closed its end: posix_reap frees the channel");
    CHECK_EQ(rt_process_destroy(&p), seL4_NoError, "destroyed");
}

static void test_child_hangup(void)
{
    struct rt_process p;
    int fd = -1, status = -1;
    CHECK(spawn(&p, POSIX_ECHO_CLOSE, &fd), "a child that says \"bye\" and closes");
    char buf[8] = {0};
    CHECK(read(fd, buf, sizeof(buf)) == 3 && memcmp(buf, "bye", 3) == 0,
          "a blocking read: \"bye\"");
    struct pollfd pf = {.fd = fd, .events = POLLIN};
    CHECK(poll(&pf, 1, 5000) == 1 && pf.revents == POLLHUP, "poll: POLLHUP once it closed");
    CHECK_EQ(read(fd, buf, sizeof(buf)), 0, "read: end of file");
    CHECK(write(fd, "x", 1) == -1 && errno == EPIPE, "write: EPIPE");
    rt_process_wait(&p, &status);
    CHECK_EQ(status, 0, "the child exited with 0");
    CHECK_EQ(close(fd), 0, "close: both ends closed, the channel is freed at once");
    CHECK_EQ(posix_reap(false), 0, "nothing left for posix_reap");
    rt_process_destroy(&p);
}

static void test_accounting(void)
{
    test_child_hangup(); /* warm up: page tables of the parent's temporary mappings */
    seL4_Word bytes = rt_untyped_free_bytes(), slots = rt_cspace_free_slots();
    test_child_hangup();
    CHECK_EQ(rt_untyped_free_bytes(), bytes, "a child and its channel give back every byte");
    CHECK_EQ(rt_cspace_free_slots(), slots, "and every slot");
}

static void test_eventfd(void)
{
    int e = eventfd(3, EFD_NONBLOCK);
    eventfd_t v = 0;
    CHECK(e >= 0 && eventfd_read(e, &v) == 0 && v == 3, "eventfd(3): read gives 3");
    CHECK(eventfd_read(e, &v) == -1 && errno == EAGAIN, "then EAGAIN");
    eventfd_write(e, 2);
    eventfd_write(e, 5);
    CHECK(eventfd_read(e, &v) == 0 && v == 7, "two writes add up: 7");
    uint32_t small;
    CHECK(read(e, &small, 4) == -1 && errno == EINVAL, "a 4-byte read: EINVAL");
    v = UINT64_MAX;
    CHECK(write(e, &v, 8) == -1 && errno == EINVAL, "writing 2^64 - 1: EINVAL");
    close(e);
    e = eventfd(2, EFD_SEMAPHORE | EFD_NONBLOCK);
    bool sem = eventfd_read(e, &v) == 0 && v == 1 && eventfd_read(e, &v) == 0 && v == 1;
    CHECK(sem && eventfd_read(e, &v) == -1 && errno == EAGAIN,
          "EFD_SEMAPHORE: reads of 1, twice, then EAGAIN");
    close(e);
    CHECK(eventfd(0, 0x10000000) == -1 && errno == EINVAL, "unknown flags: EINVAL");
}

static void test_timerfd(void)
{
    int t = timerfd_create(CLOCK_MONOTONIC, 0);
    CHECK(t >= 0, "timerfd_create");
    uint64_t n = 0;
    struct itimerspec its = {.it_value = {0, 10000000}}, cur;
    timerfd_settime(t, 0, &its, NULL);
    uint64_t t0 = pt_now_us();
    CHECK(read(t, &n, 8) == 8 && n == 1, "one-shot 10 ms: a blocking read returns 1");
    CHECK(pt_now_us() - t0 >= 9900, "after 10 ms");
    CHECK(timerfd_gettime(t, &cur) == 0 && cur.it_value.tv_sec == 0 && cur.it_value.tv_nsec == 0,
          "disarmed afterwards (gettime)");
    its.it_interval.tv_nsec = 5000000;
    its.it_value.tv_nsec = 5000000;
    t0 = pt_now_us();
    timerfd_settime(t, 0, &its, NULL);
    struct pollfd p = {.fd = -1};
    poll(&p, 1, 27);
    bool got = read(t, &n, 8) == 8;
    uint64_t most = (pt_now_us() - t0) / 5000; /* periods that may have passed by now */
    CHECK(got && n >= 5 && n <= most, "periodic 5 ms, read 27 ms later: every period counted");
    if (n < 5 || n > most)
        printf("       got %llu, at most %llu\n", (unsigned long long)n, (unsigned long long)most);
    CHECK(timerfd_gettime(t, &cur) == 0 && cur.it_interval.tv_nsec == 5000000,
          "gettime gives the interval");
    struct itimerspec off = {{0, 0}, {0, 0}};
    timerfd_settime(t, 0, &off, NULL);
    fcntl(t, F_SETFL, O_NONBLOCK);
    poll(&p, 1, 12);
    CHECK(read(t, &n, 8) == -1 && errno == EAGAIN, "disarmed: no expirations");
    struct itimerspec bad = {.it_value = {0, 1000000000}};
    CHECK(timerfd_settime(t, 0, &bad, NULL) == -1 && errno == EINVAL, "tv_nsec 10^9: EINVAL");
    CHECK(write(t, &n, 8) == -1 && errno == EBADF, "write to a timer (read-only): EBADF");
    CHECK(timerfd_settime(1, 0, &its, NULL) == -1 && errno == EINVAL, "settime on the console");
    CHECK(timerfd_create(12345, 0) == -1 && errno == EINVAL, "an unknown clock: EINVAL");
    close(t);
}

int main(void)
{
    pt_setup("posix_fd", 256);
    test_basics();
    test_child(POSIX_ECHO_ECHO, "blocking reads");
    test_child(POSIX_ECHO_POLL, "poll before each read");
    test_child_hangup();
    test_accounting();
    test_eventfd();
    test_timerfd();
    test_finish();
}
