# SPDX-License-Identifier: GPL-2.0
#
# cpustress: top-level build.
#
#   make            build kmod/cpustress.ko and the CLI userspace/cpustress
#   make demo       the main job: build, boot the test VM, load the module,
#                   show live ops/sec and a busy sweep
#   make check      the tests: host unit tests, lint, VM tests; ends with
#                   one line "N passed, N failed"
#   make vm         an interactive shell in the test VM, module ready to insmod
#   make lint       W=1 C=1 build (sparse, kernel-doc) and checkpatch --strict
#   make deps       install what is missing (apt)
#   make bench      the benchmark suite in the test VM: bench/results.json
#                   and bench/results.md (not part of make check)
#   make bench-scale   the scale benchmarks: bench/scale.md (not part of
#                   make check)
#   make bench-scale-vm  the test VM at 16 and 64 vCPUs: the core VM tests
#                   and bench/scale-vm.md (not part of make check)
#   make debug-kernel  build the debug test kernel (lockdep, KASAN, kmemleak,
#                   UBSAN, ...) once per machine, cached outside the tree
#   make check-debug   the VM tests on the debug kernel, with a kmemleak scan
#   make deb        the Debian packages cpustress and cpustress-dkms in
#                   build/deb/ (dpkg-buildpackage in a copy of the tree),
#                   checked with lintian
#   make check-package  build, install, boot the test VM with the
#                   DKMS-built module, purge (tests/package/run)
#   make check-kernels the core VM tests and the exporter on Debian's cloud
#                   and rt kernels (docs/testing-vm.md; not part of make check)
#   make check-fleet   the fleet end to end: exporter VMs, one under a host
#                   CPU quota, cpustress fleet and Prometheus (docs/testing-vm.md)
#   make fuzz       the fuzzers (tests/fuzz/), FUZZ_TIME seconds each
#                   (default 600); make check runs them for 10 s each
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
CFLAGS_HOST := -std=gnu11 -O2 -g -Wall -Wextra -Werror -Iinclude -Iinclude/uapi -Iuserspace
SAN_FLAGS := -O1 -g -fsanitize=address,undefined -fno-sanitize-recover=all \
	     -fno-omit-frame-pointer

