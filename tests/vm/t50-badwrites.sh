# SPDX-License-Identifier: GPL-2.0
# Bad writes fail with an errno and change nothing, stopped or running.

# bad FILE VALUE: writing VALUE (plus newline) to FILE must fail with
# EINVAL or ERANGE and leave the file's value and the threads as they were.
bad() {
	before=$(cat "$CS/$1")
	threads=$(workers)
	if echo "$2" > "$CS/$1" 2>/tmp/err; then
		fail "badwrite: $1 <- '$2' accepted"
		return
	fi
	case $(cat /tmp/err) in
	*"Invalid argument"* | *"out of range"*) ;;
	*) fail "badwrite: $1 <- '$2' wrong error: $(cat /tmp/err)"; return ;;
	esac
	if [ "$(cat "$CS/$1")" != "$before" ] || [ "$(workers)" != "$threads" ]; then
		fail "badwrite: $1 <- '$2' changed something"
		return
	fi
	pass "badwrite: $1 <- '$2' refused ($(sed 's/.*: //' /tmp/err))"
}

nocpu=$(no_cpu)
all_bad() {
	for v in 0 101 -5 abc "" 99999999999999999999 50x " 50" 5.5; do
		bad busy_pct "$v"
	done
	# 1-1:1/4294967295: a group size that wraps in cpulist_parse().
	for v in $nocpu $((nocpu + 62)) 1-0 abc "" 0- -1 99999999999999999999 1-1:1/4294967295; do
		bad cpus "$v"
	done
	for v in 0 9 60001 -1 abc ""; do bad interval_ms "$v"; done
	for v in 0 9 10001 -1 abc ""; do bad period_ms "$v"; done
	for v in 2 -1 abc ""; do bad running "$v"; done
	# An offline CPU is refused.
	echo 0 > /sys/devices/system/cpu/cpu1/online
	bad cpus 1
	bad cpus 0-1
	echo 1 > /sys/devices/system/cpu/cpu1/online
}

load busy_pct=50
all_bad
echo 1 > $CS/running
all_bad
check "badwrite: still running after bad writes" [ "$(cat $CS/running)" = 1 ]

# Good writes take effect at once.
echo 70 > $CS/busy_pct
check "write: busy_pct 70" [ "$(cat $CS/busy_pct)" = 70 ]
echo 0 > $CS/cpus
check "write: cpus 0 reads back" [ "$(cat $CS/cpus)" = 0 ]
check "write: cpus 0 leaves one thread, on CPU 0" [ "$(workers | awk '{ print $2 }')" = 0 ]
echo all > $CS/cpus
check "write: cpus all reads back the online CPUs" [ "$(cat $CS/cpus)" = "$(online_cpus)" ]
check "write: cpus all restarts every thread" [ "$(nworkers)" = "$(ncpus_online)" ]
echo 250 > $CS/period_ms
echo 500 > $CS/interval_ms
check "write: period_ms 250" [ "$(cat $CS/period_ms)" = 250 ]
check "write: interval_ms 500" [ "$(cat $CS/interval_ms)" = 500 ]
echo 0 > $CS/running
unload
