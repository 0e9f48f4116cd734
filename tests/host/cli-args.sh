#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The CLI's exit codes and messages on the host, no module needed: a bad
# argument exits 2 with one line naming it and the command's usage on
# stderr; --help prints the usage on stdout and exits 0.
#   tests/host/cli-args.sh [CPUSTRESS]   (default userspace/cpustress)
# Prints PASS/FAIL lines, like every test here.
set -uo pipefail

cli=${1:-userspace/cpustress}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-cli.XXXXXX")
trap 'stop_user_engines "$tmp"; rm -rf "$tmp"' EXIT

T=cli
. "$(dirname "$0")/lib.sh"
private_user_engine "$tmp/ue"
check_detail() { echo "rc $rc, stderr: ${err:0:200}"; }
need_exec "$cli" "make cli"

# run ARGS...: sets rc, out, err.
run() { capture "$cli" "$@"; }

# usage_error WORDS...: exit 2, a first line naming the problem, then the
# usage of the command (or the command list), nothing on stdout.
usage_error() {
	local want=$1 usage=$2
	shift 2
	run "$@"
	check "'cpustress $*' exits 2 with '$want' and usage on stderr" \
		test "$rc" = 2 -a -z "$out" -a "$(sed -n 1p "$tmp/err" | grep -c -F -- "$want")" = 1 \
		-a "$(grep -c "^usage: cpustress $usage" "$tmp/err")" = 1
}

run --help
check "--help prints the usage on stdout, exits 0" \
	test "$rc" = 0 -a -z "$err" -a "$(grep -c '^usage: cpustress' "$tmp/out")" = 1
run start --help
check "start --help prints start's usage on stdout, exits 0" \
	test "$rc" = 0 -a -z "$err" -a "$(grep -c '^usage: cpustress start' "$tmp/out")" = 1

usage_error "no command given" "\[--help" 
usage_error "unknown command 'frobnicate'" "\[--help" frobnicate
usage_error "unknown option '--frob'" "\[--help" --frob
usage_error "--busy: 0 is out of range 1..100" start start --busy 0
usage_error "--busy: 101 is out of range" start start --busy 101
usage_error "'abc' is not a number" start start --period abc
usage_error "'--busy' needs a value" start start --busy
usage_error "--for: 0 is out of range 1..86400" start start --for 0
usage_error "--cpus:" start start --cpus 3-1
usage_error "unknown option '--bogus'" status status --bogus
usage_error "unexpected argument 'now'" stop stop now
usage_error "nothing to set" set set
usage_error "--interval: 5 is out of range" set set --interval 5
usage_error "--count: 0 is out of range" top top --count 0
usage_error "'quantum' is not kernel or user" top top --engine quantum

# A value only the engine or the plan can refuse is an argument error too:
# exit 2 with the usage, as a malformed one (no CPU numbered nproc --all).
nocpu=$(nproc --all)
usage_error "--cpus: CPU $nocpu is not online" sweep sweep --engine user --busy 50 --cpus "$nocpu"
usage_error "--cpus-steps $((nocpu + 1)): only" sweep sweep --engine user --cpus-steps "$((nocpu + 1))"
usage_error "more than the time limit" sweep sweep --engine user --busy 50,60 --duration 30 --time-limit 10
usage_error "cpus: " start start --engine user --cpus "$nocpu"
# A URL given to --listen is named as one; serve and fleet serve share the parser.
usage_error "--listen: 'http://127.0.0.1:18558' is a URL; give HOST:PORT, for example 127.0.0.1:18558" serve serve --listen http://127.0.0.1:18558
usage_error "--listen: 'http://127.0.0.1:18558' is a URL; give HOST:PORT, for example 127.0.0.1:18558" fleet fleet serve --listen http://127.0.0.1:18558 127.0.0.1:1
# Counts agree with their nouns (util/words.h): "1 CPU", "1 level x 1 run".
usage_error "--cpus-steps 2: only 1 CPU to draw from (0)" sweep sweep --engine user --cpus 0 --cpus-steps 2
usage_error "(1 level x 1 run + 2 reference windows, each" sweep sweep --engine user --busy 100 --runs 1 --duration 30 --time-limit 10
# Each number out of range, or not a number, says its range.
usage_error "'-1' is not a number of seconds in 0.002..3600" sweep sweep --duration -1
usage_error "--warmup: 601 s is out of range 0..600 s" sweep sweep --warmup 601
usage_error "'-5' is not a number: give a whole number in 1..100" start start --busy -5

# Without the module, a kernel command says why on this host
# (engine/kernel_why.c), names the fallback and exits 1.
if ! grep -q '^cpustress ' /proc/modules 2>/dev/null; then
	run status
	check "status without the module: exit 1, 'module not loaded', '--engine user'" \
		test "$rc" = 1 -a "$(grep -c 'module not loaded.*without the module: --engine user' "$tmp/err")" = 1
	if [ -e /.dockerenv ] || [ -e /run/.containerenv ]; then
		check "status without the module, in a container: says so" \
			grep -q 'this is a container' "$tmp/err"
	fi
fi

# The user-space engine needs no module.
run status --engine user --json
check "status --engine user --json prints one JSON object" \
	test "$rc" = 0 -a "$(grep -c '^{"engine":"user","running":false,' "$tmp/out")" = 1

# A viewer never makes load: with no user engine process to show, top
# says so and exits 1 at once (it used to start a run of its own at
# 100 %). The refused starts above started one: end it first.
stop_user_engines "$tmp"
capture timeout 10 "$cli" top --engine user --count 1
check "top --engine user with no run: exit 1 naming 'start --engine user'" \
	test "$rc" = 1 -a -z "$out" -a "$(grep -c 'start --engine user' "$tmp/err")" = 1
check "top --engine user with no run started no engine process" \
	test ! -e "$tmp/ue/user.sock.pid"
