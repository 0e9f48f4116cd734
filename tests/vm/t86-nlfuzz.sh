# SPDX-License-Identifier: GPL-2.0
# Netlink fuzzing (tests/vm/src/nlfuzz.c): random and mutated messages for
# every command and attribute, from root and from two senders without
# CAP_NET_ADMIN at once, with a run live at the start (the fuzzer starts,
# stops and reconfigures runs itself). Afterwards the module must answer,
# its settings be in range and the same through sysfs and netlink, a valid
# start and stop work, and rmmod leave no thread.
#
# CI: 100000 messages or 60 s, whichever comes first. A long manual run
# (kernel command line; fuzz_seed repeats a sequence):
#   flock /tmp/cpustress-vm.lock tools/vm/run --timeout 5000 --append \
#     "watchdog_thresh=1 cpustress.only=86 cpustress.fuzz_msgs=2000000 \
#      cpustress.fuzz_secs=3600" build/vm/initramfs.cpio.gz

NLFUZZ=/bin/cs-nlfuzz
NLRAW=/bin/cs-nlraw

msgs=$(cmdline_arg fuzz_msgs)
secs=$(cmdline_arg fuzz_secs)
seed=$(cmdline_arg fuzz_seed)
up0=$(uptime_s)

load interval_ms=200
echo 1 > $CS/running
t0=$(now_ms)
$NLFUZZ -n "${msgs:-100000}" -t "${secs:-60}" ${seed:+-s "$seed"} > /tmp/nlfuzz.out 2>&1
rc=$?
t1=$(now_ms)
relay_output /tmp/nlfuzz.out
res=$(grep '^nlfuzz: sent' /tmp/nlfuzz.out)
echo "# $res"
set -- $res
sent=${3:-0} failures=${5:-?} checks=${7:-0} running=${9:-0}
check "nlfuzz: fuzzer ended without failure (exit $rc, $failures failures)" \
	[ "$rc" = 0 -a "$failures" = 0 ]
check "nlfuzz: the state was checked ($checks checks, $running with a run live)" \
	[ "$checks" -ge 2 -a "$running" -ge 1 ]

# The module still answers, in range, and sysfs agrees.
if $NLFUZZ get > /tmp/nlget.out; then
	pass "nlfuzz: GET answers after fuzzing"
else
	fail "nlfuzz: GET does not answer after fuzzing"
fi
nlget() { sed -n "s/^$1=//p" /tmp/nlget.out; }
inrange() { [ "$1" -ge "$2" ] 2>/dev/null && [ "$1" -le "$3" ]; }
check "nlfuzz: busy_pct in 1..100" inrange "$(nlget busy_pct)" 1 100
check "nlfuzz: period_ms in 10..10000" inrange "$(nlget period_ms)" 10 10000
check "nlfuzz: interval_ms in 10..60000" inrange "$(nlget interval_ms)" 10 60000
check "nlfuzz: time_limit_ms in 0..604800000" inrange "$(nlget time_limit_ms)" 0 604800000
# The fuzzer's socket may have owned the run: its closing stops the run
# from a work item, so wait for sysfs and netlink to settle.
same() {
	$NLFUZZ get > /tmp/nlget.out || return 1
	for k in running busy_pct period_ms interval_ms; do
		[ "$(cat $CS/$k)" = "$(nlget $k)" ] || return 1
	done
	want=$(nlget cpus)
	[ "$want" = all ] && want=$(online_cpus)
	[ "$(cat $CS/cpus)" = "$want" ]
}
wait_for same 30
agree=$?
check "nlfuzz: sysfs and netlink agree (running $(cat $CS/running), busy $(cat $CS/busy_pct), period $(cat $CS/period_ms), interval $(cat $CS/interval_ms), cpus $(cat $CS/cpus))" \
	[ "$agree" = 0 ]

# Writing interval_ms again and again does not hold the samples back.
echo 300 > $CS/interval_ms
seq0=$($NLFUZZ get | sed -n 's/^sample_seq=//p')
i=0
while [ $i -lt 30 ]; do
	echo 300 > $CS/interval_ms
	sleep 0.1
	i=$((i + 1))
done
seq1=$($NLFUZZ get | sed -n 's/^sample_seq=//p')
check "nlfuzz: $((seq1 - seq0)) samples of 300 ms during 3 s of interval_ms writes every 0.1 s" \
	[ $((seq1 - seq0)) -ge 4 ]

# A valid stop, start and change still work.
echo 0 > $CS/running
$NLRAW set-limit 0 > /dev/null
echo all > $CS/cpus
check "nlfuzz: stopped, no worker" [ "$(cat $CS/running)" = 0 -a "$(nworkers)" = 0 ]
echo 1 > $CS/running
check "nlfuzz: a start loads every online CPU" \
	wait_for '[ "$(nworkers)" = "$(ncpus_online)" ]' 50
check "nlfuzz: SET busy_pct 37 by netlink ($($NLRAW set-busy 37 2>&1))" \
	[ "$(cat $CS/busy_pct)" = 37 ]
stop_and_unload nlfuzz
reports=$(reports_since "$up0")
check "nlfuzz: $sent messages in $(((t1 - t0) / 1000)) s, $reports kernel reports" \
	[ "$sent" -gt 0 -a "$reports" = 0 ]
