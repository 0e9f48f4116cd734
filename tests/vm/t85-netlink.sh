# SPDX-License-Identifier: GPL-2.0
# Generic netlink, sent raw (tests/vm/src/nlraw.c, no libnl): malformed
# requests refused with a reason and no effect; permissions; owned runs;
# time limits; one state shared with sysfs.

NLRAW=/bin/cs-nlraw

load interval_ms=500
$NLRAW malformed > /tmp/nlraw.out 2>&1
while IFS= read -r l; do
	case $l in
	PASS\ *) echo "$l" ;;
	FAIL\ *) fail "${l#FAIL }" ;;
	*) echo "# $l" ;;
	esac
done < /tmp/nlraw.out
check "netlink: malformed cases ran" [ "$(grep -c '^PASS' /tmp/nlraw.out)" -ge 30 ]

# sysfs and netlink are two views of one state.
check "netlink: SET busy_pct 42 accepted" $NLRAW set-busy 42
check "netlink: sysfs shows busy_pct 42" [ "$(cat $CS/busy_pct)" = 42 ]

# Changes need CAP_NET_ADMIN; reading does not.
out=$(su -s /bin/sh nobody -c "$NLRAW set-busy 50" 2>&1)
check "netlink: SET as nobody refused ($out)" [ "$out" = "Operation not permitted" ]
out=$(su -s /bin/sh nobody -c "$NLRAW start" 2>&1)
check "netlink: START as nobody refused ($out)" [ "$out" = "Operation not permitted" ]
check "netlink: nothing changed for nobody" \
	[ "$(cat $CS/busy_pct)" = 42 -a "$(cat $CS/running)" = 0 ]

# An owned run stops when its socket closes: SIGKILL of the owner.
$NLRAW owned-hold > /tmp/owned.out 2>&1 &
owner=$!
check "netlink: owned START runs" wait_for '[ "$(cat $CS/running)" = 1 ]' 30
out=$($NLRAW start 2>&1)
check "netlink: START while running refused ($out)" \
	sh -c "echo '$out' | grep -q 'Device or resource busy: already running'"
sleep 1
kill -9 $owner
wait $owner 2>/dev/null
check "netlink: killed owner's run stops within one interval" \
	wait_for '[ "$(cat $CS/running)" = 0 ]' 5
check "netlink: no worker left after the owner died" [ "$(nworkers)" = 0 ]

# A time limit stops the run by itself.
check "netlink: SET time_limit_ms 2000" $NLRAW set-limit 2000
t0=$(now_ms)
echo 1 > $CS/running
wait_for '[ "$(cat $CS/running)" = 0 ]' 40
t1=$(now_ms)
timed_check "netlink: run with a 2 s limit stopped after $((t1 - t0)) ms" \
	[ $((t1 - t0)) -ge 1900 -a $((t1 - t0)) -le 2600 ]
$NLRAW set-limit 0 > /dev/null
echo 1 > $CS/running
sleep 2.5
check "netlink: limit 0 means no limit" [ "$(cat $CS/running)" = 1 ]
echo 0 > $CS/running

# An owned run borrows the settings: its START's time limit and busy, and
# a SET during the run, end with it; a killed owner gives them back too.
limit() { /bin/cpustress status --json | sed -n 's/.*"time_limit_ms": *\([0-9]*\).*/\1/p'; }
echo 35 > $CS/busy_pct
# 6 s: the reads and the SET below must fall inside the run. Where timing
# is not checked (the debug kernel, where one status takes a second or
# more; many vCPUs on few host cores) 20 s.
own=6
[ "$(cmdline_arg timing)" = off ] && own=20
/bin/cpustress start --owned --busy 70 --for $own > /dev/null 2>&1 &
owner=$!
check "netlink: owned START with a $own s limit runs" wait_for '[ "$(cat $CS/running)" = 1 ]' 30
check "netlink: the owned run has its busy 70 and limit ${own}000 ($(cat $CS/busy_pct), $(limit))" \
	[ "$(cat $CS/busy_pct)/$(limit)" = "70/${own}000" ]
$NLRAW set-busy 55 > /dev/null
wait $owner
check "netlink: the owned run stopped at its limit" [ "$(cat $CS/running)" = 0 ]
check "netlink: its end gave back busy 35 and no limit ($(cat $CS/busy_pct), $(limit))" \
	[ "$(cat $CS/busy_pct)/$(limit)" = 35/0 ]
echo 1 > $CS/running
sleep $own.5
check "netlink: the next plain run does not stop at the owned run's limit" \
	[ "$(cat $CS/running)" = 1 ]
echo 0 > $CS/running
/bin/cpustress start --owned --busy 80 > /dev/null 2>&1 &
owner=$!
wait_for '[ "$(cat $CS/running)" = 1 ]' 30
kill -9 $owner
wait $owner 2>/dev/null
# A GET right after the owner was reaped already sees the run stopped.
check "netlink: a killed owner's run is stopped at the next GET" \
	sh -c "/bin/cpustress status --json | grep -q '\"running\": *false'"
check "netlink: ... and its settings given back (busy $(cat $CS/busy_pct))" \
	sh -c "[ \$(cat $CS/running) = 0 ] && [ \$(cat $CS/busy_pct) = 35 ]"
/bin/cpustress start --busy 45 > /dev/null
/bin/cpustress stop > /dev/null
check "netlink: a plain START's settings stay after its run ($(cat $CS/busy_pct))" \
	[ "$(cat $CS/busy_pct)" = 45 ]
unload
