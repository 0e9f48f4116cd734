# SPDX-License-Identifier: GPL-2.0
# Soak and races: random operations on every interface at once, for
# cpustress.soak=SECONDS (kernel command line; 20 s in make check, 60 s in
# make check-debug, 600 s by hand). Six loops run concurrently:
#   control   start, stop, set busy/period/interval/cpus (CLI and sysfs),
#             owned runs, some killed mid-run
#   hotplug   CPU 1 offline and back
#   stats     GET_STATS dumps (status), RESET_STATS, /proc and sysfs reads
#   listener  `top` listeners joining and leaving, some killed
#   module    rmmod under all of it, insmod again
# Everything may fail while the module is away; what must hold is the
# end: no kernel report (run-guest checks the whole log, this test the
# soak's part), and a module that loads, runs every CPU and unloads clean.

CLI=/bin/cpustress
NLRAW=/bin/cs-nlraw
SOAK=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^cpustress.soak=//p')
SOAK=${SOAK:-20}
CPU1=/sys/devices/system/cpu/cpu1/online

rnd() { echo $((RANDOM % $1)); }

op_control() {
	case $(rnd 10) in
	0) $CLI start ;;
	1) $CLI stop ;;
	2) $CLI set --busy $((1 + $(rnd 100))) ;;
	3) $CLI set --period $((10 + $(rnd 300))) --interval $((10 + $(rnd 1000))) ;;
	4) $CLI set --cpus "$(echo 0 1 0-1 all | tr ' ' '\n' | sed -n "$((1 + $(rnd 4)))p")" ;;
	5) echo $(rnd 2) > $CS/running ;;
	6) echo $((1 + $(rnd 100))) > $CS/busy_pct ;;
	7) timeout 5 $CLI start --owned --for 1 ;;
	8) timeout -s KILL 1 $CLI start --owned --for 3 ;;
	9) echo 1 > $CS/cpus ;;
	esac > /dev/null 2>&1
}

op_hotplug() {
	[ -w $CPU1 ] || { sleep 1; return; }
	echo 0 > $CPU1
	sleep 0.$(rnd 10)
	echo 1 > $CPU1
	sleep 0.$(rnd 10)
}

op_stats() {
	case $(rnd 4) in
	0) $CLI status --json ;;
	1) cat /proc/cpustress ;;
	2) cat $CS/* $CS/cpu*/* ;;
	3) $NLRAW reset-stats ;;
	esac > /dev/null 2>&1
}

op_listener() {
	if [ "$(rnd 2)" = 0 ]; then
		timeout 3 $CLI top --json --count $((1 + $(rnd 2)))
	else
		timeout -s KILL 0.$((1 + $(rnd 9))) $CLI top --json
	fi > /dev/null 2>&1
}

op_module() {
	sleep $((1 + $(rnd 4)))
	rmmod cpustress 2> /dev/null
	sleep 0.$(rnd 5)
	load 2> /dev/null
}

# soak_loop NAME [TAG]: run op_NAME until the deadline, count the calls
# in /tmp/soak.NAME[TAG].
soak_loop() {
	n=0
	while [ "$(now_ms)" -lt "$deadline" ]; do
		"op_$1"
		n=$((n + 1))
	done
	echo "$n" > "/tmp/soak.$1${2:-}"
}

kinds="control hotplug stats listener module"
rm -f /tmp/soak.*
load
up0=$(uptime_s)
deadline=$(($(now_ms) + SOAK * 1000))
for k in $kinds; do
	soak_loop "$k" &
done
# A second control loop: two writers race on the same settings.
soak_loop control 2 &
wait

total=0
summary=
for k in $kinds control2; do
	c=$(cat "/tmp/soak.$k" 2> /dev/null || echo 0)
	total=$((total + c))
	summary="$summary $k $c"
done
echo "# soak: ${SOAK} s, $total operations:$summary"
check "soak: every loop ran ($summary)" \
	sh -c "[ \$(cat /tmp/soak.* | grep -c '^[1-9]') = 6 ]"

# The end state: CPU 1 back, the module working and clean to unload.
[ -w $CPU1 ] && echo 1 > $CPU1 2> /dev/null
check "soak: CPU 1 online again" [ "$(ncpus_online)" = 2 ]
grep -q '^cpustress ' /proc/modules || load
$CLI set --cpus all --busy 100 > /dev/null 2>&1
echo 1 > $CS/running
check "soak: afterwards a run loads every online CPU" \
	wait_for '[ "$(nworkers)" = "$(ncpus_online)" ]' 100
check "soak: afterwards ops_per_sec > 0" \
	wait_for '[ "$(cat $CS/ops_per_sec)" -gt 0 ]' 100
echo 0 > $CS/running
check "soak: no listener or client left holding the module" \
	wait_for '[ "$(awk "/^cpustress / { print \$3 }" /proc/modules)" = 0 ]' 50
gone() { [ "$(nworkers)" = 0 ] && ! grep -q '^cpustress ' /proc/modules; }
rmmod cpustress
check "soak: rmmod clean, no thread or module left" gone
n=$(reports_since "$up0")
check "soak: no kernel report during the soak ($n)" [ "$n" = 0 ]
