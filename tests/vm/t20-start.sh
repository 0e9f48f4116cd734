# SPDX-License-Identifier: GPL-2.0
# Start and stop: one bound thread per online CPU, rates appear and add up.

load
n=$(ncpus_online)
echo 1 > $CS/running
check "start: running is 1" [ "$(cat $CS/running)" = 1 ]
check "start: one thread per online CPU ($n)" [ "$(nworkers)" = "$n" ]
bad=
for pc in $(workers | tr ' ' ':'); do
	pid=${pc%:*}
	cpu=${pc#*:}
	allowed=$(awk '/^Cpus_allowed_list/ { print $2 }' "/proc/$pid/status")
	[ "$allowed" = "$cpu" ] || bad="$bad cpustress/$cpu:$allowed"
done
check "start: each thread's Cpus_allowed_list is its CPU ($bad)" [ -z "$bad" ]
check "start: ops_per_sec > 0 within two intervals" \
	wait_for '[ "$(cat $CS/ops_per_sec)" -gt 0 ]' 21
sleep 1.2

# The total is the sum of the per-CPU rates of the same sample.
ok=0
# The shell's read, not cat: no fork between the reads, which a sample
# must not fall between (on the debug kernel a fork takes a good part of
# the 1 s interval).
cpus=$(cpu_online_list)
for try in 1 2 3 4 5 6 7 8 9 10; do
	read -r tot < $CS/ops_per_sec
	sum=0
	for c in $cpus; do
		read -r v < $CS/cpu$c/ops_per_sec
		sum=$((sum + v))
	done
	read -r tot2 < $CS/ops_per_sec
	if [ "$tot" = "$sum" ] && [ "$tot" = "$tot2" ]; then
		ok=1
		break
	fi
	sleep 0.3
done
check "start: per-CPU ops_per_sec add up to the total ($sum = $tot)" [ "$ok" = 1 ]
allpos=1
for c in $(cpu_online_list); do
	[ "$(cat $CS/cpu$c/ops_per_sec)" -gt 0 ] || allpos=0
done
check "start: every CPU reports ops_per_sec > 0" [ "$allpos" = 1 ]
u=0
for c in $(cpu_online_list); do u=$((u + $(cpu_units $c))); done
t=$(cat $CS/units_total)
check "start: units_total ($t) >= sum of per-CPU units read before ($u)" [ "$t" -ge "$u" ]
check "start: units_total > 0" [ "$t" -gt 0 ]
check "start: /proc/cpustress shows running CPUs" \
	sh -c "grep -c ' running ' /proc/cpustress | grep -qx $((n + 1))"
before=$(workers)
echo 1 > $CS/running
check "start: writing 1 again keeps the same threads" [ "$(workers)" = "$before" ]

echo 0 > $CS/running
check "stop: running is 0" [ "$(cat $CS/running)" = 0 ]
check "stop: no thread left" [ "$(nworkers)" = 0 ]
check "stop: ops_per_sec falls to 0 within two intervals" \
	wait_for '[ "$(cat $CS/ops_per_sec)" = 0 ]' 22
t1=$(cat $CS/units_total)
sleep 0.5
check "stop: units_total stays" [ "$(cat $CS/units_total)" = "$t1" ]
unload