UNIT_TESTS := $(patsubst tests/unit/%.c,%,$(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_TESTS:%=$(BUILD)/tests/%) $(UNIT_TESTS:%=$(BUILD)/tests/%-san)
SHARED_HDRS := $(wildcard include/cpustress/*.h)
# User-space sources a unit test links besides its own file: UNIT_SRCS_<test>.
USER_ENGINE_SRCS := userspace/engine/engine.c userspace/engine/user.c \
	userspace/engine/user_sampler.c userspace/engine/user_worker.c \
	userspace/engine/procstat.c userspace/util/cpulist.c
# The shared user engine: its process and its client.
USER_SHARED_SRCS := userspace/engine/user_proto.c userspace/engine/user_daemon.c \
	userspace/engine/user_client.c
UNIT_SRCS_test_cpulist := userspace/util/cpulist.c
UNIT_SRCS_test_engine_user := $(USER_ENGINE_SRCS)
UNIT_SRCS_test_user_proto := userspace/engine/user_proto.c userspace/engine/engine.c
# The CLI's option parsers: the scanner, every command's options and the
# exporter's own syntax (listen address, log level) they check.
ARGS_SRCS := userspace/util/args.c userspace/cli/cmd_args.c \
	userspace/serve/args.c
SWEEP_FILE_SRCS := userspace/sweep/analysis.c userspace/sweep/stats.c \
	userspace/sweep/design.c userspace/sweep/write.c \
	userspace/sweep/file.c userspace/sweep/summary.c \
	userspace/sweep/read.c userspace/util/json_in.c
UNIT_SRCS_test_cli_args := $(ARGS_SRCS) \
	userspace/util/cpulist.c userspace/engine/engine.c $(SWEEP_FILE_SRCS)
UNIT_LIBS_test_cli_args := -ljansson
UNIT_SRCS_test_sweep_analysis := userspace/sweep/analysis.c \
	userspace/sweep/stats.c userspace/sweep/design.c
UNIT_SRCS_test_sweep_stats := userspace/sweep/stats.c userspace/sweep/design.c
UNIT_SRCS_test_sweep_sim := userspace/sweep/stats.c userspace/sweep/design.c
UNIT_SRCS_test_sweep_run := userspace/sweep/run.c $(SWEEP_FILE_SRCS) \
	$(USER_ENGINE_SRCS)
UNIT_LIBS_test_sweep_run := -ljansson
UNIT_SRCS_test_sweep_write := $(SWEEP_FILE_SRCS)
UNIT_LIBS_test_sweep_write := -ljansson
UNIT_SRCS_test_compare := $(SWEEP_FILE_SRCS) userspace/sweep/compare.c
UNIT_LIBS_test_compare := -ljansson
UNIT_SRCS_test_serve_render := userspace/serve/render.c userspace/engine/engine.c
UNIT_LIBS_test_serve_render := -ljansson
UNIT_LIBS_test_serve_collect := -ljansson
UNIT_SRCS_test_serve_collect := userspace/serve/collect.c userspace/serve/render.c \
	userspace/serve/history.c userspace/serve/shared_engine.c \
	userspace/engine/engine.c
UNIT_SRCS_test_serve_history := userspace/serve/history.c \
	userspace/serve/render.c userspace/engine/engine.c
UNIT_LIBS_test_serve_history := -ljansson
SERVE_TEST_SRCS := userspace/serve/http.c $(ARGS_SRCS) \
	userspace/util/cpulist.c userspace/engine/engine.c \
	userspace/sweep/run.c $(SWEEP_FILE_SRCS)
UNIT_SRCS_test_serve_http := $(SERVE_TEST_SRCS)
UNIT_LIBS_test_serve_http := -ljansson -lmicrohttpd
UNIT_SRCS_test_serve_store := userspace/serve/store.c $(SERVE_TEST_SRCS)
UNIT_LIBS_test_serve_store := -ljansson -lmicrohttpd
FLEET_SRCS := userspace/fleet/targets.c userspace/fleet/client.c \
	userspace/fleet/poll.c userspace/fleet/verdict.c \
	userspace/fleet/aggregate.c
UNIT_SRCS_test_fleet := $(FLEET_SRCS) userspace/sweep/compare.c \
	$(SERVE_TEST_SRCS)
UNIT_LIBS_test_fleet := -ljansson -lmicrohttpd
UNIT_SRCS_test_fleet_serve := $(FLEET_SRCS) userspace/sweep/compare.c \
	$(SERVE_TEST_SRCS)
UNIT_LIBS_test_fleet_serve := -ljansson -lmicrohttpd
$(foreach t,$(UNIT_TESTS),$(eval $(BUILD)/tests/$(t) $(BUILD)/tests/$(t)-san: \
	$(UNIT_SRCS_$(t)) $(wildcard tests/unit/*.h userspace/*/*.h) \
	include/uapi/linux/cpustress.h))

# cpustress serve; its dashboard page is generated from web/index.html.
SERVE_SRCS := userspace/cli/cmd_serve.c userspace/serve/daemon.c \
	userspace/serve/handler.c userspace/serve/http.c \
	userspace/serve/store.c userspace/serve/loadtest.c \
	userspace/serve/shared_engine.c userspace/serve/collect.c \
	userspace/serve/history.c userspace/serve/render.c \
	$(BUILD)/gen/serve_page.c

# The CLI. The test VM gets the same binary with the shared libraries it
# needs (tools/vm/mkinitramfs -b): libmicrohttpd cannot be linked
# statically here (Debian ships no static p11-kit or libunistring).
CLI_SRCS := userspace/cli/main.c $(ARGS_SRCS) \
	userspace/cli/cmd_status.c userspace/cli/cmd_run.c userspace/cli/cmd_top.c \
	userspace/cli/json_out.c userspace/engine/kernel.c \
	userspace/engine/kernel_parse.c userspace/engine/kernel_why.c $(USER_ENGINE_SRCS) \
	$(USER_SHARED_SRCS) \
	userspace/cli/cmd_sweep.c userspace/sweep/run.c $(SWEEP_FILE_SRCS) \
	userspace/cli/cmd_compare.c userspace/sweep/compare.c $(SERVE_SRCS) \
	$(FLEET_SRCS) userspace/fleet/server.c $(BUILD)/gen/fleet_page.c \
	userspace/cli/cmd_fleet.c \
	userspace/cli/cmd_fleet_loadtest.c userspace/cli/cmd_fleet_serve.c
