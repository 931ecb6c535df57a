// SPDX-License-Identifier: MIT
/*
 * physpoke: one CPU access per operation to a physical address (through a
 * /dev/mem mapping: boot the guest with iomem=relaxed) or an I/O port
 * (iopl), for the isolation tests. Each operation is exactly one load or
 * store instruction, so the hypervisor's counters can be compared with it.
 *
 *   physpoke OP ADDR [VALUE] [OP ADDR [VALUE]]...
 *     r8|r16|r32|r64 ADDR        read
 *     w8|w16|w32|w64 ADDR VALUE  write
 *     inb PORT / outb|outw|outl PORT VALUE  port I/O
 * Prints one line per read ("rNN 0xADDR 0xVALUE", "inb 0xPORT 0xVALUE").
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/io.h>
#include <sys/mman.h>
#include <unistd.h>

static int memfd = -1;

static volatile void *map(uint64_t pa, unsigned int width)
{
	long pg = sysconf(_SC_PAGESIZE);
	uint64_t base = pa & ~(uint64_t)(pg - 1);
	void *p;

	if ((pa & (width / 8 - 1)) || pa - base + width / 8 > (uint64_t)pg) {
		fprintf(stderr, "physpoke: %#llx: unaligned\n", (unsigned long long)pa);
		exit(2);
	}
	if (memfd < 0)
		memfd = open("/dev/mem", O_RDWR | O_SYNC);
	if (memfd < 0) {
		fprintf(stderr, "physpoke: /dev/mem: %s\n", strerror(errno));
		exit(2);
	}
	p = mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_SHARED, memfd, (off_t)base);
	if (p == MAP_FAILED) {
		fprintf(stderr, "physpoke: mmap %#llx: %s\n", (unsigned long long)base,
			strerror(errno));
		exit(2);
	}
	return (volatile char *)p + (pa - base);
}

static void unmap(volatile void *p)
{
	long pg = sysconf(_SC_PAGESIZE);

	munmap((void *)((uintptr_t)p & ~(uintptr_t)(pg - 1)), (size_t)pg);
}

static uint64_t num(const char *s)
{
	char *end;
	uint64_t v;

	errno = 0;
	v = strtoull(s, &end, 0);
	if (errno || *end || end == s) {
		fprintf(stderr, "physpoke: bad number %s\n", s);
		exit(2);
	}
	return v;
}

static void mem_op(char op, unsigned int width, uint64_t pa, uint64_t val)
{
	volatile void *p = map(pa, width);
	uint64_t r = 0;

	if (op == 'r') {
		switch (width) {
		case 8: r = *(volatile uint8_t *)p; break;
		case 16: r = *(volatile uint16_t *)p; break;
		case 32: r = *(volatile uint32_t *)p; break;
		default: r = *(volatile uint64_t *)p; break;
		}
		printf("r%u %#llx %#llx\n", width, (unsigned long long)pa, (unsigned long long)r);
	} else {
		switch (width) {
		case 8: *(volatile uint8_t *)p = (uint8_t)val; break;
		case 16: *(volatile uint16_t *)p = (uint16_t)val; break;
		case 32: *(volatile uint32_t *)p = (uint32_t)val; break;
		default: *(volatile uint64_t *)p = val; break;
		}
	}
	unmap(p);
}

int main(int argc, char **argv)
{
	int i = 1;

	if (argc < 3) {
		fprintf(stderr, "usage: physpoke r8..r64|w8..w64|inb|outb|outw|outl ADDR [VALUE]...\n");
		return 2;
	}
	while (i < argc) {
		const char *op = argv[i];
		int is_out = !strcmp(op, "outb") || !strcmp(op, "outw") || !strcmp(op, "outl");
		int needs_val = op[0] == 'w' || is_out;

		if (i + 1 + needs_val >= argc) {
			fprintf(stderr, "physpoke: %s: missing operand\n", op);
			return 2;
		}
		if (!strcmp(op, "inb") || is_out) {
			uint64_t port = num(argv[i + 1]);

			if (port > 0xffff || iopl(3)) {
				fprintf(stderr, "physpoke: port %#llx: %s\n", (unsigned long long)port,
					strerror(errno));
				return 2;
			}
			if (op[0] == 'i')
				printf("inb %#llx %#x\n", (unsigned long long)port, inb((unsigned short)port));
			else if (op[3] == 'b')
				outb((unsigned char)num(argv[i + 2]), (unsigned short)port);
			else if (op[3] == 'w')
				outw((unsigned short)num(argv[i + 2]), (unsigned short)port);
			else
				outl((unsigned int)num(argv[i + 2]), (unsigned short)port);
		} else if ((op[0] == 'r' || op[0] == 'w') &&
			   (!strcmp(op + 1, "8") || !strcmp(op + 1, "16") || !strcmp(op + 1, "32") ||
			    !strcmp(op + 1, "64"))) {
			mem_op(op[0], (unsigned int)atoi(op + 1), num(argv[i + 1]),
			       needs_val ? num(argv[i + 2]) : 0);
		} else {
			fprintf(stderr, "physpoke: unknown operation %s\n", op);
			return 2;
		}
		fflush(stdout);
		i += 2 + needs_val;
	}
	return 0;
}
