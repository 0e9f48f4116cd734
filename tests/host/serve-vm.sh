#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# cpustress serve with the kernel engine, in the test VM, checked from the
# host: boots the VM in serve mode (tests/vm-serve/serve-guest) with guest
# port 8080 forwarded to a free port on 127.0.0.1, then checks every
# endpoint's status and body, `promtool check metrics` on a live /metrics,
# the load-test API (keys, a short sweep, 409 on a concurrent one, the
# listing), and a real Prometheus (Debian's, on 127.0.0.1, scraping every
# second with tools/prometheus/rules.yml and alerts.yml loaded): its query
# API must return cpustress_work_units_per_second for each CPU and the
# recording rules must evaluate. Finally the guest is asked to stop: the
# exporter must exit cleanly on SIGTERM, the module unload, and the guest's
# kernel log stay free of warnings.
#   tests/host/serve-vm.sh [INITRAMFS]   (default build/vm/initramfs.cpio.gz,
#                                         from make initramfs; builds nothing)
# Needs qemu-system-x86 (tools/vm/run), curl, jq, prometheus (and its
# promtool). Prints PASS/FAIL lines and "# " notes; about a minute.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
initramfs=$(realpath -m "${1:-$top/build/vm/initramfs.cpio.gz}")
cd "$top" || exit 2
T=serve-vm
. "$top/tests/host/lib.sh"
NCPUS=2

note() { echo "# $*"; }

need_tools curl jq prometheus promtool qemu-system-x86_64
if [[ ! -r "$initramfs" ]]; then
	fail "$initramfs not found: run make initramfs"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-serve-vm.XXXXXX")
keep=$top/build/serve-vm
rm -rf "$keep"
vmpid=
prompid=
start=$SECONDS

# Stop a child by pid: SIGTERM, up to $2 tenths of a second, then SIGKILL.
stop_pid() {
	local pid=$1 tenths=$2 i
	[[ -n "$pid" ]] || return 0
	kill -TERM "$pid" 2>/dev/null || true
	for ((i = 0; i < tenths; i++)); do
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.1
	done
	kill -KILL "$pid" 2>/dev/null || true
	wait "$pid" 2>/dev/null
}
# tools/vm/run stops qemu from its own TERM trap.
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	stop_pid "$prompid" 100
	prompid=
	stop_pid "$vmpid" 150
	vmpid=
	# After a failure, keep the logs for a look.
	if ((failed)) && [[ -s "$tmp/guest.out" ]] && mkdir -p "$keep" 2>/dev/null; then
		cp "$tmp/guest.out" "$tmp/console.log" "$keep/" 2>/dev/null
		[[ ! -f "$tmp/prom/log" ]] || cp "$tmp/prom/log" "$keep/prometheus.log"
		echo "# guest output, kernel console and Prometheus log kept in $keep/"
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM
trap 'exit 129' HUP

