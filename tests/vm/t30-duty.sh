# SPDX-License-Identifier: GPL-2.0
# Duty cycle: each thread's own CPU time is within 3 points of busy_pct,
# and the work done scales with it.

WINDOW=5

load
echo 1 > $CS/running
for busy in 30 60 100; do
	echo $busy > $CS/busy_pct
	sleep 1
	pids=$(workers | awk '{ print $1 }')
	c0=
	for p in $pids; do c0="$c0 $(cputime_ns $p)"; done
	u0=$(cat $CS/units_total)
	w0=$(now_ms)
	sleep $WINDOW
	c1=
	for p in $pids; do c1="$c1 $(cputime_ns $p)"; done
	u1=$(cat $CS/units_total)
	w1=$(now_ms)
	dw=$((w1 - w0))
	set -- $c1
	worst=0
	for a in $c0; do
		pct=$(awk -v a="$a" -v b="$1" -v w="$dw" 'BEGIN { printf "%.1f", (b - a) / (w * 1e4) }')
		err=$(awk -v p="$pct" -v t="$busy" 'BEGIN { e = p - t; if (e < 0) e = -e; printf "%.1f", e }')
		echo "# busy $busy: thread CPU time $pct % of wall"
		if fcmp "$err > $worst"; then worst=$err; fi
		shift
	done
	timed_check "duty: busy $busy, every thread within 3 points (worst error $worst)" fcmp "$worst <= 3"
	eval "ops$busy=\$(awk -v u=$((u1 - u0)) -v w=$dw 'BEGIN { printf \"%.1f\", u * 1000 / w }')"
done
ratio=$(awk -v a="$ops30" -v b="$ops100" 'BEGIN { printf "%.3f", a / b }')
echo "# ops/s at 30: $ops30, at 60: $ops60, at 100: $ops100"
# In the emulated test VM a low duty does less work per busy second than
# busy 100 (make bench: 0.93-0.99 of it at 30 %, 0.75-0.85 at 10 %; a
# plain process in the guest shows the same, not on the host), and the
# machine's speed moves 5-20 % between windows (a CI run read 0.354):
# about 0.28, -25 % +40 %. The thread CPU time check above holds the duty
# to 3 points; this one catches work not paced by it at all (about 1.0).
timed_check "duty: ops at 30 / ops at 100 = $ratio, within 0.21..0.40" fcmp "$ratio >= 0.21 && $ratio <= 0.40"
check "duty: ops at 60 between 30 and 100" fcmp "$ops60 > $ops30 && $ops60 < $ops100"
echo 0 > $CS/running
unload
