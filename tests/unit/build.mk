# Host unit tests: the real hypervisor sources compiled for Linux with
# ASan+UBSan and linked against cmocka. Each tests/unit/<name>.mk declares
#   UT_TESTS += <name>
#   ut-<name>-srcs := tests/unit/test_<name>.c lib/foo.c drivers/bar.c ...
# and gets build/unit/<name>; `make unit` builds and runs them all.

UT_CC ?= gcc
UT_CFLAGS := -std=gnu11 -g -O1 -fsanitize=address,undefined \
	-fno-sanitize-recover=all -fno-omit-frame-pointer -I. \
	-include tests/unit/host_names.h -DHOST_TEST \
	-Wall -Wextra -Werror -Wshadow -Wno-unused-function -Wno-format-overflow -Wno-format-truncation -Wno-format-security -Wno-declaration-after-statement
UT_LDLIBS := -lcmocka
UT_COMMON := tests/unit/harness.c lib/log.c lib/printf.c lib/string.c lib/errno.c

UT_TESTS :=
include $(sort $(filter-out tests/unit/build.mk,$(wildcard tests/unit/*.mk)))

UT_BINS := $(addprefix $(BUILD)/unit/,$(UT_TESTS))

define ut_rule
$(BUILD)/unit/$(1): $$(sort $$(ut-$(1)-srcs) $(UT_COMMON)) $$(wildcard */*.h tests/unit/*.h)
	@mkdir -p $$(dir $$@)
	$$(if $$(Q),@echo "  HOSTCC  $$@")
	$$(Q)$$(UT_CC) $$(UT_CFLAGS) $$(ut-$(1)-cflags) $$(sort $$(ut-$(1)-srcs) $(UT_COMMON)) -o $$@ $$(UT_LDLIBS)
endef
$(foreach t,$(UT_TESTS),$(eval $(call ut_rule,$(t))))

.PHONY: unit unit-build
unit-build: $(UT_BINS)
unit: unit-build
	$(Q)scripts/run_unit.sh $(UT_BINS)
