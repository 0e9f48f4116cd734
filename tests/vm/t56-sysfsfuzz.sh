# SPDX-License-Identifier: GPL-2.0
# sysfs fuzzing (tests/vm/src/sysfsfuzz.c): random writes to every writable
# file under /sys/kernel/cpustress/ (and a few to the read-only ones) while
# a run is live. A refused write leaves the value as it was; an accepted
# one reads back as written (normalised); the run stays live with a worker
# on exactly the selected CPUs; rmmod afterwards is clean.
#
# CI: 10000 writes or 60 s, whichever comes first. A long manual run
# (kernel command line; fuzz_seed repeats a sequence):
#   flock /tmp/cpustress-vm.lock tools/vm/run --timeout 5000 --append \
#     "watchdog_thresh=1 cpustress.only=56 cpustress.fuzz_writes=500000 \
#      cpustress.fuzz_secs=3600" build/vm/initramfs.cpio.gz

SYSFSFUZZ=/bin/cs-sysfsfuzz

writes=$(cmdline_arg fuzz_writes)
secs=$(cmdline_arg fuzz_secs)
seed=$(cmdline_arg fuzz_seed)
up0=$(uptime_s)

# The number of CPUs in a cpulist such as 0-2,5.
cpulist_count() {
	echo "$1" | tr ',' '\n' | awk -F- '{ n += NF == 2 ? $2 - $1 + 1 : 1 } END { print n }'
}

load interval_ms=200
echo 1 > $CS/running
$SYSFSFUZZ -n "${writes:-10000}" -t "${secs:-60}" ${seed:+-s "$seed"} > /tmp/sysfsfuzz.out 2>&1
rc=$?
relay_output /tmp/sysfsfuzz.out
res=$(grep '^sysfsfuzz: writes' /tmp/sysfsfuzz.out)
echo "# $res"
set -- $res
n=${3:-0} acc=${5:-0} ref=${7:-0} failures=${9:-?} secs=${11:-?}
check "sysfsfuzz: fuzzer ended without failure (exit $rc, $failures failures)" \
	[ "$rc" = 0 -a "$failures" = 0 ]
check "sysfsfuzz: writes both accepted ($acc) and refused ($ref)" \
	[ "$acc" -gt 0 -a "$ref" -gt 0 ]
cpus=$(cat $CS/cpus)
check "sysfsfuzz: still running, a worker on each of CPUs $cpus" \
	[ "$(cat $CS/running)" = 1 -a "$(nworkers)" = "$(cpulist_count "$cpus")" ]
stop_and_unload sysfsfuzz
reports=$(reports_since "$up0")
check "sysfsfuzz: $n writes in $secs s ($acc accepted, $ref refused), $reports kernel reports" \
	[ "$n" -gt 0 -a "$reports" = 0 ]
