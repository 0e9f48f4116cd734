#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The host's CPU quota as ground truth for what the guest reports: boots
# two 1-vCPU exporter VMs side by side (tools/vm/fleet-up), vm1 uncapped
# and vm2 under tools/vm/run --cpu-quota Q (default 0.3 CPU), both at
# 100 % in the guest, and measures in the same window, every 5 s for 30 s:
# the guest's own work rate (GET /v1/stats: units over its samples) and the
# host CPU time each qemu got (/proc/PID/stat). Checks that
#   - the capped qemu got no more than Q CPUs (the quota is enforced) and
#     was throttled (cpu.stat), and that the quota binds (the uncapped VM
#     got clearly more);
#   - the guest's work per host CPU second is the same in both VMs, within
#     a tolerance from the spread of the 5-s windows: what the guest
#     reports follows what the host gave it;
#   - the capped VM's rate relative to the uncapped one is the quota's
#     share of what the uncapped one got;
#   - both guests end cleanly and the quota's cgroup is removed.
# Notes the guest-reported steal %, wait % and latency of both (under TCG
# the guest sees no steal: see docs/testing-vm.md).
#   tests/host/vm-quota.sh [INITRAMFS]   (default build/vm/initramfs.cpio.gz)
# Env: VM_QUOTA_CPUS (0.3). About 90 s; boot it under flock /tmp/cs-vm.lock.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
initramfs=$(realpath -m "${1:-$top/build/vm/initramfs.cpio.gz}")
cd "$top" || exit 2
T=vm-quota
. "$top/tests/host/lib.sh"
Q=${VM_QUOTA_CPUS:-0.3}
# Below about 0.2 CPU the guest's fixed costs (its timer ticks, the
# exporter; about 0.04 CPU under TCG) are a large part of what it gets, and
# its work is no longer proportional to its CPU time (docs/testing-vm.md).
QMIN=0.2
WINDOWS=6
WIN_S=5

note() { echo "# $*"; }
need_tools curl jq qemu-system-x86_64
if [[ ! -r "$initramfs" ]]; then
	fail "$initramfs not found: run make initramfs"
	exit 0
fi

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-vm-quota.XXXXXX")
fdir=$tmp/fleet
fpid=
start=$SECONDS
# shellcheck disable=SC2317 # called from the EXIT trap
cleanup() {
	if [[ -n "$fpid" ]]; then
		kill -TERM "$fpid" 2>/dev/null
		wait "$fpid" 2>/dev/null
	fi
	rm -rf "$tmp"
}
trap cleanup EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

tools/vm/fleet-up --smp 1 --quota "2=$Q" --secs 240 --dir "$fdir" \
	--initramfs "$initramfs" 2 >"$tmp/fleet.out" 2>&1 &
fpid=$!
for ((i = 0; i < 400; i++)); do
	[[ -e "$fdir/ready" ]] && break
	kill -0 "$fpid" 2>/dev/null || break
	sleep 0.5
done
if [[ ! -e "$fdir/ready" ]]; then
	fail "the two VMs did not come up: $(tail -n 5 "$tmp/fleet.out" | tr '\n' ' ')"
	exit 0
fi
pass "two exporter VMs up side by side, vm2 under --cpu-quota $Q ($((SECONDS - start)) s)"

qpid1=$(cat "$fdir/vm1.qpid") qpid2=$(cat "$fdir/vm2.qpid")
cgdir=$(vm_quota_cgroup "$qpid2")
why="/proc/$qpid2/cgroup: $(tr '\n' ' ' <"/proc/$qpid2/cgroup")"
check "the capped qemu is in its quota cgroup ($cgdir)" test -n "$cgdir"

