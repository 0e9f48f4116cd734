# SPDX-License-Identifier: GPL-2.0
# CPU hotplug during a run: threads follow CPUs out and back in.

CPU1=/sys/devices/system/cpu/cpu1/online

load interval_ms=500
echo 1 > $CS/running
sleep 1
echo 0 > $CPU1
check "hotplug: offline cpu1 removes its thread" wait_for '[ -z "$(worker_pid 1)" ]' 10
check "hotplug: cpu0 keeps its thread" [ -n "$(worker_pid 0)" ]
check "hotplug: still running" [ "$(cat $CS/running)" = 1 ]
check "hotplug: /proc shows cpu1 offline" sh -c "grep -q '^1 *offline' /proc/cpustress"
sleep 1.2
check "hotplug: cpu1 rate falls to 0" [ "$(cat $CS/cpu1/ops_per_sec)" = 0 ]
check "hotplug: cpu0 still works" [ "$(cat $CS/cpu0/ops_per_sec)" -gt 0 ]
u1=$(cpu_units 1)
echo 1 > $CPU1
check "hotplug: online cpu1 brings its thread back" wait_for '[ -n "$(worker_pid 1)" ]' 10
pid=$(worker_pid 1)
check "hotplug: the new thread is bound to cpu1" \
	[ "$(awk '/^Cpus_allowed_list/ { print $2 }' /proc/$pid/status)" = 1 ]
check "hotplug: cpu1 works again" wait_for '[ "$(cpu_units 1)" -gt "$u1" ]' 30
check "hotplug: cpu1 keeps its units across the cycle" [ "$(cpu_units 1)" -ge "$u1" ]

i=0
while [ $i -lt 20 ]; do
	echo 0 > $CPU1 || break
	sleep 0.1
	echo 1 > $CPU1 || break
	sleep 0.1
	i=$((i + 1))
done
check "hotplug: 20 offline/online cycles during a run" [ $i = 20 ]
n=$(ncpus_online)
check "hotplug: a thread per CPU ($n) after the cycles" wait_for '[ "$(nworkers)" = "$n" ]' 10
check "hotplug: cpu1 works after the cycles" wait_for '[ "$(cat $CS/cpu1/ops_per_sec)" -gt 0 ]' 20

# A CPU that is not selected gets no thread when it comes back.
echo 0 > $CS/cpus
echo 0 > $CPU1
echo 1 > $CPU1
sleep 0.5
check "hotplug: unselected cpu1 stays unloaded after online" [ -z "$(worker_pid 1)" ]
echo 0 > $CS/running
unload
