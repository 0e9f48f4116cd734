#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# cpustress fleet against three real `cpustress serve --engine user`
# exporters on loopback, one of them throttled for real: its process is
# put in a cgroup v1 `cpu` group with a CFS quota of 1 % of one CPU (the least v1 takes). The
# throttled one must be flagged `slow` and the others `ok`; the verdict's
# thresholds must be alerts.yml's; a killed exporter shows `down` and the
# view goes on; bad target lists exit 2; `fleet loadtest` saves one file
# per host; a SIGINT in the middle stops every remote load test.
#   tests/host/fleet.sh [CPUSTRESS]   (default userspace/cpustress)
# Needs root for the cgroup (skipped with a FAIL line otherwise).
set -uo pipefail

cli=${1:-userspace/cpustress}
top=$(cd "$(dirname "$0")/../.." && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-fleet.XXXXXX")
cg=/sys/fs/cgroup/cpu/cpustress-fleet-test.$$
key=test-key-fleet-0001
pids=()
ports=()

cleanup() {
	local p
	for p in "${pids[@]}"; do
		[[ -n $p ]] && kill -TERM "$p" 2>/dev/null
	done
	for p in "${pids[@]}"; do
		[[ -n $p ]] && wait "$p" 2>/dev/null
	done
	if [[ -d $cg ]]; then
		while read -r p; do
			echo "$p" >/sys/fs/cgroup/cpu/cgroup.procs 2>/dev/null
		done <"$cg/cgroup.procs"
		rmdir "$cg" 2>/dev/null
	fi
	stop_user_engines "$tmp"
	rm -rf "$tmp"
}
trap cleanup EXIT

T=fleet
. "$(dirname "$0")/lib.sh"
need_exec "$cli" "make cli"
need_tools jq

# start_exporter N ARGS...: exporter N on a free loopback port; sets
# pids[N] and ports[N]. Returns 1 if it did not start.
start_exporter() {
	local n=$1
	shift
	mkdir -p "$tmp/e$n"
	# Each exporter its own host: its own user engine process.
	CPUSTRESS_USER_SOCK=$tmp/e$n/ue/user.sock \
		"$cli" serve --engine user --listen 127.0.0.1:0 \
		--state-dir "$tmp/e$n/state" --apikey-file "$tmp/keys" "$@" \
		>/dev/null 2>"$tmp/e$n/log" &
	pids[n]=$!
	ports[n]=
	for _ in $(seq 100); do
		ports[n]=$(sed -n 's/.* info listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$tmp/e$n/log")
		[[ -n ${ports[n]} ]] && return 0
		kill -0 "${pids[n]}" 2>/dev/null || break
		sleep 0.05
	done
	return 1
}

(umask 077 && echo "$key" >"$tmp/keys")

# --- bad input: exit 2, a clear message -----------------------------------

bad() {
	local name=$1 want=$2
	shift 2
	capture "$cli" fleet "$@"
	check "$name: exit 2 saying '$want' ($rc)" \
		test "$rc" = 2 -a "$(grep -cF -- "$want" "$tmp/err")" -ge 1
}
bad "no targets" "no targets" --once
bad "a target without a port" "expected HOST:PORT" localhost --once
bad "a duplicate target" "given twice" 127.0.0.1:9 127.0.0.1:9 --once
bad "a missing targets file" "$tmp/none.json" --targets "$tmp/none.json"
printf '[{"targets": ["127.0.0.1:9"]}' >"$tmp/broken.json"
bad "a targets file that is not JSON" "not JSON" --targets "$tmp/broken.json"
printf '[{"targets": ["127.0.0.1:9"], "labels": {"cost_per_hour": "cheap"}}]' >"$tmp/cost.json"
bad "a cost_per_hour that is not a price" "not a price" --targets "$tmp/cost.json"
bad "--once with --count" "give one" 127.0.0.1:9 --once --count 2
bad "loadtest without a key file" "--apikey-file" loadtest 127.0.0.1:9
bad "loadtest with a missing key file" "$tmp/nokey" loadtest 127.0.0.1:9 --apikey-file "$tmp/nokey"
bad "loadtest with a bad --cost" "expected NAME=USD_PER_HOUR" loadtest 127.0.0.1:9 --apikey-file "$tmp/keys" --cost x=-1

# --- the thresholds are alerts.yml's --------------------------------------

capture "$cli" fleet --once --json 127.0.0.1:9
alerts=$top/tools/prometheus/alerts.yml
th() { jq -r ".thresholds.$1" <<<"$out"; }
check "a host that does not answer is down, exit 1 ($rc)" \
	test "$rc" = 1 -a "$(jq -r '.hosts[0].state' <<<"$out")" = down
slow=$(sed -n 's/.*ratio_fleet_median < \([0-9.]*\)$/\1/p' "$alerts")
steal=$(sed -n 's/.*(instance_cpu:cpustress_steal:ratio_rate1m) > \([0-9.]*\)$/\1/p' "$alerts")
wait_x=$(sed -n 's/^ *> \([0-9.]*\)  *# wait excess$/\1/p' "$alerts")
check "alerts.yml's slow threshold $slow is the CLI's $(th slowRatio)" \
	test -n "$slow" -a "$slow" = "$(th slowRatio)"
check "alerts.yml's steal threshold $steal is the CLI's $(th stealRatio)" \
	test -n "$steal" -a "$steal" = "$(th stealRatio)"
check "alerts.yml's wait threshold $wait_x is the CLI's $(th waitExcess)" \
	test -n "$wait_x" -a "$wait_x" = "$(th waitExcess)"

# --- three exporters, one throttled ---------------------------------------

if [[ ! -w /sys/fs/cgroup/cpu ]] || ! mkdir "$cg" 2>/dev/null; then
	fail "cannot make a cgroup v1 cpu group (needs root and /sys/fs/cgroup/cpu)"
	exit 0
fi
echo 100000 >"$cg/cpu.cfs_period_us"
echo 1000 >"$cg/cpu.cfs_quota_us"
for n in 0 1 2; do
	if ! start_exporter $n --load --cpus 0; then
		fail "exporter $n did not start: $(head -c 300 "$tmp/e$n/log")"
		exit 0
	fi
done
# The worker threads only (named cpustress/N; --load started them in
# the exporter's user engine process): the host's CPU is what is
# throttled, the exporter's HTTP and collector threads and the engine
# process's socket must still answer within the poll's time limit.
for t in /proc/"$(cat "$tmp/e2/ue/user.sock.pid")"/task/*; do
	[[ $(cat "$t/comm" 2>/dev/null) == cpustress/* ]] && echo "${t##*/}" >"$cg/tasks"
done
targets=(127.0.0.1:"${ports[0]}" 127.0.0.1:"${ports[1]}" 127.0.0.1:"${ports[2]}")
sleep 2

capture "$cli" fleet --count 3 --interval 1 --json "${targets[@]}"
last=$(tail -n 1 <<<"$out")
v() { jq -r ".hosts[$1].verdict" <<<"$last"; }
check "3 rounds of JSON ($(wc -l <<<"$out"))" test "$(wc -l <<<"$out")" = 3
check "the throttled exporter is THROTTLED (slow): $(v 2), ratio $(jq -r '.hosts[2].ratio' <<<"$last")" \
	test "$(jq -r '.hosts[2].reason' <<<"$last")" = slow
check "the other two are ok: '$(v 0)', '$(v 1)'" \
	test "$(v 0)" = ok -a "$(v 1)" = ok
check "exit status 1 with a throttled host ($rc)" test "$rc" = 1
check_quiet "the total is the sum of the hosts" \
	jq -e '([.hosts[].unitsPerSec] | add) as $s | (.total - $s | fabs) < 1' <<<"$last"

# The table, through a pipe: a header, one row per host, the fleet line.
capture "$cli" fleet --once "${targets[@]}"
check "the table has a row per host and the fleet line" \
	test "$(grep -c '^127.0.0.1:' <<<"$out")" = 3 -a \
	"$(grep -c '^fleet: 3 hosts, 3 running: total ' <<<"$out")" = 1
check "the table flags the throttled host" \
	grep -q "^127.0.0.1:${ports[2]} .*THROTTLED (slow" <<<"$out"

# A host that goes down: the view goes on and shows it.
"$cli" fleet --count 6 --interval 1 --json "${targets[@]}" >"$tmp/live" 2>&1 &
view=$!
sleep 3.5
kill -TERM "${pids[1]}"
wait "${pids[1]}" 2>/dev/null
pids[1]=
wait "$view"
rc=$?
check "the view went on after a host went down (6 rounds: $(wc -l <"$tmp/live"))" \
	test "$(wc -l <"$tmp/live")" = 6
check "the killed exporter shows down with a reason" \
	test "$(tail -n 1 "$tmp/live" | jq -r '.hosts[1].verdict')" = "down (Connection refused)"
check "and it was up before" \
	test "$(head -n 1 "$tmp/live" | jq -r '.hosts[1].state')" = running
check "exit 1 with a host down ($rc)" test "$rc" = 1

# --- fleet loadtest on the two exporters left ------------------------------

lt_targets=(127.0.0.1:"${ports[0]}" 127.0.0.1:"${ports[2]}")
plan=(--busy 50,100 --duration 1 --warmup 0)
capture "$cli" fleet loadtest "${lt_targets[@]}" --apikey-file "$tmp/keys" \
	--together -o "$tmp/lt" "${plan[@]}" --cost "127.0.0.1_${ports[0]}=0.45"
check "fleet loadtest --together: exit 0 ($rc: $(tail -c 300 <<<"$err"))" test "$rc" = 0
for n in 0 2; do
	f=$tmp/lt/127.0.0.1_${ports[n]}.json
	check "host $n's result saved as $(basename "$f"), complete" \
		test "$(jq -r .cpustress.status "$f" 2>/dev/null)" = complete
done
why="$(grep -E '^127.0.0.1:' <<<"$out" | tr -s ' ' | tr '\n' '|')"
check "the summary shows both hosts, one priced" \
	test "$(grep -cE "^127.0.0.1:(${ports[0]}|${ports[2]}) +complete +[0-9]" <<<"$out")" = 2 -a \
	"$(grep -cE "^127.0.0.1:${ports[0]} .* 0.450 " <<<"$out")" = 1
check "the compare table follows" grep -q "^price-performance" <<<"$out"
check "no temporary file is left" \
	test -z "$(find "$tmp/lt" -name '.*.tmp')"

# Refusals: a wrong key (403) and a host that is down, each with its reason.
echo "wrong-key-0000001" >"$tmp/wrongkey"
capture "$cli" fleet loadtest "127.0.0.1:${ports[0]}" --apikey-file "$tmp/wrongkey" -o "$tmp/lt2"
check "a wrong key: refused with HTTP 403, exit 1 ($rc)" \
	test "$rc" = 1 -a "$(grep -c "refused: HTTP 403" <<<"$out")" = 1

# The stop endpoint: a key is needed, and only a running test stops.
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST \
	"http://127.0.0.1:${ports[0]}/v1/loadtests/20260101-000000-000/stop")
