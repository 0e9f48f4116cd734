#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The fleet end to end, as an operator runs it, on test VMs whose CPU the
# host sets (tools/vm/fleet-up, tools/vm/run --cpu-quota):
#   1. three exporter VMs (1 vCPU each, every vCPU at 100 %), vm3 under a
#      CFS quota of Q CPUs (FLEET_VM_QUOTA, default 0.4: on a 2-core host
#      the two others get about 0.8 CPU each, so vm3 gets half of what
#      they get; a quota of 1 CPU would not bind here, see
#      docs/testing-vm.md);
#      - ten `cpustress fleet --once --json` flag vm3 and only vm3 in at
#        least 9, with reason slow; its ratio to the fleet median is
#        reported beside the CPU the host gave each qemu in the same time;
#      - Debian's Prometheus scrapes the three with tools/prometheus/
#        rules.yml and a copy of alerts.yml whose `for:` is 10 s: the API
#        shows CpustressHostThrottled{reason="slow"} firing for vm3, and
#        no alert firing for vm1 or vm2;
#      - a target that accepts and never answers shows `down` in the first
#        round, and that round comes within the poll time limit;
#   2. two idle exporter VMs (2 vCPUs each, no load until a load test):
#      `cpustress fleet loadtest` one at a time, then --together: the two
#      sweeps overlap in time, and each host's maxUnits together relative
#      to alone follows the CPU the host gave its qemu together relative
#      to alone (two 2-vCPU VMs on 2 idle host cores: both about 0.5; on
#      a busy host the host's share decides, not fairness).
#   tests/host/fleet-vm.sh [INITRAMFS]   (default build/vm/initramfs.cpio.gz)
# Needs root (cgroups), qemu-system-x86, curl, jq, python3, prometheus.
# About 6 minutes on an idle 2-core host; `make check-fleet`. Boot it under
# flock /tmp/cs-vm.lock on a shared machine.
# Prints PASS/FAIL lines, "# " notes and "N passed, N failed"; exits 1 on
# a failure.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
# The count and the exit status, over every PASS/FAIL line.
if [[ ${1:-} != --inner ]]; then
	p=0 f=0
	while IFS= read -r line; do
		echo "$line"
		case $line in
		PASS\ *) p=$((p + 1)) ;;
		FAIL\ *) f=$((f + 1)) ;;
		esac
	done < <("$0" --inner "$@" 2>&1)
	echo "$p passed, $f failed"
	((f == 0 && p > 0))
	exit
fi
shift
initramfs=$(realpath -m "${1:-$top/build/vm/initramfs.cpio.gz}")
cd "$top" || exit 2
T=fleet-vm
. "$top/tests/host/lib.sh"
cli=$top/userspace/cpustress
Q=${FLEET_VM_QUOTA:-0.4}
Q0=$Q
ROUNDS=10
FOR_S=10 # the test copy's `for:` of the throttling alerts

note() { echo "# $*"; }
jqe() { jq -e "$@" >/dev/null 2>&1; }
need_tools curl jq python3 prometheus qemu-system-x86_64
need_exec "$cli" "make userspace"
if [[ ! -r "$initramfs" ]]; then
	fail "$initramfs not found: run make initramfs"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-fleet-vm.XXXXXX")
fpid='' prompid='' bhpid=''
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	local p
	for p in "$prompid" "$bhpid"; do
		[[ -n "$p" ]] && kill -TERM "$p" 2>/dev/null && wait "$p" 2>/dev/null
	done
	if [[ -n "$fpid" ]]; then
		kill -TERM "$fpid" 2>/dev/null
		wait "$fpid" 2>/dev/null
	fi
	[[ -n "${KEEP:-}" ]] && cp -r "$tmp" "$KEEP"
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

