# SPDX-License-Identifier: GPL-2.0
# 60 s at 100 % on every CPU under the soft-lockup watchdog the command
# line asks for (make check: watchdog_thresh=1, the strictest; the debug
# kernel keeps the default 10, see tests/run): no lockup, stall or hung task.

SOAK=${CPUSTRESS_SOAK:-60}
THRESH=$(tr ' ' '\n' < /proc/cmdline | sed -n 's/^watchdog_thresh=//p')

check "soak: watchdog_thresh is ${THRESH:-10}" \
	[ "$(cat /proc/sys/kernel/watchdog_thresh)" = "${THRESH:-10}" ]
load
echo 1 > $CS/running
n0=$(dmesg | wc -l)
sleep "$SOAK"
check "soak: every CPU still working after ${SOAK} s" \
	[ "$(nworkers)" = "$(ncpus_online)" ]
check "soak: ops_per_sec > 0 after ${SOAK} s" [ "$(cat $CS/ops_per_sec)" -gt 0 ]
new=$(dmesg | tail -n +$((n0 + 1)) | grep -Ei 'lockup|stall|hung task|blocked for more than|rcu' || true)
check "soak: no lockup, stall or hung-task report ($new)" [ -z "$new" ]
echo 0 > $CS/running
unload
