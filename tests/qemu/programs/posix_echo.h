/* The start-info words of tests/qemu/programs/posix_echo.c. */
#ifndef POSIX_ECHO_H
#define POSIX_ECHO_H

enum {
    POSIX_ECHO_WORD_CHANNEL = 0, /* two words: posix_channel_give's */
    POSIX_ECHO_WORD_MODE = 2,
    POSIX_ECHO_NUM_WORDS = 3,
};

enum {
    POSIX_ECHO_ECHO = 1,  /* echo every byte until end of file, then exit(0) */
    POSIX_ECHO_CLOSE = 2, /* write "bye", close the channel, exit(0) */
    POSIX_ECHO_POLL = 3,  /* as ECHO, but wait with poll() before each read */
};

#endif
