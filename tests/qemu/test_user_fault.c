/*
 * A root task that loads from address 0. The kernel must report a VM fault for this thread
 * (no fault handler exists), suspend it, and - since no thread can ever run again - end the
 * run. tools/qemu-run checks the report and the exit status. Reaching the last line is a
 * failure.
 */
#include <stdio.h>

int main(void)
{
    printf("user_fault: loading from address 0\n");
    volatile int *null = 0;
    int v = *null;
    printf("FAIL - the load from address 0 returned %d\n", v);
    return 1;
}
