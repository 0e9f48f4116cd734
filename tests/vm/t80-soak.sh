# SPDX-License-Identifier: GPL-2.0
# 60 s at 100 % on every CPU under the strictest soft-lockup watchdog
# (watchdog_thresh=1 on the command line): no lockup, stall or hung task.

SOAK=${CPUSTRESS_SOAK:-60}

check "soak: watchdog_thresh is 1" [ "$(cat /proc/sys/kernel/watchdog_thresh)" = 1 ]
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