tick=$(getconf CLK_TCK)
wall='' cpu1='' cpu2='' rate1='' rate2='' ratio='' eff='' effsd='' nwin='' bad=''
# snap FILE: one line "wall cpu1 cpu2 units1 seq1 units2 seq2 steal2 wait2"
# plus, for the notes, the stats bodies.
throttled() {
	awk '$1 == "nr_throttled" { print $2 }' "$cgdir/cpu.stat" 2>/dev/null || echo 0
}
snap() {
	local i w c1 c2 s
	w=$EPOCHREALTIME
	c1=$(awk -v t="$tick" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$qpid1/stat")
	c2=$(awk -v t="$tick" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$qpid2/stat")
	s="$w $c1 $c2"
	for i in 1 2; do
		curl -s -m 3 -o "$tmp/stats$i" "http://127.0.0.1:$(cat "$fdir/vm$i.port")/v1/stats"
		s+=" $(jq -r '"\([.cpus[].unitsTotal] | add) \(.sampleSeq) \(.config.intervalMs)"' "$tmp/stats$i" 2>/dev/null || echo "x x x")"
	done
	echo "$s"
}

cpu_rate() { # PID WALL0 CPU0: CPUs used since then
	awk -v t="$tick" -v w0="$2" -v c0="$3" -v w="$EPOCHREALTIME" \
		'{ printf "%.3f", (($14 + $15) / t - c0) / (w - w0) }' "/proc/$1/stat"
}
cpu_now() { awk -v t="$tick" '{ printf "%.3f", ($14 + $15) / t }' "/proc/$1/stat"; }

# Let both settle into the load (the first samples after boot are short),
# and see what the uncapped VM gets: on a busy host that can be less than
# the quota, which would then not bind. The quota is then lowered to half
# of it, in the same cgroup (what --cpu-quota would have set).
w0=$EPOCHREALTIME c0=$(cpu_now "$qpid1")
sleep 5
pre=$(cpu_rate "$qpid1" "$w0" "$c0")
note "before the measurement, the uncapped VM got $pre CPUs"
if [[ -n "$cgdir" ]] && awk -v p="$pre" -v q="$Q" 'BEGIN { exit !(p < 1.6 * q) }'; then
	Q2=$(awk -v p="$pre" -v m="$QMIN" 'BEGIN { q = int(p * 50) / 100; printf "%.2f", q < m ? m : q }')
	if [[ "$Q2" != "$Q" ]]; then
		note "the host is busy: quota lowered from $Q to $Q2 CPUs so that it binds"
		Q=$Q2
		set_cgroup_quota "$cgdir" "$Q"
		sleep 2
	fi
fi
thr0=$(throttled)
snap >"$tmp/snaps"
for ((k = 0; k < WINDOWS; k++)); do
	sleep "$WIN_S"
	snap >>"$tmp/snaps"
done
thr1=$(throttled)
for i in 1 2; do
	jq -c '[.cpus[] | {stealPct, waitPct, p99Us, maxUs}]' "$tmp/stats$i" >"$tmp/lat$i" 2>/dev/null
done

# Per window and over the whole: host CPUs each qemu got (cpu/wall), the
# guest's rate (units per guest second: samples x intervalMs), the ratio
# capped/uncapped of the rates and the work per host CPU second.
awk -v q="$Q" '
	NR == 1 { for (i = 1; i <= NF; i++) f[i] = $i; for (i = 1; i <= NF; i++) first[i] = $i; next }
	{
		if ($4 == "x" || $7 == "x" || $5 == f[5] || $8 == f[8]) { bad++; next }
		dw = $1 - f[1]
		c1 = ($2 - f[2]) / dw; c2 = ($3 - f[3]) / dw
		r1 = ($4 - f[4]) / (($5 - f[5]) * $6 / 1000)
		r2 = ($7 - f[7]) / (($8 - f[8]) * $9 / 1000)
		if (c1 > 0 && c2 > 0 && r1 > 0) {
			e = (r2 / c2) / (r1 / c1); n++; se += e; se2 += e * e
		}
		for (i = 1; i <= NF; i++) f[i] = $i
	}
	END {
		dw = f[1] - first[1]
		c1 = (f[2] - first[2]) / dw; c2 = (f[3] - first[3]) / dw
		r1 = (f[4] - first[4]) / ((f[5] - first[5]) * f[6] / 1000)
		r2 = (f[7] - first[7]) / ((f[8] - first[8]) * f[9] / 1000)
		m = n ? se / n : 0; sd = n > 1 ? sqrt((se2 - n * m * m) / (n - 1)) : 1
		printf "wall=%.1f cpu1=%.3f cpu2=%.3f rate1=%.1f rate2=%.1f ", dw, c1, c2, r1, r2
		printf "ratio=%.3f eff=%.3f effsd=%.3f nwin=%d bad=%d\n", r2 / r1, (r2 / c2) / (r1 / c1), sd, n, bad + 0
	}' "$tmp/snaps" >"$tmp/result"
note "measured (quota $Q): $(cat "$tmp/result")"
# shellcheck disable=SC1090 # key=value pairs from the awk above
. <(tr ' ' '\n' <"$tmp/result")

le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a <= b) }'; }
# The quota's CPUs, plus 5 % and 0.02 CPU for the 10 ms tick of
# /proc/PID/stat over the window.
why="capped qemu used $cpu2 CPUs"
check "the capped qemu got at most its quota: $cpu2 <= $Q CPUs" \
	le "$cpu2" "$(awk -v q="$Q" 'BEGIN { print q * 1.05 + 0.02 }')"
