# SPDX-License-Identifier: MIT
# Sidevisor: non-recursive build. Each directory's build.mk appends to hv-objs.
#   make            build/hv.elf (+ hv.map, hv.asm, hv.sym)
#   make iso        build/sidevisor.iso (GRUB rescue image, serial console)
#   make run        boot it (BED=qemu|bochs)       make test   every suite
#   make unit       host unit tests only           make lint   cppcheck + clang-tidy
#   V=1 shows commands; DEBUG=1 builds with -Og.

BUILD ?= build
V ?= 0
DEBUG ?= 0
Q := $(if $(filter 1,$(V)),,@)

CC := gcc
LD := ld
NASM := nasm
OBJDUMP := objdump
NM := nm

OPT := $(if $(filter 1,$(DEBUG)),-Og,-O2)

HV_CFLAGS := -std=gnu11 $(OPT) -g -ffreestanding -nostdinc \
	-isystem $(shell $(CC) -print-file-name=include) -I. -I$(BUILD)/gen \
	-fno-pic -fno-pie -mno-red-zone -mgeneral-regs-only -mcmodel=small \
	-fno-stack-protector -fno-common -fno-strict-aliasing \
	-fno-omit-frame-pointer -fno-asynchronous-unwind-tables \
	-fno-builtin -ffunction-sections -fdata-sections -fcf-protection=none \
	-Wall -Wextra -Werror -Wshadow -Wstrict-prototypes -Wmissing-prototypes \
	-Wmissing-declarations -Wundef -Wredundant-decls -Wtype-limits -Wvla \
	-Wframe-larger-than=1024 -Wno-address-of-packed-member -MMD -MP
NASMFLAGS := -f elf64 -g -F dwarf -w+all -I$(BUILD)/gen/ -Iboot/
LDFLAGS := -nostdlib -static -z max-page-size=0x1000 -z noexecstack \
	--gc-sections --no-warn-rwx-segments -Map=$(BUILD)/hv.map -T linker.ld

hv-objs :=
include lib/build.mk
include drivers/build.mk
include boot/build.mk
include vmm/build.mk
include viommu/build.mk

HV_OBJS := $(addprefix $(BUILD)/hv/,$(sort $(hv-objs)))
HV_ELF := $(BUILD)/hv.elf

.PHONY: all iso run test test-full soak unit lint format format-check clean deps guest fuzz
all: $(HV_ELF)

$(BUILD)/hv/%.o: %.c $(BUILD)/gen/asm_offsets.inc
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  CC      $<")
	$(Q)$(CC) $(HV_CFLAGS) -c $< -o $@

$(BUILD)/hv/%.o: %.asm $(BUILD)/gen/asm_offsets.inc
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  NASM    $<")
	$(Q)$(NASM) $(NASMFLAGS) -MD $@.d -MP $< -o $@

# Struct offsets for assembly come from C (never typed by hand in .asm).
$(BUILD)/gen/asm_offsets.inc: boot/asm_offsets.c $(wildcard boot/*.h lib/*.h vmm/*.h drivers/*.h)
	@mkdir -p $(dir $@)
	$(if $(Q),@echo "  GEN     $@")
	$(Q)$(CC) $(filter-out -MMD -MP -I$(BUILD)/gen,$(HV_CFLAGS)) -S $< -o $@.s
	$(Q)sed -n 's/^.*@@ASM_DEFINE@@ \([A-Z0-9_]*\) [$$]\{0,1\}\(-\{0,1\}[0-9][0-9]*\).*$$/%define \1 \2/p' \
		$@.s > $@.tmp && mv $@.tmp $@

# The AP trampoline is a flat 16-bit binary, embedded in .ap_trampoline.
$(BUILD)/gen/ap_trampoline.bin: boot/ap_trampoline.asm $(BUILD)/gen/asm_offsets.inc
	$(if $(Q),@echo "  NASM    $<")
	$(Q)$(NASM) -f bin -w+all -I$(BUILD)/gen/ $< -o $@
$(BUILD)/hv/boot/ap_blob.o: $(BUILD)/gen/ap_trampoline.bin

$(HV_ELF): $(HV_OBJS) linker.ld
	$(if $(Q),@echo "  LD      $@")
	$(Q)$(LD) $(LDFLAGS) $(HV_OBJS) -o $@
	$(Q)$(OBJDUMP) -d -S -M intel $@ > $(BUILD)/hv.asm 2>$(BUILD)/hv.asm.warnings
	$(Q)$(NM) -n $@ > $(BUILD)/hv.sym

# ---- GRUB ISO ---------------------------------------------------------------
HV_CMDLINE ?=
GUEST_KERNEL ?= $(BUILD)/guest/bzImage
GUEST_INITRD ?= $(BUILD)/guest/initrd.cpio.gz
GUEST_CMDLINE ?= console=ttyS0,115200 quiet cryptomgr.notests panic=-1
ISO := $(BUILD)/sidevisor.iso

iso: $(ISO)
# FORCE: the image also depends on the command lines, which make cannot see;
# mkiso.sh hashes all of its inputs and returns at once when nothing changed.
$(ISO): $(HV_ELF) scripts/mkiso.sh $(wildcard $(GUEST_KERNEL) $(GUEST_INITRD)) FORCE
	$(Q)scripts/mkiso.sh $@ $(HV_ELF) "$(HV_CMDLINE)" "$(GUEST_KERNEL)" \
		"$(GUEST_INITRD)" "$(GUEST_CMDLINE)"

# ---- running and testing ------------------------------------------------------
BED ?=
run: $(HV_ELF)
	$(Q)scripts/setup.sh
	$(Q)guest/build.sh $(BUILD)/guest
	$(Q)GUEST_CMDLINE="$(GUEST_CMDLINE)" scripts/run.sh "$(BED)" "$(HV_CMDLINE)"

test:
	$(Q)scripts/test.sh

# Benchmarks (issue #6), not part of make test: docs/benchmarks.md, docs/bench-*.png,
# build/bench/results.csv. About 20 min on an idle 2-core host (17.9 min measured); QUICK=1: < 5 min.
.PHONY: bench
bench: $(HV_ELF)
	$(Q)scripts/setup.sh
	$(Q)guest/build.sh $(BUILD)/guest
	$(Q)python3 bench/bench.py $(if $(filter 1,$(QUICK)),--quick)

# make test plus the slow suites (Bochs variants of the isolation cases).
test-full:
	$(Q)FULL=1 scripts/test.sh

# Soak (issue #7 case 5): 1 GiB (SOAK_BYTES=) from the guest through the
# emulated VT-d with teardown; STATS lines checked for flatness, every byte counted.
soak: $(HV_ELF)
	$(Q)scripts/setup.sh
	$(Q)guest/build.sh $(BUILD)/guest
	$(Q)python3 tests/integration/bed.py qemu-soak

deps:
	$(Q)scripts/setup.sh

# The Debian guest (kernel + busybox initramfs), from apt-get download.
guest:
	$(Q)guest/build.sh $(BUILD)/guest

include tests/unit/build.mk
include tests/lint.mk
include tests/fuzz/build.mk

clean:
	rm -rf $(BUILD)

.PHONY: FORCE
FORCE:

-include $(HV_OBJS:.o=.d) $(addsuffix .d,$(filter %.o,$(HV_OBJS)))