CLI_DEPS := $(CLI_SRCS) $(wildcard userspace/*/*.h) $(SHARED_HDRS) \
	include/uapi/linux/cpustress.h
CLI_PKGS := libnl-genl-3.0 jansson libmicrohttpd
CLI_CFLAGS = $(CFLAGS_HOST) -pthread $(shell pkg-config --cflags $(CLI_PKGS)) $(CLI_EXTRA_CFLAGS)

# The rules made by $(eval) above come first: name the default goal.
.DEFAULT_GOAL := all
.PHONY: all module cli vm-module deps check check-run unit lint vm demo initramfs bench bench-scale bench-scale-vm bench-scale-host bench-sweep clean \
	fuzz fuzz-build \
	debug-kernel debug-module check-debug check-debug-run deb check-package \
	check-kernels check-fleet

all: module cli

cli: userspace/cpustress

userspace/cpustress: $(CLI_DEPS)
	$(CC) $(CLI_CFLAGS) -o $@ $(CLI_SRCS) $(shell pkg-config --libs $(CLI_PKGS)) -lm $(CLI_EXTRA_LDFLAGS)

$(BUILD)/gen/serve_page.c: web/index.html tools/embed-page
	@mkdir -p $(@D)
	tools/embed-page web/index.html cs_page_html > $@.tmp && mv $@.tmp $@

$(BUILD)/gen/fleet_page.c: web/fleet.html tools/embed-page
	@mkdir -p $(@D)
	tools/embed-page web/fleet.html cs_fleet_page_html > $@.tmp && mv $@.tmp $@

module:
	@test -n "$(KDIR)" || { echo "no kernel build directory found: run 'make deps', or set KDIR=" >&2; exit 1; }
	$(MAKE) -C $(KDIR) M=$(CURDIR) modules

deps:
	tools/deps

$(BUILD)/tests/%: tests/unit/%.c $(wildcard tests/unit/*.h) $(SHARED_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HOST) -o $@ $< $(UNIT_SRCS_$*) -pthread -lcmocka -lm $(UNIT_LIBS_$*)

$(BUILD)/tests/%-san: tests/unit/%.c $(wildcard tests/unit/*.h) $(SHARED_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HOST) $(SAN_FLAGS) -o $@ $< $(UNIT_SRCS_$*) -pthread -lcmocka -lm $(UNIT_LIBS_$*)

unit: $(UNIT_BINS)

# Fuzzing (tests/fuzz/README.md): libFuzzer harnesses, built with clang
# under ASan and UBSan; httpraw, a raw-socket client, against a serve
# built under ASan and UBSan. tests/run runs each for a few seconds;
# make fuzz runs each for FUZZ_TIME seconds.
FUZZ_CC := clang-14
# clang warns that INT64_MAX as a double bound (json_in.h tables) rounds up
# to 2^63; no JSON integer reaches either.
FUZZ_CFLAGS := -std=gnu11 -g -O1 -Wall -Wextra -Werror -Iinclude \
	-Iinclude/uapi -Iuserspace -pthread -fno-omit-frame-pointer \
	-fsanitize=fuzzer,address,undefined -fno-sanitize-recover=all \
	-Wno-implicit-const-int-float-conversion
FUZZ_TIME ?= 600
FUZZ_HARNESSES := http sweep compare files args
FUZZ_BINS := $(FUZZ_HARNESSES:%=$(BUILD)/fuzz/%) $(BUILD)/fuzz/httpraw \
	$(BUILD)/fuzz/cpustress-san
FUZZ_SRCS_sweep := $(SWEEP_FILE_SRCS)
FUZZ_SRCS_compare := $(SWEEP_FILE_SRCS) userspace/sweep/compare.c
FUZZ_SRCS_files := userspace/serve/http.c userspace/serve/store.c \
	$(ARGS_SRCS) userspace/util/cpulist.c \
	userspace/engine/engine.c userspace/sweep/run.c $(SWEEP_FILE_SRCS)
FUZZ_SRCS_args := $(ARGS_SRCS) userspace/util/cpulist.c \
	userspace/engine/engine.c $(SWEEP_FILE_SRCS)
FUZZ_SRCS_http := $(filter-out userspace/cli/cmd_serve.c,$(SERVE_SRCS)) \
	$(USER_ENGINE_SRCS) userspace/sweep/run.c $(ARGS_SRCS) \
	$(SWEEP_FILE_SRCS)
$(foreach h,$(FUZZ_HARNESSES),$(eval $(BUILD)/fuzz/$(h): $(FUZZ_SRCS_$(h))))

$(BUILD)/fuzz/%: tests/fuzz/%.c tests/fuzz/fuzz.h $(wildcard userspace/*/*.h) \
		$(SHARED_HDRS)
	@mkdir -p $(@D)
	$(FUZZ_CC) $(FUZZ_CFLAGS) -o $@ $< $(FUZZ_SRCS_$*) \
		-ljansson -lmicrohttpd -lm

