# SPDX-License-Identifier: GPL-2.0
# Unload: fast during a full run, nothing left behind, repeatable.

leftovers() {
	[ "$(nworkers)" = 0 ] && [ ! -e $CS ] && [ ! -e /proc/cpustress ] &&
		! grep -q '^cpustress ' /proc/modules
}

load
echo 1 > $CS/running
sleep 2
t0=$(now_ms)
rmmod cpustress
t1=$(now_ms)
# Within 1 s is a latency bound: with 16 emulated vCPUs on 2 host cores
# (make bench-scale-vm, timing=off) it took 1470 ms, which measures the
# host. Returning at all, within 10 s, is checked everywhere.
timed_check "rmmod: during a 100 % run returns within 1 s ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 1000 ]
check "rmmod: during a 100 % run returns within 10 s ($((t1 - t0)) ms)" [ $((t1 - t0)) -lt 10000 ]
check "rmmod: no thread, sysfs, /proc entry or module left" leftovers

i=0
while [ $i -lt 20 ]; do
	load || break
	echo 1 > $CS/running || break
	sleep 0.2
	echo 0 > $CS/running || break
	[ "$(nworkers)" = 0 ] || break
	rmmod cpustress || break
	leftovers || break
	i=$((i + 1))
done
check "rmmod: 20 load/start/stop/unload cycles clean" [ $i = 20 ]
unload
