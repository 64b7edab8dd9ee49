/* ELF64 reading (see elf.h). */
#include <elf64.h>

static const struct elf64_phdr *phdr(const void *image, unsigned i)
{
    const struct elf64_ehdr *eh = image;
    return (const struct elf64_phdr *)((const char *)image + eh->e_phoff) + i;
}

enum elf_error elf_validate(const void *image, size_t size, uint64_t vaddr_limit)
{
    const struct elf64_ehdr *eh = image;
    if (size < sizeof(*eh))
        return ELF_ERR_TRUNCATED;
    const unsigned char *id = eh->e_ident;
    /* "\x7fELF", 64-bit class, little-endian, current version */
    if (id[0] != 0x7f || id[1] != 'E' || id[2] != 'L' || id[3] != 'F' || id[4] != 2 || id[5] != 1 ||
        id[6] != 1)
        return ELF_ERR_MAGIC;
    if (eh->e_machine != ELF_EM_AARCH64 || eh->e_type != 2 /* ET_EXEC */)
        return ELF_ERR_MACHINE;
    if (eh->e_phentsize != sizeof(struct elf64_phdr))
        return ELF_ERR_TRUNCATED;
    uint64_t table = (uint64_t)eh->e_phnum * sizeof(struct elf64_phdr);
    if (eh->e_phoff > size || table > size - eh->e_phoff)
        return ELF_ERR_TRUNCATED;
    for (unsigned i = 0; i < eh->e_phnum; i++) {
        const struct elf64_phdr *ph = phdr(image, i);
        if (ph->p_type != ELF_PT_LOAD)
            continue;
        if (ph->p_filesz > ph->p_memsz || ph->p_offset > size || ph->p_filesz > size - ph->p_offset)
            return ELF_ERR_SEGMENT;
        if (ph->p_vaddr >= vaddr_limit || ph->p_memsz > vaddr_limit - ph->p_vaddr)
            return ELF_ERR_SEGMENT;
    }
    if (eh->e_entry >= vaddr_limit)
        return ELF_ERR_SEGMENT;
    return ELF_OK;
}

uint64_t elf_entry(const void *image)
{
    return ((const struct elf64_ehdr *)image)->e_entry;
}

unsigned elf_num_phdrs(const void *image)
{
    return ((const struct elf64_ehdr *)image)->e_phnum;
}

int elf_segment(const void *image, unsigned i, struct elf_segment *seg)
{
    const struct elf64_phdr *ph = phdr(image, i);
    if (ph->p_type != ELF_PT_LOAD)
        return 0;
    seg->vaddr = ph->p_vaddr;
    seg->memsz = ph->p_memsz;
    seg->offset = ph->p_offset;
    seg->filesz = ph->p_filesz;
    seg->flags = ph->p_flags;
    return 1;
}

const char *elf_error_string(enum elf_error e)
{
    switch (e) {
    case ELF_OK:
        return "ok";
    case ELF_ERR_TRUNCATED:
        return "truncated image";
    case ELF_ERR_MAGIC:
        return "not a little-endian ELF64 file";
    case ELF_ERR_MACHINE:
        return "not an AArch64 executable";
    case ELF_ERR_SEGMENT:
        return "loadable segment out of bounds";
    }
    return "unknown error";
}
