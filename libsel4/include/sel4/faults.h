/*
 * Fault messages a fault handler receives (label = fault type, message registers as
 * below), with seL4's names and AArch64 layouts. A reply with label 0 restarts the
 * faulting thread; for UnknownSyscall and UserException the reply's registers are written
 * back into the thread first.
 */
#ifndef SEL4_FAULTS_H
#define SEL4_FAULTS_H

typedef enum {
    seL4_Fault_NullFault = 0,
    seL4_Fault_CapFault = 1,
    seL4_Fault_UnknownSyscall = 2,
    seL4_Fault_UserException = 3,
    seL4_Fault_VMFault = 5,
} seL4_FaultType;

enum {
    seL4_VMFault_IP = 0,
    seL4_VMFault_Addr = 1,
    seL4_VMFault_PrefetchFault = 2,
    seL4_VMFault_FSR = 3,
    seL4_VMFault_Length = 4,
};

enum {
    seL4_UnknownSyscall_X0 = 0, /* x0..x7 in MRs 0..7 */
    seL4_UnknownSyscall_FaultIP = 8,
    seL4_UnknownSyscall_SP = 9,
    seL4_UnknownSyscall_LR = 10,
    seL4_UnknownSyscall_SPSR = 11,
    seL4_UnknownSyscall_Syscall = 12,
    seL4_UnknownSyscall_Length = 13,
};

enum {
    seL4_UserException_FaultIP = 0,
    seL4_UserException_SP = 1,
    seL4_UserException_SPSR = 2,
    seL4_UserException_Number = 3, /* the exception class (ESR_EL1.EC) */
    seL4_UserException_Code = 4,   /* the syndrome (ESR_EL1.ISS) */
    seL4_UserException_Length = 5,
};

enum {
    seL4_CapFault_IP = 0,
    seL4_CapFault_Addr = 1,
    seL4_CapFault_InRecvPhase = 2,
    seL4_CapFault_LookupFailureType = 3,
    seL4_CapFault_Length = 4,
};

#endif