# free_port VAR: set VAR to a TCP port on 127.0.0.1 that nothing listens
# on and that no earlier call returned.
taken=" "
free_port() {
	local p i
	for ((i = 0; i < 100; i++)); do
		p=$((20000 + RANDOM % 40000))
		[[ "$taken" != *" $p "* ]] || continue
		if ! (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then
			taken+="$p "
			printf -v "$1" '%s' "$p"
			return 0
		fi
	done
	return 1
}

# Show what the guest and its kernel said, for a failure.
dump_guest() {
	note "guest output (last 30 lines):"
	tail -n 30 "$tmp/guest.out" 2>/dev/null | sed 's/^/#   /'
	note "kernel console (last 20 lines):"
	tail -n 20 "$tmp/console.log" 2>/dev/null | tr -d '\r' | sed 's/^/#   /'
	if [[ -s "$tmp/run.err" ]]; then
		note "tools/vm/run:"
		grep -v 'kernel console log:' "$tmp/run.err" | sed 's/^/#   /'
	fi
}

# req METHOD PATH [CURL ARGS...]: sets code, ctype; the body is in
# $tmp/body (and $body, up to 64 KiB).
req() {
	local method=$1 path=$2 out
	shift 2
	out=$(curl -s -m 30 -X "$method" -o "$tmp/body" \
		-w '%{http_code} %{content_type}' "$@" "$base$path")
	code=${out%% *}
	ctype=${out#* }
	body=$(head -c 65536 "$tmp/body")
}

# check (lib.sh): a FAIL line gives $why, or else the last status and body.
check_detail() { echo "status $code, body: ${body:0:300}"; }

# jqe ARGS...: jq -e, quietly: succeeds when the filter's last output is
# neither false nor null.
jqe() {
	jq -e "$@" >/dev/null 2>&1
}

# metric NAME{LABELS}: the value of one sample in $tmp/metrics.
metric() {
	awk -v s="$1" '$1 == s { print $2; found = 1; exit }
		END { if (!found) exit 1 }' "$tmp/metrics"
}
fetch_metrics() {
	curl -s -m 10 -o "$tmp/metrics" "$base/metrics"
}

# --- boot ---------------------------------------------------------------------
port="" ctl_port="" prom_port=""
if ! free_port port || ! free_port ctl_port || ! free_port prom_port; then
	fail "no free TCP port found on 127.0.0.1"
	exit 0
fi
key="cs-test-$(od -An -N8 -tx1 /dev/urandom | tr -d ' \n')"
base="http://127.0.0.1:$port"
note "exporter at $base (guest :8080), guest stop port $ctl_port, Prometheus on :$prom_port"

tools/vm/run --test --smp "$NCPUS" --timeout 240 \
	--append "cpustress.mode=serve cpustress.apikey=$key cpustress.serve_secs=170" \
	--hostfwd "$port:8080" --hostfwd "$ctl_port:8081" \
	--console-log "$tmp/console.log" "$initramfs" \
	>"$tmp/guest.out" 2>"$tmp/run.err" &
vmpid=$!

up=0
for ((i = 0; i < 240; i++)); do
	if ! kill -0 "$vmpid" 2>/dev/null; then
		break
	fi
	if [[ "$(curl -s -m 2 -o /dev/null -w '%{http_code}' "$base/v1/ping")" == 200 ]]; then
		up=1
		break
	fi
	sleep 0.5
done
if ((!up)); then
	if kill -0 "$vmpid" 2>/dev/null; then
		fail "the exporter in the VM did not answer GET /v1/ping within 120 s"
	else
		wait "$vmpid"
		fail "the VM stopped (tools/vm/run status $?) before the exporter answered GET /v1/ping"
		vmpid=
	fi
	dump_guest
	exit 0
fi
pass "the exporter in the VM answers /v1/ping ($((SECONDS - start)) s after boot)"

# --- the endpoints, kernel engine ---------------------------------------------
req GET /v1/ping
check "GET /v1/ping: 200" test "$code" = 200

# The first samples come one sampling interval after the load starts.
for ((i = 0; i < 40; i++)); do
	req GET /cpu-perf
	[[ "$code" == 200 && "$body" =~ ^[0-9]+$ && "$body" -gt 0 ]] && break
	sleep 0.25
done
check "GET /cpu-perf: 200" test "$code" = 200
# The body: digits, then one newline, nothing else.
cpu_perf_ok() {
	[[ "$(tail -c 1 "$tmp/body" | od -An -tx1)" == " 0a" ]] &&
		[[ "$(head -c -1 "$tmp/body")" =~ ^[0-9]+$ ]] && ((body > 0))
}
why="body '$(od -An -c "$tmp/body" | head -n 2 | tr -s ' ')'"
check "GET /cpu-perf: an integer > 0 and a newline ($body)" cpu_perf_ok

# Over-limit headers through QEMU's forwarded port: each gets its 431.
check_header_sizes "$base"
req GET /cpu-perf
check "GET /cpu-perf after the header sizes: 200" test "$code" = 200

req GET /metrics
cp "$tmp/body" "$tmp/metrics"
check "GET /metrics: 200" test "$code" = 200
why="Content-Type '$ctype'"
check "GET /metrics: Content-Type text/plain; version=0.0.4; charset=utf-8" \
	test "$ctype" = "text/plain; version=0.0.4; charset=utf-8"
lint=$(promtool check metrics <"$tmp/metrics" 2>&1)
lrc=$?
why="promtool exit $lrc: $(head -n 5 <<<"$lint" | tr '\n' ' ')"
check "promtool check metrics: clean" test "$lrc" = 0 -a -z "$lint"
for ((c = 0; c < NCPUS; c++)); do
	v=$(metric "cpustress_work_units_per_second{cpu=\"$c\"}")
	why="value '$v'"
	check "metrics: cpustress_work_units_per_second{cpu=\"$c\"} > 0 ($v)" \
		awk -v v="$v" 'BEGIN { exit !(v + 0 > 0) }'
done
why="$(grep '^cpustress_build_info' "$tmp/metrics")"
check "metrics: cpustress_build_info says engine kernel" \
	grep -q '^cpustress_build_info{.*engine="kernel"' "$tmp/metrics"
why="cpustress_up $(metric cpustress_up), cpustress_running $(metric cpustress_running), cpustress_cpus_loaded $(metric cpustress_cpus_loaded)"
check "metrics: up 1, running 1, $NCPUS CPUs loaded" \
	test "$(metric cpustress_up)" = 1 -a "$(metric cpustress_running)" = 1 \
	-a "$(metric cpustress_cpus_loaded)" = "$NCPUS"

req GET /v1/stats
check "GET /v1/stats: 200" test "$code" = 200
why="$(jq -c '{engine, running, ncpus: (.cpus | length)}' "$tmp/body" 2>&1)"
check "GET /v1/stats: engine kernel, running, $NCPUS CPUs" \
	jqe --argjson n "$NCPUS" \
	'.engine == "kernel" and .running == true and (.cpus | length) == $n' \
	"$tmp/body"
why="$(jq -c '[.cpus[] | {cpu, state, opsPerSec}]' "$tmp/body" 2>&1)"
check "GET /v1/stats: every CPU running with ops/s > 0" \
	jqe '[.cpus[] | .state == "running" and .opsPerSec > 0] | all' \
	"$tmp/body"

req GET /
page_ok() {
	[[ "$code" == 200 && "$ctype" == text/html* ]] && grep -qi '<html' "$tmp/body"
}
why="status $code, Content-Type '$ctype'"
check "GET /: 200, an HTML page" page_ok
req GET /no-such-page
check "GET /no-such-page: 404" test "$code" = 404

# --- load tests -----------------------------------------------------------------
plan='{"busy": [50, 100], "duration": 1, "warmup": 0}'
req POST /v1/loadtest -H 'Content-Type: application/json' -d "$plan"
check "POST /v1/loadtest without a key: 401" test "$code" = 401
req POST /v1/loadtest -H "apikey: wrong-key-0123" \
	-H 'Content-Type: application/json' -d "$plan"
why="status $code"
check "POST /v1/loadtest with a wrong key: 401 or 403" \
	test "$code" = 401 -o "$code" = 403
fetch_metrics
why="cpustress_loadtests_total: $(grep '^cpustress_loadtests_total' "$tmp/metrics" | tr '\n' ' ')"
check "no load test ran for the refused requests" \
	test "$(metric 'cpustress_loadtests_total{result="complete"}')" = 0 \
	-a "$(metric 'cpustress_loadtests_total{result="failed"}')" = 0 \
	-a "$(metric cpustress_loadtest_running)" = 0

curl -s -m 60 -o "$tmp/lt1" -w '%{http_code}' -X POST -H "apikey: $key" \
	-H 'Content-Type: application/json' -d "$plan" "$base/v1/loadtest" \
	>"$tmp/lt1.code" &
ltpid=$!
running=0
for ((i = 0; i < 100; i++)); do
	fetch_metrics
	if [[ "$(metric cpustress_loadtest_running)" == 1 ]]; then
		running=1
		break
	fi
	sleep 0.1
done
why="cpustress_loadtest_running never 1"
check "a load test runs; /metrics answers meanwhile" test "$running" = 1
req POST /v1/loadtest -H "apikey: $key" -H 'Content-Type: application/json' \
	-d "$plan"
check "POST /v1/loadtest while one runs: 409" test "$code" = 409
wait "$ltpid"
code=$(cat "$tmp/lt1.code")
cp "$tmp/lt1" "$tmp/body"
body=$(head -c 65536 "$tmp/body")
check "POST /v1/loadtest with the key: 200" test "$code" = 200
check "the load test answers pcd JSON: hostname, timestamp, numCores $NCPUS, busy 50 and 100 with units, maxUnits, avgUnits, unitsPerSec" \
	jqe --argjson n "$NCPUS" '
		(.hostname | type) == "string" and (.timestamp | type) == "number"
		and .numCores == $n and ([.results[].busyPct] == [50, 100])
		and ([.results[].workUnits > 0] | all)
		and .maxUnits > 0 and .avgUnits > 0 and .unitsPerSec > 0
		and (has("error") | not)' "$tmp/body"
note "load test: $(jq -c '{numCores, results, maxUnits, avgUnits, unitsPerSec}' "$tmp/body" 2>/dev/null)"

req GET /v1/loadtests
note "listing: ${body:0:300}"
check "GET /v1/loadtests: 200" test "$code" = 200
check "GET /v1/loadtests: a list of one complete load test" \
	jqe '(if type == "array" then . else .loadtests end)
		| length == 1 and .[0].status == "complete"
		and (.[0].id | type) == "string"' "$tmp/body"
id=$(jq -r '(if type == "array" then . else .loadtests end)[0].id // empty' \
	"$tmp/body" 2>/dev/null)
if [[ -n "$id" ]]; then
	req GET "/v1/loadtests/$id"
	same_result() {
		[[ "$code" == 200 ]] &&
			[[ "$(jq -c '{numCores, results, maxUnits}' "$tmp/body")" == \
				"$(jq -c '{numCores, results, maxUnits}' "$tmp/lt1")" ]]
	}
	check "GET /v1/loadtests/ID: 200, the same results" same_result
fi
req GET /v1/loadtests/no-such-id
check "GET /v1/loadtests/no-such-id: 404" test "$code" = 404

# The load started by --load comes back after the load test.
for ((i = 0; i < 40; i++)); do
	fetch_metrics
	[[ "$(metric cpustress_running)" == 1 && "$(metric cpustress_cpus_loaded)" == "$NCPUS" ]] && break
	sleep 0.25
done
why="cpustress_running $(metric cpustress_running), cpus_loaded $(metric cpustress_cpus_loaded)"
check "the --load run is back on $NCPUS CPUs after the load test" \
	test "$(metric cpustress_running)" = 1 -a "$(metric cpustress_cpus_loaded)" = "$NCPUS"
why="$(grep '^cpustress_loadtests_total' "$tmp/metrics" | tr '\n' ' ')"
check "metrics: one load test complete" \
	test "$(metric 'cpustress_loadtests_total{result="complete"}')" = 1

# --- a real Prometheus ----------------------------------------------------------
mkdir -p "$tmp/prom"
cat >"$tmp/prom/prometheus.yml" <<EOF
global:
  scrape_interval: 1s
  scrape_timeout: 1s
  evaluation_interval: 1s
rule_files:
  - $top/tools/prometheus/rules.yml
  - $top/tools/prometheus/alerts.yml
scrape_configs:
  - job_name: cpustress
    static_configs:
      - targets: ["127.0.0.1:$port"]
EOF
prom="http://127.0.0.1:$prom_port"
prometheus --config.file="$tmp/prom/prometheus.yml" \
	--storage.tsdb.path="$tmp/prom/data" \
	--web.listen-address="127.0.0.1:$prom_port" --log.level=warn \
	>"$tmp/prom/log" 2>&1 &
prompid=$!

# query EXPR: the API's answer in $tmp/q.
query() {
	curl -s -m 5 -o "$tmp/q" --data-urlencode "query=$1" "$prom/api/v1/query"
}
ready=0
for ((i = 0; i < 60; i++)); do
	kill -0 "$prompid" 2>/dev/null || break
	if curl -sf -m 2 -o /dev/null "$prom/-/ready"; then
		ready=1
		break
	fi
	sleep 0.25
done
why="not ready after 15 s: $(tail -n 5 "$tmp/prom/log" | tr '\n' ' ')"
check "Prometheus starts on 127.0.0.1:$prom_port" test "$ready" = 1

if ((ready)); then
	# Wait for a few scrapes and rule evaluations: every recording rule
	# has a value once the 1m rates have two samples.
	for ((i = 0; i < 60; i++)); do
		query 'count(instance_cpu:cpustress_steal:ratio_rate1m) + count(instance:cpustress_work_units_per_second_per_cpu:ratio_fleet_median)'
		[[ "$(jq -r '.data.result[0].value[1] // 0' "$tmp/q" 2>/dev/null)" == $((NCPUS + 1)) ]] && break
		sleep 0.5
	done
	curl -s -m 5 -o "$tmp/targets" "$prom/api/v1/targets"
	why="$(jq -c '[.data.activeTargets[] | {scrapeUrl, health, lastError}]' "$tmp/targets" 2>&1)"
	check "Prometheus scrapes the VM: target up" \
		jqe '.data.activeTargets | length == 1 and .[0].health == "up"' \
		"$tmp/targets"

	query cpustress_work_units_per_second
	got=$(jq -c '[.data.result[]? | {cpu: .metric.cpu, v: .value[1]}]' "$tmp/q" 2>&1)
	why=$got
	check "Prometheus: cpustress_work_units_per_second has cpu 0 and 1, each > 0" \
		jqe '.status == "success"
			and ([.data.result[].metric.cpu] | sort) == ["0", "1"]
			and ([.data.result[].value[1] | tonumber > 0] | all)' \
		"$tmp/q"
	note "Prometheus: cpustress_work_units_per_second $got"

	query instance:cpustress_work_units_per_second:sum
	got=$(jq -c '[.data.result[]? | {metric, v: .value[1]}]' "$tmp/q" 2>&1)
	why=$got
	check "Prometheus: recording rule instance:cpustress_work_units_per_second:sum > 0" \
		jqe '.data.result | length == 1 and (.[0].value[1] | tonumber > 0)
			and .[0].metric.job == "cpustress"' "$tmp/q"
	note "Prometheus: instance:cpustress_work_units_per_second:sum $got"

	query instance:cpustress_work_units_per_second_per_cpu:ratio_fleet_median
	why="$(jq -c '.data.result' "$tmp/q" 2>&1)"
	check "Prometheus: a fleet of one is its own median (per-CPU ratio 1)" \
		jqe '.data.result | length == 1 and (.[0].value[1] | tonumber == 1)' \
		"$tmp/q"

	query instance_cpu:cpustress_steal:ratio_rate1m
	why="$(jq -c '.data.result' "$tmp/q" 2>&1)"
	check "Prometheus: steal ratio per CPU evaluates (2 series, 0..1)" \
		jqe '.data.result | length == 2
			and ([.[].value[1] | tonumber | . >= 0 and . <= 1] | all)' \
		"$tmp/q"

	curl -s -m 5 -o "$tmp/rules" "$prom/api/v1/rules"
	why="$(jq -c '[.data.groups[].rules[] | select(.health != "ok") | {name, health, lastError}]' "$tmp/rules" 2>&1)"
	# As many rules as the files define (rules.yml and alerts.yml).
	nrules=$(cat "$top/tools/prometheus/rules.yml" "$top/tools/prometheus/alerts.yml" |
		grep -cE '^\s*- (alert|record):')
	check "Prometheus: all $nrules rules loaded and healthy" \
		jqe --argjson n "$nrules" '[.data.groups[].rules[]] | length == $n
			and ([.[].health == "ok"] | all)' "$tmp/rules"
	why="$(jq -c '[.data.groups[].rules[] | select(.type == "alerting" and .state != "inactive") | {name, state}]' "$tmp/rules" 2>&1)"
	check "Prometheus: no alert pending or firing for the healthy VM" \
		jqe '[.data.groups[].rules[] | select(.type == "alerting")
			| .state == "inactive"] | all' "$tmp/rules"
fi
stop_pid "$prompid" 100
prompid=

# --- stop the guest ---------------------------------------------------------------
fetch_metrics
note "requests answered: $(grep '^cpustress_http_requests_total' "$tmp/metrics" | awk '{ printf "%s ", $0 }')"
# Anything sent to the control port asks the guest to stop.
if ! (exec 3<>"/dev/tcp/127.0.0.1/$ctl_port" && echo stop >&3) 2>/dev/null; then
	note "could not reach the guest's stop port"
fi
for ((i = 0; i < 600; i++)); do
	kill -0 "$vmpid" 2>/dev/null || break
	sleep 0.1
done
if kill -0 "$vmpid" 2>/dev/null; then
	fail "the guest did not stop within 60 s of the stop request"
	stop_pid "$vmpid" 150
	vmrc=timeout
else
	wait "$vmpid"
	vmrc=$?
fi
vmpid=

grep -E '^(PASS|FAIL) guest: ' "$tmp/guest.out" | sed "s/^\(PASS\|FAIL\) /\1 $T: /"
grep '^#' "$tmp/guest.out"
check "guest: the module was unloaded after serve exited" \
	grep -q '^CPUSTRESS-SERVE-RMMOD-OK' "$tmp/guest.out"
why="no kernel log check in the guest output"
check "guest: kernel log checked" \
	grep -qE '^(PASS|FAIL) guest: kernel log' "$tmp/guest.out"
why="tools/vm/run status $vmrc"
check "the guest finished cleanly (status 0)" test "$vmrc" = 0
[[ "$vmrc" == 0 ]] || dump_guest
note "serve-vm took $((SECONDS - start)) s"
