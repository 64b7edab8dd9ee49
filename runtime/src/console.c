/* picolibc's standard streams, written to the kernel console through seL4_DebugPutChar. */
#include <runtime.h>
#include <stdio.h>

static int console_put(char c, FILE *f)
{
    (void)f;
    seL4_DebugPutChar(c);
    return (unsigned char)c;
}

static FILE console = FDEV_SETUP_STREAM(console_put, NULL, NULL, _FDEV_SETUP_WRITE);

FILE *const stdin = &console;
FILE *const stdout = &console;
FILE *const stderr = &console;
