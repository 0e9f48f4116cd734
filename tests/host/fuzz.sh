#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The fuzzers of tests/fuzz/ (its README says what each covers), built by
# `make fuzz-build` in build/fuzz/: each libFuzzer harness for S seconds
# from its seeds (tests/fuzz/corpus/, tests/data/sweeps/) and what earlier
# runs added (build/fuzz/corpus/),
# then httpraw for S seconds against a `cpustress serve` built under
# ASan/UBSan (user engine, loopback), which must then exit 0 on SIGTERM
# with no sanitizer report. One PASS or FAIL line each, with the figures.
#   tests/host/fuzz.sh [--time S] [--only NAME]
# --time: seconds per fuzzer, default 10 (make check); make fuzz gives
# FUZZ_TIME (600). --only: one of http, sweep, compare, files, args,
# httpraw.
# A crash leaves its input in build/fuzz/artifacts/; replay it with
# build/fuzz/NAME FILE.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
cd "$top" || exit 2
T=fuzz
. tests/host/lib.sh
secs=10
only=
while (($#)); do
	case $1 in
	--time) secs=${2:-}; shift ;;
	--only) only=${2:-}; shift ;;
	*) echo "usage: tests/host/fuzz.sh [--time S] [--only NAME]" >&2; exit 2 ;;
	esac
	shift
done
if ! [[ "$secs" =~ ^[1-9][0-9]*$ ]]; then
	echo "tests/host/fuzz.sh: --time takes whole seconds" >&2
	exit 2
fi
out=build/fuzz
mkdir -p "$out/artifacts"

# Longest input per harness: past the server's header and body limits,
# and the size of the largest result files.
declare -A maxlen=([http]=20000 [sweep]=32768 [compare]=65536 [files]=8192
	[args]=1024)
declare -A dict=([http]=tests/fuzz/http.dict [sweep]=tests/fuzz/sweep.dict
	[compare]=tests/fuzz/sweep.dict [files]=tests/fuzz/files.dict
	[args]=tests/fuzz/args.dict)
# Seed corpora: the result file fixtures serve as they are.
declare -A seeds=([http]=tests/fuzz/corpus/http [sweep]=tests/data/sweeps
	[compare]=tests/fuzz/corpus/compare
	[files]="tests/fuzz/corpus/files tests/data/sweeps"
	[args]=tests/fuzz/corpus/args)

# libfuzz NAME: one harness for $secs seconds.
libfuzz() {
	local name=$1 bin=$out/$1 log=$out/$1.log work=$out/corpus/$1 T=fuzz/$1
	local args=() seed=() rc units before after crash
	if [[ ! -x "$bin" ]]; then
		fail "$bin not built (make fuzz-build)"
		return
	fi
	mkdir -p "$work"
	before=$(find "$work" -type f | wc -l)
	args+=("-dict=${dict[$name]}")
	read -ra seed <<<"${seeds[$name]}"
	timeout $((secs + 120)) "$bin" -max_total_time="$secs" \
		-print_final_stats=1 -max_len="${maxlen[$name]}" -timeout=25 \
		-artifact_prefix="$out/artifacts/$name-" "${args[@]}" \
		"$work" "${seed[@]}" >"$log" 2>&1
	rc=$?
	after=$(find "$work" -type f | wc -l)
	units=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log")
	# The harness's own sentence, else the sanitizer's summary.
	crash=$(grep -m1 '^fuzz/' "$log" || grep -m1 '^SUMMARY: ' "$log" ||
		grep -m1 -E '^==[0-9]+==ERROR|runtime error:' "$log")
	if ((rc == 124)); then
		fail "did not end within $((secs + 120)) s (log $log)"
	elif ((rc != 0)) || [[ -n "$crash" ]]; then
		fail "${crash:-exit status $rc} ($(grep -m1 -o 'Test unit written to .*' "$log" || echo "log $log"))"
	elif [[ -z "$units" ]] || ((units == 0)); then
		fail "ran no input (log $log)"
	else
		pass "$units inputs in $secs s, 0 crashes (corpus $after, $((after - before)) new)"
	fi
}

# The raw-socket fuzzer against a live server built under ASan/UBSan.
httpraw() {
	local cli=$out/cpustress-san tmp pid port rc src n key=fuzz-raw-key-0001
	local T=fuzz/httpraw
	if [[ ! -x "$cli" || ! -x $out/httpraw ]]; then
		fail "$cli or $out/httpraw not built (make fuzz-build)"
		return
	fi
	tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-httpraw.XXXXXX")
	echo "$key" >"$tmp/keys"
	# Its own user engine process, not the host's.
	CPUSTRESS_USER_SOCK=$tmp/ue/user.sock \
		"$cli" serve --engine user --listen 127.0.0.1:0 --state-dir "$tmp/state" \
		--apikey-file "$tmp/keys" --request-timeout 2 \
		>/dev/null 2>"$tmp/log" &
	pid=$!
	port=
	for _ in $(seq 100); do
		port=$(sed -n 's/.* info listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$tmp/log")
		[[ -n "$port" ]] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if [[ -z "$port" ]]; then
		fail "the server did not start: $(head -c 300 "$tmp/log")"
		kill -KILL "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		stop_user_engines "$tmp"
		rm -rf "$tmp"
		return
	fi
	$out/httpraw --port "$port" --seconds "$secs" --apikey "$key" \
		--request-timeout 2 >"$tmp/raw" 2>&1
	rc=$?
	kill -TERM "$pid"
	for _ in $(seq 100); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	if kill -0 "$pid" 2>/dev/null; then
		kill -KILL "$pid"
		wait "$pid"
		fail "the server did not stop within 10 s of SIGTERM"
		stop_user_engines "$tmp"
		rm -rf "$tmp"
		return
	fi
	wait "$pid"
	src=$?
	cp "$tmp/log" "$out/httpraw-serve.log"
	n=$(find "$tmp/state/loadtests" -type f 2>/dev/null | wc -l)
	grep '^# ' "$tmp/raw"
	if ((rc != 0)); then
		fail "$(grep -m1 '^httpraw: after' "$tmp/raw" ||
			tail -1 "$tmp/raw") (server log $out/httpraw-serve.log)"
	elif grep -qE 'Sanitizer|runtime error:' "$tmp/log"; then
		fail "sanitizer report in the server's log: $(grep -m1 -E 'Sanitizer|runtime error:' "$tmp/log") (log $out/httpraw-serve.log)"
	elif ((src != 0)); then
		fail "the server exited $src on SIGTERM (log $out/httpraw-serve.log)"
	elif ((n != 0)); then
		fail "$n load tests were started; none should have been"
	elif ! grep -q '^httpraw: [1-9][0-9]* requests' "$tmp/raw"; then
		fail "sent no request: $(tail -1 "$tmp/raw")"
	else
		pass "$(tail -1 "$tmp/raw" | sed 's/^httpraw: //'), clean exit on SIGTERM"
	fi
	stop_user_engines "$tmp"
	rm -rf "$tmp"
}

for name in http sweep compare files args; do
	[[ -z "$only" || "$only" == "$name" ]] && libfuzz "$name"
done
[[ -z "$only" || "$only" == httpraw ]] && httpraw
exit 0
