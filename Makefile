# SPDX-License-Identifier: GPL-2.0
#
# cpustress: top-level build.
#
#   make            build kmod/cpustress.ko
#   make demo       the main job: build, boot the test VM, load the module,
#                   show live ops/sec and a busy sweep
#   make check      the tests: host unit tests, lint, VM tests; ends with
#                   one line "N passed, N failed"
#   make vm         an interactive shell in the test VM, module ready to insmod
#   make lint       W=1 C=1 build (sparse, kernel-doc) and checkpatch --strict
#   make deps       install what is missing (apt)
#
# KDIR=/path/to/kernel/build overrides the kernel found by tools/kdir:
# /lib/modules/$(uname -r)/build when it exists, else the newest installed
# Debian linux-headers-*-amd64 that has a matching linux-image.

KDIR ?= $(shell tools/kdir 2>/dev/null | cut -d' ' -f1)
export KDIR
# The test VM boots Debian's amd64 kernel: the module it loads is built
# against that kernel's headers, whatever the host runs.
VM_KVER = $(shell tools/kdir --image 2>/dev/null | cut -d' ' -f2)
VM_KDIR = /lib/modules/$(VM_KVER)/build

BUILD := build
CC ?= cc
CFLAGS_HOST := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	     -fno-omit-frame-pointer

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/tests/%) $(UNIT_TESTS:%=$(BUILD)/tests/%-san)
SHARED_HDRS := $(wildcard include/cpustress/*.h)

.PHONY: all module vm-module deps check check-run unit lint vm demo initramfs clean

all: module

module:
	@test -n "$(KDIR)" || { echo "no kernel build directory found: run 'make deps', or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

deps:
	tools/deps

$(BUILD)/tests/%: tests/unit/%.c tests/unit/unit.h $(SHARED_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HOST) -o $@ $< -lcmocka -lm

$(BUILD)/tests/%-san: tests/unit/%.c tests/unit/unit.h $(SHARED_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HOST) $(SAN_FLAGS) -o $@ $< -lcmocka -lm

unit: $(UNIT_BINS)

vm-module:
	$(MAKE) module KDIR=$(VM_KDIR)

initramfs: vm-module
	tools/vm/build-test-initramfs $(BUILD)/vm

# The tests: dependencies first, then a fresh make so that KDIR is found
# with the kernel the dependency step may just have installed.
check: deps
	$(MAKE) check-run

check-run: unit initramfs
	tests/run

lint:
	KDIR=$(VM_KDIR) tools/lint

vm: deps
	$(MAKE) initramfs
	tools/vm/run --shell $(BUILD)/vm/initramfs.cpio.gz

demo: deps
	$(MAKE) vm-module
	tools/demo

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf $(BUILD)
