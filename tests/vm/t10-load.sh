# SPDX-License-Identifier: GPL-2.0
# Loading: defaults start nothing; the interfaces exist; bad parameters fail.

check "load: insmod with defaults" load
check "load: running is 0" [ "$(cat $CS/running)" = 0 ]
check "load: no worker thread" [ "$(nworkers)" = 0 ]
check "load: /proc/cpustress exists" [ -r /proc/cpustress ]
missing=
for f in ops_per_sec running busy_pct cpus period_ms interval_ms units_total wu_kib wu_spins; do
	[ -r "$CS/$f" ] || missing="$missing $f"
done
for c in $(cpu_online_list); do
	for f in ops_per_sec units_total busy_pct steal_pct wait_pct; do
		[ -r "$CS/cpu$c/$f" ] || missing="$missing cpu$c/$f"
	done
done
check "load: every sysfs file exists (missing:$missing)" [ -z "$missing" ]
check "load: default busy_pct 100" [ "$(cat $CS/busy_pct)" = 100 ]
check "load: default period_ms 100" [ "$(cat $CS/period_ms)" = 100 ]
check "load: default interval_ms 1000" [ "$(cat $CS/interval_ms)" = 1000 ]
check "load: default wu_kib 512" [ "$(cat $CS/wu_kib)" = 512 ]
check "load: default wu_spins 17" [ "$(cat $CS/wu_spins)" = 17 ]
check "load: default cpus is all online" [ "$(cat $CS/cpus)" = "$(online_cpus)" ]
check "load: ops_per_sec 0 while stopped" [ "$(cat $CS/ops_per_sec)" = 0 ]
check "load: read-only files refuse writes" sh -c "! echo 1 > $CS/units_total 2>/dev/null"
unload
check "load: rmmod removes sysfs" [ ! -e $CS ]

nocpu=$(no_cpu)
for p in busy_pct=0 busy_pct=101 period_ms=5 interval_ms=0 wu_kib=1 wu_spins=0 cpus=$nocpu cpus=1-0 cpus=abc; do
	if load "$p" 2>/dev/null; then
		fail "load: insmod $p refused"
		unload
	else
		check "load: insmod $p refused, nothing left" [ ! -e $CS ]
	fi
done

check "load: insmod busy_pct=40 cpus=0 autostart=1" load busy_pct=40 cpus=0 autostart=1
check "load: autostart runs" [ "$(cat $CS/running)" = 1 ]
check "load: autostart starts only CPU 0" [ "$(workers | awk '{ print $2 }')" = 0 ]
check "load: busy_pct parameter applied" [ "$(cat $CS/busy_pct)" = 40 ]
unload