# up DIR ARGS...: boot a fleet (fleet-up ARGS) into DIR, wait until ready.
up() {
	local d=$1 i
	shift
	tools/vm/fleet-up --secs 400 --dir "$d" --initramfs "$initramfs" "$@" \
		>"$d.out" 2>&1 &
	fpid=$!
	for ((i = 0; i < 500; i++)); do
		[[ -e "$d/ready" ]] && return 0
		kill -0 "$fpid" 2>/dev/null || break
		sleep 0.5
	done
	why="$(tail -n 5 "$d.out" | tr '\n' ' ')"
	return 1
}
# down DIR N: stop the fleet; every guest must end cleanly (PASS lines of
# serve-guest: exporter stopped, module unloaded, kernel log clean).
down() {
	local d=$1 n=$2 i rc
	kill -TERM "$fpid" 2>/dev/null
	wait "$fpid"
	rc=$?
	fpid=''
	why="fleet-up exit $rc: $(tail -n 3 "$d.out" | tr '\n' ' ')"
	check "fleet of $n: every guest ended cleanly" test "$rc" = 0
	for ((i = 1; i <= n; i++)); do
		why="$(grep '^FAIL' "$d/vm$i.out" | head -3 | tr '\n' ' ')"
		check_quiet "vm$i: module unloaded and a clean kernel log" \
			grep -q 'PASS guest: kernel log: no warning' "$d/vm$i.out"
	done
}
tick=$(getconf CLK_TCK)
# cpu_now PID: CPU seconds the process has had.
cpu_now() { awk -v t="$tick" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$1/stat"; }

# --- 1. three VMs, one capped ------------------------------------------------
f1=$tmp/f1
start=$SECONDS
if ! up "$f1" --smp 1 --quota "3=$Q0" 3; then
	fail "three exporter VMs did not come up: $why"
	exit 0
fi
pass "three exporter VMs up, vm3 under --cpu-quota $Q0 ($((SECONDS - start)) s)"
port() { cat "$1/vm$2.port"; }
qpid=("" "$(cat "$f1/vm1.qpid")" "$(cat "$f1/vm2.qpid")" "$(cat "$f1/vm3.qpid")")
sleep 3 # past the first, short samples after boot
# What vm1 and vm2 get: on a busy host that can be less than the quota,
# which would then not bind. The quota is then lowered (in the same
# cgroup) to half of what they get, so vm3 still gets half their share.
pre=("" "$(cpu_now "${qpid[1]}")" "$(cpu_now "${qpid[2]}")")
w=$EPOCHREALTIME
sleep 5
share=$(awk -v a="${pre[1]}" -v b="${pre[2]}" -v c="$(cpu_now "${qpid[1]}")" \
	-v d="$(cpu_now "${qpid[2]}")" -v w0="$w" -v w1="$EPOCHREALTIME" \
	'BEGIN { printf "%.2f", (c - a + d - b) / 2 / (w1 - w0) }')
note "before the rounds vm1 and vm2 got $share CPU each"
cg=$(vm_quota_cgroup "${qpid[3]}")
why="/proc/${qpid[3]}/cgroup: $(tr '\n' ' ' <"/proc/${qpid[3]}/cgroup")"
check "vm3's qemu is in its quota cgroup ($cg)" test -n "$cg"
if [[ -n "$cg" ]] && awk -v s="$share" -v q="$Q" 'BEGIN { exit !(s < 1.6 * q) }'; then
	Q=$(awk -v s="$share" 'BEGIN { q = int(s * 50) / 100; printf "%.2f", (q < 0.1 ? 0.1 : q) }')
	note "the host is busy: vm3's quota lowered to $Q CPUs so that it binds"
	set_cgroup_quota "$cg" "$Q"
	sleep 3
fi

c0=("" "$(cpu_now "${qpid[1]}")" "$(cpu_now "${qpid[2]}")" "$(cpu_now "${qpid[3]}")")
w0=$EPOCHREALTIME
: >"$tmp/rounds"
for ((r = 1; r <= ROUNDS; r++)); do
	"$cli" fleet --once --json --targets "$f1/targets.json" >>"$tmp/rounds" 2>"$tmp/fleet.err"
	echo $? >>"$tmp/rcs"
done
w1=$EPOCHREALTIME
got=()
for i in 1 2 3; do
	got[i]=$(awk -v a="${c0[i]}" -v b="$(cpu_now "${qpid[i]}")" -v w0="$w0" -v w1="$w1" \
		'BEGIN { printf "%.3f", (b - a) / (w1 - w0) }')
done
note "host CPU given to each qemu over the $ROUNDS rounds: vm1 ${got[1]}, vm2 ${got[2]}, vm3 ${got[3]} (quota $Q)"
hostratio=$(awk -v a="${got[1]}" -v b="${got[2]}" -v c="${got[3]}" \
	'BEGIN { m = (a + b) / 2; printf "%.3f", (m > 0 ? c / m : 0) }')
check "the quota binds: vm3 got at most $Q CPUs (+5 %) and less than vm1 and vm2" \
	awk -v a="${got[1]}" -v b="${got[2]}" -v c="${got[3]}" -v q="$Q" \
	'BEGIN { exit !(c <= q * 1.05 + 0.02 && c < a && c < b) }'

# vm J's verdict, reason and ratio, round by round.
byvm() { # FIELD VM
	jq -r --arg vm "$2" ".hosts[] | select(.labels.vm == \$vm) | .$1" "$tmp/rounds"
}
why="$(head -c 300 "$tmp/fleet.err")"
check "$ROUNDS rounds of JSON, one object each" \
	test "$(jq -s 'length' "$tmp/rounds" 2>/dev/null)" = "$ROUNDS"
flag3=$(byvm reason vm3 | grep -c '^slow$')
flag12=$(
	byvm verdict vm1
	byvm verdict vm2
)
other=$(grep -vc '^ok$' <<<"$flag12")
ratios=$(byvm ratio vm3 | tr '\n' ' ')
r3=$(byvm ratio vm3 | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }')
note "vm3's per-CPU ratio to the fleet median, round by round: $ratios(median $r3; the CPU the host gave it relative to vm1 and vm2's mean: $hostratio)"
note "vm1 ratios: $(byvm ratio vm1 | tr '\n' ' '); vm2: $(byvm ratio vm2 | tr '\n' ' ')"
check "vm3 flagged THROTTLED (slow) in at least 9 of $ROUNDS rounds ($flag3)" test "$flag3" -ge 9
check "vm1 and vm2 ok in every round ($other not ok: $(sort <<<"$flag12" | uniq -c | tr '\n' ' '))" \
	test "$other" = 0
check "vm3's ratio to the fleet median is below the 0.8 rule (median $r3)" \
	awk -v r="$r3" 'BEGIN { exit !(r > 0 && r < 0.8) }'
# The exit status of each round says what its table says: 1 when a host is
# throttled or down, 0 when none is (docs/fleet.md).
want_rcs=$(jq -r 'if any(.hosts[]; .verdict | test("^(THROTTLED|down)")) then 1 else 0 end' \
	"$tmp/rounds" | tr '\n' ' ')
got_rcs=$(tr '\n' ' ' <"$tmp/rcs")
check "each round's exit status is 1 when a host is throttled, else 0 ($got_rcs)" \
	test -n "$got_rcs" -a "$got_rcs" = "$want_rcs"
check "the labels of the targets file are kept (cpu_quota of vm3: $(byvm labels.cpu_quota vm3 | head -1))" \
	test "$(byvm labels.cpu_quota vm3 | sort -u)" = "$Q0"

# A target that accepts and never answers, beside the three.
bhport=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
python3 -c '
import socket, sys, time
s = socket.socket()
s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", int(sys.argv[1])))
s.listen(16)
held = []
while True:
    c, _ = s.accept()
    held.append(c)  # read nothing, answer nothing
' "$bhport" &
bhpid=$!
sleep 0.5
jq --arg t "127.0.0.1:$bhport" '. + [{"targets": [$t], "labels": {"vm": "silent"}}]' \
	"$f1/targets.json" >"$tmp/targets4.json"
# Each round's arrival time, with and without the silent target: it may
# hold the others' rows back by one poll's time limit per poll (fleet.h's
# CS_FLEET_TIMEOUT_MS, at most the interval), no more.
# rounds TARGETS OUT: --count 3 --interval 1, each line with its time.
rounds() {
	local t0=$EPOCHREALTIME
	"$cli" fleet --count 3 --interval 1 --json --targets "$1" 2>/dev/null |
		while IFS= read -r line; do
			echo "$(awk -v t0="$t0" -v t="$EPOCHREALTIME" 'BEGIN { printf "%.2f", t - t0 }') $line"
		done >"$2"
}
rounds "$f1/targets.json" "$tmp/plain"
rounds "$tmp/targets4.json" "$tmp/silent"
tlimit=$(awk '/define CS_FLEET_TIMEOUT_MS/ { t = $3 / 1000; print (t < 1 ? t : 1) }' userspace/fleet/fleet.h)
times() { cut -d' ' -f1 "$1" | tr '\n' ' '; }
last=$(tail -n 1 "$tmp/silent" | cut -d' ' -f2-)
sv=$(jq -r '.hosts[] | select(.labels.vm == "silent") | .verdict' <<<"$last")
note "rounds at $(times "$tmp/plain")s; with a silent target at $(times "$tmp/silent")s (the verdict's window: 3 polls before the first; poll limit ${tlimit} s)"
check "the silent target is down with its reason ($sv)" \
	test "${sv#down (no complete answer within}" != "$sv"
check "the three VMs' rows are complete beside it" \
	jqe '[.hosts[] | select(.labels.vm != "silent") | .state == "running" and (.unitsPerSec > 0)]
		| length == 3 and all' <<<"$last"
# Round k has had 2 + k polls; each may wait the limit, and 0.3 s more.
check "the silent target delays each round by at most the poll limit per poll" \
	awk -v l="$tlimit" 'NR == FNR { p[FNR] = $1; next }
		{ if ($1 > p[FNR] + (2 + FNR) * l + 0.3) bad = 1; n++ }
		END { exit bad || n != 3 }' "$tmp/plain" "$tmp/silent"
kill -TERM "$bhpid" 2>/dev/null
wait "$bhpid" 2>/dev/null
bhpid=''

# Debian's Prometheus over the same targets file.
prom_port=$(python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
prom="http://127.0.0.1:$prom_port"
mkdir -p "$tmp/prom"
sed "s/^\(\s*for:\) 5m$/\1 ${FOR_S}s/" tools/prometheus/alerts.yml >"$tmp/prom/alerts.yml"
check "the test copy of alerts.yml shortens every 5m for: to ${FOR_S}s" \
	test "$(grep -c "for: ${FOR_S}s" "$tmp/prom/alerts.yml")" = "$(grep -c 'for: 5m' tools/prometheus/alerts.yml)" -a \
	"$(grep -c 'for: 5m' tools/prometheus/alerts.yml)" -ge 2
cat >"$tmp/prom/prometheus.yml" <<EOF
global:
  scrape_interval: 2s
  scrape_timeout: 2s
  evaluation_interval: 2s
rule_files:
  - $top/tools/prometheus/rules.yml
  - $tmp/prom/alerts.yml
scrape_configs:
  - job_name: cpustress
    file_sd_configs:
      - files: ["$f1/targets.json"]
EOF
prometheus --config.file="$tmp/prom/prometheus.yml" \
	--storage.tsdb.path="$tmp/prom/data" \
	--web.listen-address="127.0.0.1:$prom_port" --log.level=warn \
	>"$tmp/prom/log" 2>&1 &
prompid=$!
# firing: the firing alerts, "VM ALERTNAME REASON" lines. The recording
# rules keep instance and job only: the VM is found from the instance.
firing() {
	curl -s -m 5 "$prom/api/v1/alerts" | jq -r --slurpfile ts "$f1/targets.json" '
		([$ts[0][] | {key: .targets[0], value: .labels.vm}] | from_entries) as $vm
		| .data.alerts[] | select(.state == "firing")
		| "\($vm[.labels.instance] // .labels.instance) \(.labels.alertname) \(.labels.reason // "-")"' 2>/dev/null
}
fired=''
for ((i = 0; i < 90; i++)); do # 1m rates need two scrapes, then for: 10 s
	kill -0 "$prompid" 2>/dev/null || break
	fired=$(firing)
	grep -q '^vm3 CpustressHostThrottled slow$' <<<"$fired" && break
	sleep 2
done
sleep $((2 * FOR_S)) # another for: and more, for an alert of vm1 or vm2 to show
fired=$(firing | sort -u)
curl -s -m 5 -o "$tmp/targets" "$prom/api/v1/targets"
why="$(jq -c '[.data.activeTargets[] | {scrapeUrl, health, lastError}]' "$tmp/targets" 2>&1)"
check "Prometheus scrapes the three VMs from the targets file" \
	jqe '[.data.activeTargets[] | .health == "up"] | length == 3 and all' "$tmp/targets"
why="firing: $(tr '\n' ';' <<<"$fired") log: $(tail -n 3 "$tmp/prom/log" | tr '\n' ' ')"
check "Prometheus: CpustressHostThrottled{reason=\"slow\"} fires for vm3" \
	grep -q '^vm3 CpustressHostThrottled slow$' <<<"$fired"
check "Prometheus: no alert fires for vm1 or vm2" \
	test -z "$(grep -E '^vm[12] ' <<<"$fired")"
note "Prometheus firing: $(tr '\n' ';' <<<"$fired")"
curl -s -m 5 -o "$tmp/q" --data-urlencode \
	'query=instance:cpustress_work_units_per_second_per_cpu:ratio_fleet_median' "$prom/api/v1/query"
note "Prometheus per-CPU ratio to the fleet median: $(jq -r '[.data.result[] | "\(.metric.instance) \(.value[1] | tonumber * 1000 | round / 1000)"] | join(", ")' "$tmp/q" 2>/dev/null)"
kill -TERM "$prompid" 2>/dev/null
wait "$prompid" 2>/dev/null
prompid=''
down "$f1" 3

# --- 2. two idle VMs: alone, then together --------------------------------
f2=$tmp/f2
start=$SECONDS
if ! up "$f2" --smp 2 --idle 2; then
	fail "two idle exporter VMs did not come up: $why"
	exit 0
fi
pass "two idle 2-vCPU exporter VMs up ($((SECONDS - start)) s)"
qp=("" "$(cat "$f2/vm1.qpid")" "$(cat "$f2/vm2.qpid")")
# One level, 100 %: the host CPU of the whole load test is then that of
# the level maxUnits comes from (at 50 % two 2-vCPU VMs fit 2 cores).
plan=(--busy 100 --duration 3 --warmup 1)
# lt NAME ARGS...: a fleet load test (ARGS: the targets, options) into
# $tmp/NAME; notes the CPU each qemu got meanwhile.
lt() {
	local name=$1 a b w
	shift
	a="$(cpu_now "${qp[1]}") $(cpu_now "${qp[2]}")" w=$EPOCHREALTIME
	"$cli" fleet loadtest --apikey-file "$f2/apikey" \
		-o "$tmp/$name" "${plan[@]}" "$@" >"$tmp/$name.out" 2>&1
	rc=$?
	b="$(cpu_now "${qp[1]}") $(cpu_now "${qp[2]}")"
	read -r -a ltcpu < <(awk -v w0="$w" -v w1="$EPOCHREALTIME" -v a="$a" -v b="$b" \
		'BEGIN { split(a, x); split(b, y);
			printf "%.2f %.2f\n", (y[1] - x[1]) / (w1 - w0), (y[2] - x[2]) / (w1 - w0) }')
	note "$name: host CPU per second of each qemu meanwhile: vm1 ${ltcpu[0]}, vm2 ${ltcpu[1]}"
}
cpu_alone=()
units_alone=()
for i in 1 2; do
	lt "alone$i" "127.0.0.1:$(port "$f2" "$i")"
	why="$(tail -c 300 "$tmp/alone$i.out")"
	check "fleet loadtest of vm$i alone, vm$((3 - i)) idle: exit 0 ($rc)" test "$rc" = 0
	cpu_alone[i]=${ltcpu[i - 1]}
	# Alone, the host is the only one of its name: DIR/127.0.0.1.json.
	units_alone[i]=$(jq -r '.maxUnits' "$tmp/alone$i"/*.json 2>/dev/null)
done
lt together --together --targets "$f2/targets.json"
why="$(tail -c 300 "$tmp/together.out")"
check "fleet loadtest --together: exit 0 ($rc)" test "$rc" = 0
# Ground truth is what the host gave, not fairness: on a busy host one
# qemu may get as much together as alone (a noisy CI run: 1.07). The
# guest's ratio is checked against the host's: per VM within a factor 2
# (beside stress-ng one VM did 0.68 as much work per host CPU second
# together as alone, switched in and out among five threads on two
# cores), the two VMs' sum within a factor 1.5 (the host's speed, which
# moves between the two windows and is not in its CPU time).
# within R F: R (a ratio of ratios) lies within a factor F of 1.
within() { awk -v r="$1" -v f="$2" 'BEGIN { exit !(r > 0 && r > 1 / f && r < f) }'; }
sa=0 st=0 ca=0 ct=0
for i in 1 2; do
	a=${units_alone[i]}
	b=$(jq -r '.maxUnits' "$tmp/together/127.0.0.1_$(port "$f2" "$i").json" 2>/dev/null)
	rel=$(awk -v a="$a" -v b="$b" 'BEGIN { printf "%.3f", (a > 0 ? b / a : 0) }')
	crel=$(awk -v a="${cpu_alone[i]}" -v b="${ltcpu[i - 1]}" 'BEGIN { printf "%.3f", (a > 0 ? b / a : 0) }')
	note "vm$i maxUnits alone $a, together $b: $rel of alone (host CPU alone ${cpu_alone[i]}, together ${ltcpu[i - 1]}: $crel)"
	why="guest $rel, host $crel"
	check "vm$i together/alone follows the host CPU it got together/alone within a factor 2 ($rel vs $crel)" \
		within "$(awk -v r="$rel" -v c="$crel" 'BEGIN { print (c > 0 ? r / c : 0) }')" 2
	read -r sa st ca ct < <(awk -v a="$a" -v b="$b" -v c="${cpu_alone[i]}" -v d="${ltcpu[i - 1]}" \
		-v s="$sa $st $ca $ct" 'BEGIN { split(s, x); print x[1] + a, x[2] + b, x[3] + c, x[4] + d }')
done
rel=$(awk -v a="$sa" -v b="$st" 'BEGIN { printf "%.3f", (a > 0 ? b / a : 0) }')
crel=$(awk -v a="$ca" -v b="$ct" 'BEGIN { printf "%.3f", (a > 0 ? b / a : 0) }')
why="guest $rel, host $crel"
check "the two VMs' maxUnits together/alone follows their host CPU within a factor 1.5 ($rel vs $crel)" \
	within "$(awk -v r="$rel" -v c="$crel" 'BEGIN { print (c > 0 ? r / c : 0) }')" 1.5
tj=("$tmp/together/127.0.0.1_$(port "$f2" 1).json" "$tmp/together/127.0.0.1_$(port "$f2" 2).json")
ts=$(jq -rs 'map(.timestamp) | "\(.[0]) \(.[1])"' "${tj[@]}" 2>/dev/null)
te=$(jq -rs 'map([.cpustress.runs[]?.ts] | max) | "\(.[0]) \(.[1])"' "${tj[@]}" 2>/dev/null)
why="started $ts, ended $te (guest clocks, s)"
check "--together: the two sweeps start within 2 s and each starts before the other ends" \
	awk -v s="$ts" -v e="$te" 'BEGIN { split(s, a); split(e, b);
		d = a[1] - a[2]; if (d < 0) d = -d;
		exit !(d <= 2 && a[1] < b[2] && a[2] < b[1]) }'
grep -E '^(127.0.0.1|host|price)' "$tmp/together.out" | sed 's/^/# /'
down "$f2" 2

echo "# $T: $((SECONDS)) s"
exit 0