check "POST .../stop without a key: 401 ($code)" test "$code" = 401
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -H "apikey: $key" \
	"http://127.0.0.1:${ports[0]}/v1/loadtests/20260101-000000-000/stop")
check "POST .../stop of a test not running: 409 ($code)" test "$code" = 409

# Ctrl-C in the middle: every remote test stops, what was measured is kept.
"$cli" fleet loadtest "${lt_targets[@]}" --apikey-file "$tmp/keys" \
	--together -o "$tmp/lt3" --duration 2 --warmup 0 >"$tmp/int" 2>&1 &
ltpid=$!
for _ in $(seq 100); do
	[[ $(grep -c "1 of 10 levels" "$tmp/int") = 2 ]] && break
	sleep 0.2
done
kill -INT "$ltpid"
wait "$ltpid"
rc=$?
check "after SIGINT: exit 1 ($rc)" test "$rc" = 1
for n in 0 2; do
	st=$(curl -s "http://127.0.0.1:${ports[n]}/v1/loadtests" | jq -r '.[0].status')
	check "host $n's load test was stopped ($st)" test "$st" = interrupted
	check "host $n's running flag is off" \
		test "$(curl -s "http://127.0.0.1:${ports[n]}/v1/stats" | jq -r .loadtest.running)" = false
	f=$tmp/lt3/127.0.0.1_${ports[n]}.json
	check "host $n's partial result is kept ($(jq -r '.results | length' "$f" 2>/dev/null) levels)" \
		test "$(jq -r '.cpustress.status' "$f" 2>/dev/null)" = interrupted
done