why="cpu.stat nr_throttled $thr0 -> $thr1"
check "the capped VM was throttled (nr_throttled +$((thr1 - thr0)))" test "$thr1" -gt "$thr0"
binds=0
le "$(awk -v q="$Q" 'BEGIN { print q * 1.3 }')" "$cpu1" && binds=1
why="the uncapped VM got only $cpu1 CPUs: the host is too busy for a quota of $Q to bind, so the quota's share is not checked"
check "the quota binds: the uncapped VM got $cpu1 CPUs, >= 1.3 x $Q" test "$binds" = 1

# The tolerance: three standard errors of the windows' work-per-CPU ratio,
# at least 15 %: qemu's own threads and the guest's fixed costs count in
# CPU time, not in work, and weigh more in the capped VM.
tol=$(awk -v sd="$effsd" -v n="$nwin" 'BEGIN { t = 3 * sd / sqrt(n); printf "%.3f", t < 0.15 ? 0.15 : t }')
note "noise: work per host CPU second, capped/uncapped, per ${WIN_S}-s window: sd $effsd over $nwin windows; tolerance +-$tol"
why="capped/uncapped work per host CPU second $eff, tolerance $tol (sd $effsd)"
check "the guests' work per host CPU second agree: $eff = 1 +- $tol" \
	awk -v e="$eff" -v t="$tol" 'BEGIN { exit !(e >= 1 - t && e <= 1 + t) }'
expect=$(awk -v q="$Q" -v c="$cpu1" 'BEGIN { printf "%.3f", q / c }')
why="capped/uncapped ops/s $ratio, expected quota/uncapped CPUs $expect, tolerance $tol"
((binds)) && check "the capped VM's ops/s relative to the uncapped one is the quota's share: $ratio = $expect +- $tol" \
	awk -v r="$ratio" -v x="$expect" -v t="$tol" 'BEGIN { exit !(r >= x * (1 - t) && r <= x * (1 + t)) }'
note "guest ops/s: uncapped $rate1, capped $rate2"
note "guest view, uncapped vm1: $(cat "$tmp/lat1")"
note "guest view, capped vm2:   $(cat "$tmp/lat2")"

# --- stop -------------------------------------------------------------------
kill -TERM "$fpid"
wait "$fpid"
frc=$?
fpid=
for i in 1 2; do
	grep -E '^(PASS|FAIL) guest: ' "$fdir/vm$i.out" | sed "s/^\(PASS\|FAIL\) guest: /\1 $T: vm$i guest: /"
done
why="fleet-up status $frc; vm/run: $(cat "$fdir"/vm*.rc 2>/dev/null | tr '\n' ' ')"
check "both guests ended cleanly" test "$frc" = 0
note "measured over ${wall} s wall, $bad window(s) without a new sample"
for ((i = 0; i < 20; i++)); do
	[[ -n "$cgdir" && -d "$cgdir" ]] || break
	sleep 0.25
done
check "the quota cgroup is removed when the VM ends" test ! -d "$cgdir"
note "vm-quota took $((SECONDS - start)) s"
