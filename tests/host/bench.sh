#!/usr/bin/env bash
# shellcheck disable=SC2016 # awk programs, passed to check, are quoted
# SPDX-License-Identifier: GPL-2.0
# The benchmark suite's parts that run without a VM (make bench itself is
# not a test): tools/bench/results on a hand-made raw file whose figures
# are known (tests/data/bench/raw.txt), and tools/bench/csbench.c built
# with -Werror, plain and under ASan/UBSan: its refusals, the bare work
# unit, the duty cycle, the shared-counter design, the window reader, and
# the open-loop HTTP client against busybox httpd on loopback.
#   tests/host/bench.sh      (from anywhere)
# Prints PASS/FAIL lines.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-bench.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		kill "$p" 2>/dev/null
		wait "$p" 2>/dev/null
	done
	rm -rf "$tmp"
}
trap cleanup EXIT

T=bench
. "$top/tests/host/lib.sh"

# --- tools/bench/results on known numbers ----------------------------------
res=$tmp/res
if "$top/tools/bench/results" "$top/tests/data/bench/raw.txt" "$res" \
	"7.2.22" "6.1.0-test" "Test CPU" 2>"$tmp/err"; then
	pass "results computes the fixture"
else
	fail "results computes the fixture: $(head -c 300 "$tmp/err")"
fi
# fig NAME: the value of one figure.
fig() { jq -r --arg n "$1" '.figures[] | select(.name == $n) | .value' "$res/results.json" 2>/dev/null; }
# want NAME VALUE: the figure is exactly VALUE.
want() {
	local got
	got=$(fig "$1")
	if [[ "$got" == "$2" ]]; then
		pass "$1 is $2"
	else
		fail "$1 is $2, got '$got'"
	fi
}
# Each of these follows from tests/data/bench/raw.txt by hand.
want engine_efficiency 0.95	# median of 0.9, 0.99, 0.95
want scaling_kernel 0.9		# 180 / (2 x 100)
want reporting_overhead 20	# 1 - 80/100; round 2 (no unit: stopped) void
want reporting_readers_cpu 15	# 0.3 s of 2 CPUs x 1 s
want overhead_typical 1
want overhead_sampling_10ms 2
want overhead_top_10ms 3
want duty_worst_error 1		# |9.0 - 10|
want low_duty_work_at_10 0.8	# 8/100 / 0.10
want contention_cpustress 0.45
want contention_stressng 0.5
want contention_difference -0.05
want stability_cv_kernel 0
want stability_cv_user 14.14	# sd 1.414 of 9, 11
want exporter_p99_loaded_vs_idle 3
want overprovisioning_2vm 0.45	# (50/100 + 40/100) / 2
want footprint_module_per_cpu 528	# (1024 slab + 32 stack) / 2
want footprint_module_loaded 116
want footprint_exporter_rss 2600
check_quiet "the host CPU a window got: 1.6 s of 2 vCPUs x 1 s is 0.8" \
	jq -e '.figures[] | select(.name == "engine_efficiency") | .raw.pairs[0].hostCpuKernel == 0.8' "$res/results.json"
check_quiet "stability also over all samples of all rounds (14.14 for 9, 11)" \
	jq -e '.figures[] | select(.name == "stability_cv_user") | .raw.cvAllSamples == 14.14' "$res/results.json"
check_quiet "every figure has name, value, unit, ratioOf, raw, date, kernel, qemu" \
	jq -e '.figures | length > 20 and all(.[]; has("name") and has("value") and has("unit")
		and (.ratioOf | type == "string") and has("raw") and .date == "2026-01-02T03:04:05Z"
		and .kernel == "6.1.0-56-amd64" and .qemu == "7.2.22")' "$res/results.json"
check_quiet "meta says complete" jq -e '.meta.complete == true and .meta.ncpus == 2' "$res/results.json"
n=$(jq '.figures | length' "$res/results.json" 2>/dev/null)
rows=$(grep -c '^| [1-9] |' "$res/results.md" 2>/dev/null)
check_quiet "results.md has a row per figure ($rows of $n)" test -n "$n" -a "$rows" = "$n"
grep -v '^R done' "$top/tests/data/bench/raw.txt" >"$tmp/partial.txt"
"$top/tools/bench/results" "$tmp/partial.txt" "$tmp/partial" q k c >/dev/null 2>&1
check_quiet "a run that did not finish says so in results.md" \
	grep -q 'did not finish every measurement' "$tmp/partial/results.md"
check_quiet "an unreadable raw file is refused" \
	sh -c "! '$top/tools/bench/results' '$tmp/nonexistent' '$tmp/x' 2>/dev/null"

