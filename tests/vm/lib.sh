# SPDX-License-Identifier: GPL-2.0
# Helpers for the VM tests (busybox sh, inside the guest). Each test prints
# "PASS name" or "FAIL name: why" on its own line; the host counts them.

CS=/sys/kernel/cpustress
KO=/lib/modules/cpustress.ko

pass() { echo "PASS $*"; }
fail() { echo "FAIL $*"; echo "$*" >> /tmp/failed; }

# check NAME COMMAND...: pass if the command succeeds.
check() {
	name=$1
	shift
	if "$@"; then pass "$name"; else fail "$name: $*"; fi
}

load() { insmod "$KO" "$@"; }
unload() { rmmod cpustress 2>/dev/null; true; }

online_cpus() { cat /sys/devices/system/cpu/online; }
ncpus_online() { grep -c ^processor /proc/cpuinfo; }
# A CPU number this machine cannot have: one past the last possible CPU.
no_cpu() {
	nc_p=$(cat /sys/devices/system/cpu/possible)
	echo $((${nc_p##*-} + 1))
}
cpu_online_list() {
	for d in /sys/devices/system/cpu/cpu[0-9]*; do
		n=${d##*cpu}
		if [ "$n" = 0 ] || [ "$(cat "$d/online" 2>/dev/null)" = 1 ]; then
			echo "$n"
		fi
	done
}

# "PID CPU" for every cpustress worker thread.
workers() {
	for d in /proc/[0-9]*; do
		# read, not $(cat): no fork per process (a slow kernel has many)
		read -r c 2>/dev/null < "$d/comm" || continue
		case $c in
		cpustress/*) echo "${d#/proc/} ${c#cpustress/}" ;;
		esac
	done
}
nworkers() { workers | grep -c . ; }
worker_pid() { workers | awk -v c="$1" '$2 == c { print $1 }'; }

# Thread CPU time in ns (first field of schedstat).
cputime_ns() { awk '{ print $1 }' "/proc/$1/schedstat"; }
# Monotonic-ish wall clock in ms, 10 ms resolution.
now_ms() { awk '{ printf "%d\n", $1 * 1000 }' /proc/uptime; }

# Wait up to $2 tenths of a second for command $1 to succeed.
wait_for() {
	i=0
	while [ "$i" -lt "$2" ]; do
		if eval "$1"; then return 0; fi
		sleep 0.1
		i=$((i + 1))
	done
	return 1
}

# The kernel log lines that are reports: WARN/BUG/Oops, lockups, and the
# debug kernel's checkers (lockdep, KASAN, UBSAN, DEBUG_OBJECTS,
# might_sleep, DEBUG_PREEMPT print WARNING or BUG lines; UBSAN and ODEBUG
# also name themselves). The taint notices of an out-of-tree, unsigned
# module are not reports. Reads the log on stdin.
kernel_reports() {
	grep -E 'WARNING|BUG|Oops|Call Trace|stall|lockup|hung task|blocked for more than|self-check FAILED|UBSAN|ODEBUG|kmemleak: .*leak|possible (recursive|circular)|inconsistent lock'
}

# The value of cpustress.NAME=VALUE on the kernel command line, if given.
cmdline_arg() { tr ' ' '\n' < /proc/cmdline | sed -n "s/^cpustress\.$1=//p"; }

# Show the output of a test program, in file $1: its "# " lines, and its
# FAIL lines, which count as failures.
relay_output() {
	sed -n '/^FAIL /p; /^# /p' "$1"
	grep '^FAIL ' "$1" | sed 's/^FAIL //' >> /tmp/failed
}

# stop_and_unload NAME: stop the run, then rmmod; each must leave no
# worker thread, and rmmod no sysfs directory.
stop_and_unload() {
	echo 0 > $CS/running
	check "$1: a stop ends every worker" wait_for '[ "$(nworkers)" = 0 ]' 50
	rmmod cpustress
	check "$1: rmmod leaves no cpustress thread and no sysfs" \
		wait_for '[ "$(nworkers)" = 0 -a ! -e $CS ]' 50
}

# How many kernel reports (kernel_reports) the log has from uptime $1 (s)
# on, less a second for the two clocks' difference. By the records' time,
# not by line: a long test's messages may push the oldest lines out of the
# kernel's ring buffer.
reports_since() {
	dmesg | awk -v t="$1" '/^\[/ { s = substr($0, 2, index($0, "]") - 2) + 0 } s >= t - 1' |
		kernel_reports | grep -c .
}
uptime_s() { awk '{ print $1 }' /proc/uptime; }

# timed_check NAME COMMAND...: check for a measurement's accuracy (duty,
# rates). With cpustress.timing=off on the kernel command line (the debug
# kernel's run, tests/run --debug-kernel) the same code runs, but the
# checkers' overhead and a host that lets the vCPUs wait make the figures
# meaningless: the result is shown on a "# " line and not counted.
timed_check() {
	if [ "$(cmdline_arg timing)" = off ]; then
		tc_name=$1
		shift
		if "$@"; then tc_r=holds; else tc_r="does not hold"; fi
		echo "# timing not checked on this kernel: $tc_name: $tc_r"
	else
		check "$@"
	fi
}

# Float comparison through awk: fcmp "1.5 < 2".
fcmp() { awk "BEGIN { exit !($*) }"; }

cpu_units() { cat "$CS/cpu$1/units_total"; }
