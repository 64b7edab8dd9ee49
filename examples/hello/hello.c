/* The smallest root task: greets from EL0 and ends the run with status 0. */
#include <runtime.h>
#include <stdio.h>

int main(void)
{
    seL4_BootInfo *bi = rt_bootinfo();
    printf("hello from the root task at EL0: node %lu of %lu, IPC buffer at %p\n",
           (unsigned long)bi->nodeID, (unsigned long)bi->numNodes, (void *)bi->ipcBuffer);
    return 0;
}
