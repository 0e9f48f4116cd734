# SPDX-License-Identifier: GPL-2.0
# Load/unload cycles through every interface (sysfs, netlink, /proc, an
# owned run, rmmod during a run), then, on a kernel with kmemleak (the
# debug kernel of make check-debug), a leak scan: no object the module or
# its interfaces allocated may be left unreferenced. run-guest cleared the
# suspects found at boot, so every report here is new since the tests began.

CLI=/bin/cpustress
KML=/sys/kernel/debug/kmemleak
# 10 cycles where kmemleak looks; elsewhere t70 has done 20 plain ones,
# and 3 go through the other interfaces.
if [ -w "$KML" ]; then CYCLES=10; else CYCLES=3; fi

i=0
while [ $i -lt "$CYCLES" ]; do
	load || break
	echo 1 > $CS/running || break
	cat $CS/ops_per_sec /proc/cpustress > /dev/null || break
	$CLI set --busy 50 --period 100 > /dev/null || break
	$CLI status --json > /dev/null || break
	timeout 10 $CLI top --json --count 1 > /dev/null 2>&1 || break
	$CLI stop > /dev/null || break
	timeout 10 $CLI start --owned --for 1 > /dev/null 2>&1 || break
	echo 1 > $CS/running || break
	rmmod cpustress || break
	[ "$(nworkers)" = 0 ] || break
	i=$((i + 1))
done
check "kmemleak: $CYCLES load, run, netlink, owned-run, rmmod-while-running cycles" \
	[ "$i" = "$CYCLES" ]

if [ -w "$KML" ]; then
	# kmemleak reports only objects older than 5 s, and an object seen
	# unreferenced by one scan only after the next confirms it.
	sleep 6
	echo scan > $KML
	sleep 1
	echo scan > $KML
	cat $KML > /tmp/kmemleak.out
	n=$(grep -c '^unreferenced object' /tmp/kmemleak.out)
	echo "# kmemleak: $n new suspected leak(s) since boot"
	if [ "$n" = 0 ]; then
		pass "kmemleak: no leak after the suite and $CYCLES unload cycles"
	else
		fail "kmemleak: $n suspected leak(s), the first ones below"
		head -40 /tmp/kmemleak.out | sed 's/^/# /'
	fi
else
	echo "# kmemleak: not in this kernel (make check-debug has it)"
fi

# Lockdep turns itself off at its first report, the boot's included: the
# suite only had lockdep's eye on it if it is still on now.
if [ -r /proc/lockdep_stats ]; then
	on=$(awk '/debug_locks:/ { print $2 }' /proc/lockdep_stats)
	check "lockdep: still on after the suite (debug_locks $on)" [ "$on" = 1 ]
fi
