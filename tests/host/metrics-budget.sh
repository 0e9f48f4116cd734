#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The cardinality budget: count the series of a real /metrics (cpustress
# serve, user engine, every CPU of the host) with and without
# --per-cpu-histogram, per CPU and per host, and check them against the
# table in docs/metrics.md ("Series per CPU and per host").
#   tests/host/metrics-budget.sh [CPUSTRESS]   (default userspace/cpustress)
set -uo pipefail

cli=${1:-userspace/cpustress}
doc=$(dirname "$0")/../../docs/metrics.md
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-budget.XXXXXX")
pid=

stop_serve() {
	if [[ -n "$pid" ]]; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=
	fi
}
trap 'stop_serve; stop_user_engines "$tmp"; rm -rf "$tmp"' EXIT

T=metrics-budget
. "$(dirname "$0")/lib.sh"
private_user_engine "$tmp/ue"

need_exec "$cli" "make cli"
need_tools curl

# scrape ARGS...: serve on a free loopback port, /metrics into $tmp/m.
scrape() {
	local port= body
	: >"$tmp/log"
	"$cli" serve --engine user --state-dir "$tmp/state" \
		--apikey-file "$tmp/none" --listen 127.0.0.1:0 "$@" \
		>/dev/null 2>"$tmp/log" &
	pid=$!
	for _ in $(seq 100); do
		port=$(sed -n 's/.* info listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$tmp/log")
		[[ -n "$port" ]] && break
		sleep 0.05
	done
	[[ -n "$port" ]] || return 1
	body=$(curl -s -m 10 "http://127.0.0.1:$port/metrics") || return 1
	stop_serve
	printf '%s\n' "$body" >"$tmp/m"
}

# doc_row LABEL: "PER_CPU PER_HOST" from the doc's row | `LABEL` | N | M |.
doc_row() {
	awk -F'|' -v want="\`$1\`" '
		{ gsub(/^ +| +$/, "", $2) }
		$2 == want { gsub(/ /, "", $3); gsub(/ /, "", $4); print $3, $4 }
	' "$doc"
}

ncpus=$(getconf _NPROCESSORS_ONLN)

# count LABEL ARGS...: scrape with ARGS and compare with the doc's row.
count() {
	local label=$1 want got_cpu got_host per_cpu cpus
	shift
	want=$(doc_row "$label")
	if ! scrape "$@"; then
		fail "$label: no /metrics: $(head -c 300 "$tmp/log")"
		return
	fi
	# Series: every line that is not a comment; per CPU: those with cpu=.
	got_cpu=$(grep -v '^#' "$tmp/m" | grep -c 'cpu="')
	got_host=$(grep -v '^#' "$tmp/m" | grep -vc 'cpu="')
	cpus=$(grep -o '^cpustress_work_units_total{cpu="[0-9]*"}' "$tmp/m" | wc -l)
	per_cpu=$((cpus ? got_cpu / cpus : 0))
	check "$label: one series per family per CPU: $cpus CPUs of $ncpus online" \
		test "$cpus" = "$ncpus" -a $((per_cpu * cpus)) = "$got_cpu"
	check "$label: $per_cpu series per CPU and $got_host per host, as docs/metrics.md says ('$want')" \
		test -n "$want" -a "$per_cpu $got_host" = "$want"
}

count "cpustress serve"
check "default: the histogram has no cpu label" \
	test "$(grep -c '^cpustress_work_unit_duration_seconds_bucket{cpu=' "$tmp/m")" = 0 \
	-a "$(grep -c '^cpustress_work_unit_duration_seconds_count ' "$tmp/m")" = 1
count "cpustress serve --per-cpu-histogram" --per-cpu-histogram
check "--per-cpu-histogram: one histogram per CPU and none for the host" \
	test "$(grep -c '^cpustress_work_unit_duration_seconds_count{cpu=' "$tmp/m")" = "$ncpus" \
	-a "$(grep -c '^cpustress_work_unit_duration_seconds_count ' "$tmp/m")" = 0

# The doc's fleet example follows from its own row.
read -r pc ph <<<"$(doc_row "cpustress serve")"
total=$(sed ':a;s/\B[0-9]\{3\}\>/,&/;ta' <<<$((pc * 192 + ph)))
check "docs/metrics.md: a 192-vCPU VM is $pc x 192 + $ph = $total series" \
	grep -qF "$pc x 192 + $ph = $total series" "$doc"
exit 0