# --- csbench ------------------------------------------------------------------
src=$top/tools/bench/csbench.c
cflags=(-std=gnu11 -Wall -Wextra -Werror -I"$top/include" -I"$top/include/uapi")
for v in plain san; do
	extra=(-O2)
	# shellcheck disable=SC2054 # -fsanitize takes a comma list
	[[ $v == san ]] && extra=(-O1 -g -fsanitize=address,undefined
		-fno-sanitize-recover=all -fno-omit-frame-pointer)
	if cc "${cflags[@]}" "${extra[@]}" -pthread -o "$tmp/csbench-$v" "$src" -lm 2>"$tmp/err"; then
		pass "csbench builds with -Werror ($v)"
	else
		fail "csbench builds with -Werror ($v): $(head -c 400 "$tmp/err")"
		continue
	fi
	cs=$tmp/csbench-$v

	# Refusals: exit 2 and a message naming the option.
	for args in "unit" "unit --cpu x" "unit --cpu 0 --seconds 0" "duty --busy 101" \
		"window --pid 0" "window --bogus 1" "http --url ftp://x" \
		"http --url http://127.0.0.1:0/" "seed --threads 0" "nonsense"; do
		# shellcheck disable=SC2086 # the arguments, split
		"$cs" $args >/dev/null 2>"$tmp/err"
		rc=$?
		if [[ $rc == 2 && -s "$tmp/err" ]]; then
			pass "csbench $args: refused with exit 2 ($v)"
		else
			fail "csbench $args: refused with exit 2 ($v), got $rc: $(head -c 200 "$tmp/err")"
		fi
	done

	# unit: units/s = elements / wall / elements per unit (65536).
	out=$("$cs" unit --cpu 0 --warmup 0 --seconds 0.3 2>&1)
	check_quiet "csbench unit prints a rate that is elements / wall / 65536 ($v): $out" \
		awk '$1 == "units_per_sec" && $2 > 0 && $4 > 0 && $6 > 2e8 {
			r = $4 / ($6 / 1e9) / 65536; d = r - $2
			exit !(d < 0.01 * r && d > -0.01 * r) }' <<<"$out"

	# duty: periods of 50 ms in 0.5 s, chunks timed.
	out=$("$cs" duty --cpu 0 --busy 30 --period 50 --seconds 0.5 2>&1)
	check_quiet "csbench duty runs about 10 periods and times 17 chunk slots ($v): $out" \
		awk '{ for (i = 1; i < NF; i++) v[$i] = $(i + 1) }
			END { n = split(v["chunk_us"], c, ",")
			      exit !(v["periods"] >= 8 && v["periods"] <= 11 && n == 17 && v["units_per_busy_sec"] > 0) }' <<<"$out"

	# seed: one line a second, each a positive count.
	out=$("$cs" seed --threads 2 --seconds 2 2>&1)
	check_quiet "csbench seed prints 2 samples ($v)" \
		awk '$1 == "sample" && $3 > 0 { n++ } END { exit n != 2 }' <<<"$out"

	# window: a spinning process has most of a CPU, a sleeping one none,
	# and a file's number is differenced.
	( while :; do :; done ) &
	spin=$!
	pids+=("$spin")
	sleep 30 &
	idle=$!
	pids+=("$idle")
	echo 5 >"$tmp/n"
	( sleep 0.1; echo 12 >"$tmp/n" ) &
	out=$("$cs" window --seconds 0.5 --file "$tmp/n" --proc "$spin" --pid "$spin" --proc "$idle" 2>&1)
	kill "$spin" "$idle" 2>/dev/null
	wait "$spin" "$idle" 2>/dev/null
	check_quiet "csbench window: the file's difference is 7 ($v)" \
		awk '$1 == "file" && $3 == 7 { ok = 1 } END { exit !ok }' <<<"$out"
	check_quiet "csbench window: a spinning process had over 20 % of a CPU ($v): $(tr '\n' ' ' <<<"$out")" \
		awk -v p="$spin" '$1 == "proc" && $2 == p && $4 > 20 && $4 < 105 { ok = 1 } END { exit !ok }' <<<"$out"
	check_quiet "csbench window: a sleeping one under 2 % ($v)" \
		awk -v p="$idle" '$1 == "proc" && $2 == p && $4 < 2 { ok = 1 } END { exit !ok }' <<<"$out"
	check_quiet "csbench window: a process gone is an error (exit 1) ($v)" \
		sh -c "! '$cs' window --seconds 0.1 --proc $spin 2>/dev/null"
done

# http: against busybox httpd on loopback (csbench-plain).
cs=$tmp/csbench-plain
if [[ -x $cs ]] && command -v busybox >/dev/null; then
	mkdir -p "$tmp/www"
	echo 42 >"$tmp/www/cpu-perf"
	port=0
	for try in 1 2 3 4 5; do
		p=$((20000 + RANDOM % 40000))
		busybox httpd -f -p "127.0.0.1:$p" -h "$tmp/www" 2>/dev/null &
		h=$!
		sleep 0.3
		if kill -0 "$h" 2>/dev/null; then
			port=$p
			pids+=("$h")
			break
		fi
		wait "$h" 2>/dev/null
		: "$try"
	done
	if ((port)); then
		out=$("$cs" http --url "http://127.0.0.1:$port/cpu-perf" --rate 40 --seconds 1 --conns 2 2>&1)
		check_quiet "csbench http: 40 requests, all answered 200 ($(tr '\n' ' ' <<<"$out"))" \
			awk '{ for (i = 1; i < NF; i += 2) v[$i] = $(i + 1) }
				END { exit !(v["requests"] >= 38 && v["requests"] <= 41 && v["ok"] == v["requests"] && v["errors"] == 0 && v["p50_us"] > 0 && v["p99_us"] >= v["p50_us"]) }' <<<"$out"
		out=$("$cs" http --url "http://127.0.0.1:$port/missing" --rate 20 --seconds 0.5 --conns 1 2>&1)
		check_quiet "csbench http: a 404 counts as an error ($(tr '\n' ' ' <<<"$out"))" \
			awk '{ for (i = 1; i < NF; i += 2) v[$i] = $(i + 1) } END { exit !(v["ok"] == 0 && v["errors"] > 0) }' <<<"$out"
	else
		fail "csbench http: busybox httpd did not start on loopback"
	fi
else
	fail "csbench http: no csbench or no busybox (make deps)"
fi