$(BUILD)/fuzz/httpraw: tests/fuzz/httpraw.c tests/fuzz/fuzz.h
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HOST) -o $@ $<

$(BUILD)/fuzz/cpustress-san: $(CLI_DEPS)
	@mkdir -p $(@D)
	$(CC) $(CLI_CFLAGS) $(SAN_FLAGS) -o $@ $(CLI_SRCS) \
		$(shell pkg-config --libs $(CLI_PKGS)) -lm

fuzz-build: $(FUZZ_BINS)

fuzz: fuzz-build
	tests/host/fuzz.sh --time $(FUZZ_TIME)

vm-module:
	$(MAKE) module KDIR=$(VM_KDIR)

# The VM tests' raw netlink client and the netlink and sysfs fuzzers, static.
VM_TOOLS := $(BUILD)/cs-nlraw $(BUILD)/cs-nlfuzz $(BUILD)/cs-sysfsfuzz
$(BUILD)/cs-%: tests/vm/src/%.c tests/vm/src/fuzz.h include/uapi/linux/cpustress.h
	@mkdir -p $(@D)
	$(CC) -std=gnu11 -O2 -Wall -Wextra -Werror -static -Iinclude/uapi -o $@ $(filter %.c,$^)
$(BUILD)/cs-nlfuzz: tests/vm/src/nlfuzz_gen.c tests/vm/src/nlfuzz.h tests/vm/src/nlmsg.h
$(BUILD)/cs-nlraw: tests/vm/src/nlmsg.h

initramfs: vm-module $(VM_TOOLS) cli
	tools/vm/build-test-initramfs $(BUILD)/vm

# The tests: dependencies first, then a fresh make so that KDIR is found
# with the kernel the dependency step may just have installed.
check: deps
	$(MAKE) check-run

check-run: cli unit fuzz-build initramfs
	tests/run

lint:
	KDIR=$(VM_KDIR) tools/lint

# The debug test kernel (tools/debug-kernel/build): built once per machine,
# in ~/.cache/cpustress (CPUSTRESS_CACHE), rebuilt only when its
# configuration or Debian's source package changes.
debug-kernel: deps
	tools/debug-kernel/build

