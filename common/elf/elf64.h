/*
 * Reading ELF64 executables: the kernel loads the root task with it, the runtime loads
 * child processes. Plain C with no other dependencies; host unit tests link it.
 * Every offset and size is checked against the image before use.
 */
#ifndef COMMON_ELF64_H
#define COMMON_ELF64_H

#include <stddef.h>
#include <stdint.h>

#define ELF_PT_LOAD    1
#define ELF_PF_X       1
#define ELF_PF_W       2
#define ELF_PF_R       4
#define ELF_EM_AARCH64 183

struct elf64_ehdr {
    unsigned char e_ident[16];
    uint16_t e_type;
    uint16_t e_machine;
    uint32_t e_version;
    uint64_t e_entry;
    uint64_t e_phoff;
    uint64_t e_shoff;
    uint32_t e_flags;
    uint16_t e_ehsize;
    uint16_t e_phentsize;
    uint16_t e_phnum;
    uint16_t e_shentsize;
    uint16_t e_shnum;
    uint16_t e_shstrndx;
};

struct elf64_phdr {
    uint32_t p_type;
    uint32_t p_flags;
    uint64_t p_offset;
    uint64_t p_vaddr;
    uint64_t p_paddr;
    uint64_t p_filesz;
    uint64_t p_memsz;
    uint64_t p_align;
};

enum elf_error {
    ELF_OK = 0,
    ELF_ERR_TRUNCATED, /* image smaller than a header or a table it names */
    ELF_ERR_MAGIC,     /* not ELF64 little-endian */
    ELF_ERR_MACHINE,   /* not an AArch64 executable */
    ELF_ERR_SEGMENT,   /* a loadable segment lies outside the image or the address limit */
};

/* A loadable segment: memory [vaddr, vaddr + memsz), the first filesz bytes from
 * image + offset, the rest zero. */
struct elf_segment {
    uint64_t vaddr;
    uint64_t memsz;
    uint64_t offset;
    uint64_t filesz;
    uint32_t flags; /* ELF_PF_* */
};

/* Checks the ELF header and every loadable segment: inside the image, filesz <= memsz, and
 * below vaddr_limit without overflow. */
enum elf_error elf_validate(const void *image, size_t size, uint64_t vaddr_limit);
uint64_t elf_entry(const void *image);
/* Number of program headers (valid after elf_validate). */
unsigned elf_num_phdrs(const void *image);
/* Fills seg from program header i; returns 1 if it is loadable, 0 if it is some other kind
 * (valid after elf_validate). */
int elf_segment(const void *image, unsigned i, struct elf_segment *seg);
const char *elf_error_string(enum elf_error e);

#endif
