/*
 * A child process for tests/qemu/test_posix_fd.c: adopts the channel end its parent gave
 * it (posix_channel_give) and, depending on its mode, echoes what it reads until end of
 * file (with blocking reads, or poll() before each read), or says "bye" and closes. Its
 * exit status is 0 when everything went as expected.
 */
#include <errno.h>
#include <poll.h>
#include <runtime.h>
#include <unistd.h>
#include <posix/channel.h>
#include "posix_echo.h"

static int echo(int fd, bool use_poll)
{
    char buf[700]; /* not a divisor of the ring: exercises wrap-around */
    for (;;) {
        if (use_poll) {
            struct pollfd p = {.fd = fd, .events = POLLIN};
            if (poll(&p, 1, -1) != 1)
                return 3;
        }
        ssize_t n = read(fd, buf, sizeof(buf));
        if (n == 0)
            return 0;
        if (n < 0)
            return 4;
        if (write(fd, buf, (size_t)n) != n)
            return 5;
    }
}

int main(void)
{
    const struct rt_start_info *si = rt_start_info();
    if (!si || si->num_words < POSIX_ECHO_NUM_WORDS)
        return 1;
    int fd = posix_channel_adopt(&si->words[POSIX_ECHO_WORD_CHANNEL]);
    if (fd < 0)
        return 2;
    switch (si->words[POSIX_ECHO_WORD_MODE]) {
    case POSIX_ECHO_ECHO:
        return echo(fd, false);
    case POSIX_ECHO_POLL:
        return echo(fd, true);
    case POSIX_ECHO_CLOSE:
        write(fd, "bye", 3);
        return close(fd) == 0 ? 0 : 6;
    default:
        return 7;
    }
}