# The module for the debug kernel, from a copy of the sources, so that
# kmod/cpustress.ko (for Debian's kernel) stays as it is.
DEBUG_MOD := $(BUILD)/debug/mod
debug-module:
	@kdir=$$(tools/debug-kernel/build --print-dir) && \
	rm -rf $(DEBUG_MOD) && mkdir -p $(DEBUG_MOD)/kmod && \
	cp Kbuild $(DEBUG_MOD)/ && cp -r include $(DEBUG_MOD)/ && \
	cp kmod/Kbuild kmod/*.[ch] $(DEBUG_MOD)/kmod/ && \
	rm -f $(DEBUG_MOD)/kmod/*.mod.c && \
	$(MAKE) -C $$kdir/obj M=$(CURDIR)/$(DEBUG_MOD) modules

check-debug: deps
	$(MAKE) debug-kernel
	$(MAKE) check-debug-run

check-debug-run: initramfs debug-module
	kdir=$$(tools/debug-kernel/build --print-dir) && \
	tools/vm/build-test-initramfs --debug-kernel $$kdir $(BUILD)/debug/vm && \
	tests/run --debug-kernel $$kdir

# Debian's -cloud-amd64 and -rt-amd64 kernels, fetched into a cache by
# tools/vm/flavour-kernel (not installed: they would become the default).
check-kernels: deps
	$(MAKE) cli $(VM_TOOLS)
	tools/check-kernels

# The fleet end to end on exporter VMs (tests/host/fleet-vm.sh).
check-fleet: deps
	$(MAKE) initramfs
	tests/host/fleet-vm.sh $(BUILD)/vm/initramfs.cpio.gz

vm: deps
	$(MAKE) initramfs
	tools/vm/run --shell $(BUILD)/vm/initramfs.cpio.gz

demo: deps
	$(MAKE) vm-module cli
	tools/demo

# The benchmark suite's helper (tools/bench/csbench.c), run in the VM.
$(BUILD)/bench/csbench: tools/bench/csbench.c $(SHARED_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HOST) -pthread -o $@ $< -lm

# BENCH_QUICK=1 for a smoke run, BENCH_ONLY=1,4 for some measurements.
bench: deps
	$(MAKE) vm-module cli $(BUILD)/bench/csbench
	tools/bench/run
	$(MAKE) bench-sweep

# The sweep's repeatability (tools/vm/sweep-repeat): the demo's two sweeps
# SWEEP_N times in the VM, checked, and bench/sweep-repeat.md.
SWEEP_N ?= 5
bench-sweep: vm-module cli
	tools/vm/sweep-repeat -n $(SWEEP_N) -o $(BUILD)/sweep-repeat; rc=$$?; \
	cp $(BUILD)/sweep-repeat/repeatability.md bench/sweep-repeat.md && exit $$rc

# The Debian packages, built out of tree: a copy of the files git knows
# (committed or not, ignored ones left out) in build/deb/cpustress-VERSION,
# so that dpkg-buildpackage's clean and build touch nothing here.
DEB_VERSION := $(shell dpkg-parsechangelog -S Version 2>/dev/null)
DEB_DIR := $(BUILD)/deb
deb:
	rm -rf $(DEB_DIR) && mkdir -p $(DEB_DIR)/cpustress-$(DEB_VERSION)
	git ls-files -z -co --exclude-standard | \
		xargs -0 sh -c 'for f; do [ -e "$$f" ] || [ -L "$$f" ] && printf "%s\0" "$$f"; done' _ | \
		tar --null -T - -cf - | tar -xf - -C $(DEB_DIR)/cpustress-$(DEB_VERSION)
	cd $(DEB_DIR)/cpustress-$(DEB_VERSION) && dpkg-buildpackage -us -uc -b
	lintian --fail-on warning,error $(DEB_DIR)/cpustress_$(DEB_VERSION)_*.changes

check-package: deps
	$(MAKE) deb cli
	tests/package/run
# The scale benchmarks (tools/bench/scale, bench/scale.md): the renderers
# and the exporter over a scripted engine, a TEST DOUBLE of any number of
# CPUs (tests/bench/scripted_engine.c, never linked into cpustress).
SCRIPTED_SRCS := tests/bench/scripted_engine.c
$(BUILD)/bench/render-bench: tests/bench/render-bench.c $(SCRIPTED_SRCS) \
		userspace/serve/render.c userspace/serve/collect.c \
		userspace/serve/history.c \
		userspace/engine/engine.c $(wildcard userspace/*/*.h) $(SHARED_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HOST) -Itests/bench -o $@ $(filter %.c,$^) -pthread -ljansson
$(BUILD)/bench/serve-bench: tests/bench/serve-bench.c $(SCRIPTED_SRCS) \
		$(FUZZ_SRCS_http) $(wildcard userspace/*/*.h) $(SHARED_HDRS)
	@mkdir -p $(@D)
	$(CC) $(CFLAGS_HOST) -Itests/bench -o $@ $(filter %.c,$^) -pthread \
		-ljansson -lmicrohttpd -lm

bench-scale-host: $(BUILD)/bench/render-bench $(BUILD)/bench/serve-bench

bench-scale: cli bench-scale-host
	tools/bench/scale

bench-scale-vm: deps
	$(MAKE) initramfs
	tools/bench/scale-vm

clean:
	@if [ -n "$(KDIR)" ]; then $(MAKE) -C $(KDIR) M=$(CURDIR) clean; fi
	rm -rf $(BUILD) userspace/cpustress
