#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The shared user engine: one run per host that every --engine user
# command sees, as every command sees the module's. Each command below is
# a process of its own; the engine process (cpustress engine-daemon) is
# the test's own (CPUSTRESS_USER_SOCK under the test's directory).
#   - with no engine process, status and top create none and no load;
#   - start returns at once, and status, top, set, stop from other
#     processes see and change that one run; two tops at once both get
#     their samples; a second start and a sweep are refused while it runs;
#   - an owned run stops when its owner dies by SIGKILL; a time limit ends
#     a run with no client;
#   - another user may read but not change (permission denied, nothing
#     changed), unless in the socket's group;
#   - a malformed or oversized message, or one client too many, gets an
#     error and the engine process goes on answering; a second engine
#     process on the same socket is refused;
#   - SIGTERM ends the engine process, its run and its socket.
# Needs root (setpriv to another user).
#   tests/host/user-engine.sh [CPUSTRESS]   (default userspace/cpustress)
set -uo pipefail

cli=$(realpath "${1:-userspace/cpustress}")
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-ue.XXXXXX")
trap 'stop_user_engines "$tmp"; rm -rf "$tmp"' EXIT

T=user-engine
. "$(dirname "$0")/lib.sh"
need_exec "$cli" "make cli"
need_tools jq python3 setpriv

# Reachable by another user for the permission checks: the socket's
# directory (made by the engine process) stays private to its owner.
chmod 755 "$tmp"
mkdir -m 755 "$tmp/ue"
private_user_engine "$tmp/ue"
sock=$CPUSTRESS_USER_SOCK
ue() { "$cli" "$@" --engine user; }
st() { ue status --json | jq -r "$1"; }
daemon_pid() { cat "$sock.pid" 2>/dev/null; }
# until SECONDS CMD...: poll CMD every 0.1 s until it succeeds.
until_ok() {
	local n=$(($1 * 10))
	shift
	while ((n-- > 0)); do
		"$@" && return 0
		sleep 0.1
	done
	return 1
}

# stopped_within SECONDS: the run stops within SECONDS; else $why says how
# it stands.
is_running() { test "$(st .running)" = "$1"; }
stopped_within() {
	until_ok "$1" is_running false && return 0
	why=$(ue status 2>&1 | head -4 | tr '\n' ';')
	return 1
}

# --- no engine process: reading changes nothing ---------------------------

capture ue status
check "status with no engine process: exit 0, stopped ($rc)" \
	test "$rc" = 0 -a "$(grep -c '^cpustress: stopped' "$tmp/out")" = 1
capture timeout 10 "$cli" top --engine user --count 1
check "top with no engine process: exit 1 naming 'start --engine user' ($rc)" \
	test "$rc" = 1 -a "$(grep -c 'start --engine user' "$tmp/err")" = 1
capture ue stop
check "stop with no engine process: exit 0, nothing to stop ($rc)" test "$rc" = 0
check "status, top and stop started no engine process" test ! -e "$sock"

# --- one run that every process sees --------------------------------------

t0=$(date +%s%N)
capture ue start --busy 20 --for 60
t1=$(date +%s%N)
check "start --busy 20 --for 60: exit 0 at once, $(((t1 - t0) / 1000000)) ms ($rc: $err)" \
	test "$rc" = 0 -a $(((t1 - t0) / 1000000)) -lt 5000
pid=$(daemon_pid)
check "an engine process runs (pid ${pid:-none})" kill -0 "${pid:-0}"
dmode=$(stat -c %a "$sock" 2>/dev/null)
check "its socket is there, mode ${dmode:-none} (anyone may connect to read)" \
	test "$dmode" = 666
check "status from another process: running, busy 20, time limit 60000 ms" \
	test "$(st '[.running, .busy_pct, .time_limit_ms] | @tsv')" = "$(printf 'true\t20\t60000')"
capture ue status
check "status names no owner for an unowned run" \
	test "$(grep -c '^owned by' "$tmp/out")" = 0

capture timeout 20 "$cli" top --engine user --count 2 --json
n=$(wc -l <"$tmp/out")
ops=$(tail -n 1 "$tmp/out" | jq -r '.ops_per_sec' 2>/dev/null)
check "top --count 2 from another process: 2 samples, the last ${ops:-?} ops/s > 0 ($rc)" \
	test "$rc" = 0 -a "$n" = 2 -a "${ops:-0}" -gt 0 2>/dev/null

timeout 20 "$cli" top --engine user --count 3 --json >"$tmp/top1" 2>&1 &
p1=$!
timeout 20 "$cli" top --engine user --count 3 --json >"$tmp/top2" 2>&1 &
p2=$!
wait "$p1"
r1=$?
wait "$p2"
r2=$?
s1=$(jq -r '.seq' "$tmp/top1" 2>/dev/null | tr '\n' ' ')
s2=$(jq -r '.seq' "$tmp/top2" 2>/dev/null | tr '\n' ' ')
check "two tops at once each get 3 samples (seq $s1/ $s2; rc $r1 $r2)" \
	test "$r1" = 0 -a "$r2" = 0 -a "$(wc -l <"$tmp/top1")" = 3 -a "$(wc -l <"$tmp/top2")" = 3
consecutive() { local a=($1) i; for ((i = 1; i < ${#a[@]}; i++)); do ((a[i] == a[i - 1] + 1)) || return 1; done; }
check "each top's samples are consecutive, none lost ($s1/ $s2)" eval 'consecutive "$s1" && consecutive "$s2"'

capture ue start --busy 30
check "a second start while it runs: exit 1, 'already running' ($rc)" \
	test "$rc" = 1 -a "$(grep -c 'already running' "$tmp/err")" = 1
capture ue sweep --busy 50 --duration 1 --warmup 0
check "a sweep while it runs: refused, naming 'cpustress stop --engine user' ($rc)" \
	test "$rc" != 0 -a "$(grep -c "cpustress stop --engine user" "$tmp/err")" = 1
check "the run is unchanged: busy 20" test "$(st .busy_pct)" = 20

capture ue set --busy 40
check "set --busy 40 from another process: exit 0 ($rc: $err)" test "$rc" = 0
check "status then says busy 40, still running" \
	test "$(st '[.running, .busy_pct] | @tsv')" = "$(printf 'true\t40')"
capture ue stop
check "stop from another process: exit 0 ($rc: $err)" test "$rc" = 0
check "status then says stopped" test "$(st .running)" = false
check "the engine process stays for the next command" kill -0 "$pid"

# --- another user: reads, may not change ------------------------------------

nobody() {
	setpriv --reuid nobody --regid nogroup --clear-groups \
		env CPUSTRESS_USER_SOCK="$sock" "$cli" "$@" --engine user
}
ue start --busy 25 --for 60 >/dev/null 2>&1
capture nobody status --json
check "status as nobody works: busy $(jq -r .busy_pct <<<"$out" 2>/dev/null) ($rc: $err)" \
	test "$rc" = 0 -a "$(jq -r .busy_pct <<<"$out" 2>/dev/null)" = 25
for cmd in "set --busy 90" "stop" "start --busy 90"; do
	# shellcheck disable=SC2086
	capture nobody $cmd
	check "'$cmd' as nobody: refused, 'permission denied' ($rc)" \
		test "$rc" != 0 -a "$(grep -c 'permission denied' "$tmp/err")" = 1
done
check "nothing changed: still running at busy 25" \
	test "$(st '[.running, .busy_pct] | @tsv')" = "$(printf 'true\t25')"
ue stop >/dev/null 2>&1

# --- an owned run dies with its owner; a time limit ends a run ----------

before=$(st .busy_pct)
"$cli" start --owned --busy 30 --engine user >/dev/null 2>"$tmp/owned.err" &
owner=$!
until_ok 10 is_running true
capture ue status
check "an owned run names its owner: 'owned by process $owner'" \
	test "$(grep -c "^owned by process $owner:" "$tmp/out")" = 1
kill -KILL "$owner"
wait "$owner" 2>/dev/null
check "SIGKILL of the owner stops its run within 3 s" \
	stopped_within 3
check "the busy level it found is back: busy $before ($(st .busy_pct))" \
	test "$(st .busy_pct)" = "$before"

ue start --busy 10 --for 1 >/dev/null 2>&1
check "start --for 1: running" test "$(st .running)" = true
check "its time limit ends it with no client, within 4 s" \
	stopped_within 4

# --- bad messages, too many clients, a second engine process ---------------

raw() {
	python3 - "$sock" "$@" <<'EOF'
import socket, struct, sys, time
path, what = sys.argv[1], sys.argv[2]
def conn():
    s = socket.socket(socket.AF_UNIX, socket.SOCK_SEQPACKET)
    s.settimeout(5)
    s.connect(path)
    return s
def reply(s):
    m = s.recv(65536)
    magic, op, ret = struct.unpack_from("<IIi", m)
    err = m[16:16 + 256].split(b"\0")[0].decode(errors="replace")
    return ret, err
if what == "short":
    s = conn(); s.send(b"x" * 10)
elif what == "big":
    s = conn(); s.send(b"\0" * 60000)
elif what == "many":
    keep = [conn() for _ in range(int(sys.argv[3]))]
    time.sleep(0.5)
    s = conn()
ret, err = reply(s)
print(ret, err)
EOF
}
capture raw short
check "a 10-byte message: an error naming its size ($out)" \
	test "${out%% *}" -lt 0 -a "$(grep -c 'bad request: 10 bytes' <<<"$out")" = 1
capture raw big
check "a 60000-byte message: an error, 'bad request: more than' ($out)" \
	test "${out%% *}" -lt 0 -a "$(grep -c 'bad request: more than' <<<"$out")" = 1
check "the engine process still answers status" test "$(st .running)" = false
capture raw many 32
check "a 33rd client at once: refused, 'too many clients' ($out)" \
	test "${out%% *}" -lt 0 -a "$(grep -c 'too many clients' <<<"$out")" = 1
check "then the engine process answers status again" \
	stopped_within 3

capture timeout 10 "$cli" engine-daemon --socket "$sock"
check "a second engine process on the same socket: exit 1, 'already listens' ($rc)" \
	test "$rc" = 1 -a "$(grep -c 'already listens' "$tmp/err")" = 1
check "the first one still runs" kill -0 "$pid"

# --- the socket's group may change; SIGTERM ends it all -------------------

ue start --busy 15 --for 60 >/dev/null 2>&1
kill -TERM "$pid"
check "SIGTERM ends the engine process within 5 s" \
	until_ok 5 eval '! kill -0 '"$pid"' 2>/dev/null'
check "its socket and pid file are gone" test ! -e "$sock" -a ! -e "$sock.pid"
check "no worker of it is left" test -z "$(pgrep -f "engine-daemon.*$sock")"
capture ue status
check "status then: stopped, and starts no engine process" \
	test "$rc" = 0 -a "$(grep -c '^cpustress: stopped' "$tmp/out")" = 1 -a ! -e "$sock"

# Two starts at once with none running: one engine process, one run, the
# other start refused as for any run in progress.
"$cli" start --busy 10 --for 60 --engine user >/dev/null 2>"$tmp/s1.err" &
q1=$!
"$cli" start --busy 10 --for 60 --engine user >/dev/null 2>"$tmp/s2.err" &
q2=$!
wait "$q1"
r1=$?
wait "$q2"
r2=$?
check "two starts at once: one exits 0, the other 1 'already running' ($r1 $r2)" \
	test "$((r1 + r2))" = 1 -a "$(cat "$tmp/s1.err" "$tmp/s2.err" | grep -c 'already running')" = 1
check "one engine process for both ($(pgrep -fc "engine-daemon.*$sock"))" \
	test "$(pgrep -fc "engine-daemon.*$sock")" = 1
pid=$(daemon_pid)
kill -KILL "$pid"
until_ok 3 eval '! kill -0 '"$pid"' 2>/dev/null'
capture ue status
check "the engine process killed with SIGKILL: status says stopped ($rc)" \
	test "$rc" = 0 -a "$(grep -c '^cpustress: stopped' "$tmp/out")" = 1
capture ue start --busy 10 --for 60
check "a start after it replaces its stale socket: running ($rc: $err)" \
	test "$rc" = 0 -a "$(st .running)" = true
ue stop >/dev/null 2>&1
kill -TERM "$(daemon_pid)"
until_ok 5 test ! -e "$sock.pid"

gid=$(getent group users | cut -d: -f3)
"$cli" engine-daemon --socket "$sock" --group users --background 2>"$tmp/d.err"
check "engine-daemon --group users --background: the socket's group is $gid" \
	test "$(stat -c %g "$sock" 2>/dev/null)" = "$gid"
capture setpriv --reuid nobody --regid nogroup --groups "$gid" \
	env CPUSTRESS_USER_SOCK="$sock" "$cli" set --busy 35 --engine user
check "set as nobody in group users: allowed ($rc: $err)" test "$rc" = 0
check "status says busy 35" test "$(st .busy_pct)" = 35

"$cli" engine-daemon --socket "$tmp/idle/user.sock" --idle-exit 1 --background 2>/dev/null
ipid=$(cat "$tmp/idle/user.sock.pid" 2>/dev/null)
check "engine-daemon --idle-exit 1 with nothing to do ends within 4 s" \
	until_ok 4 eval '! kill -0 '"${ipid:-0}"' 2>/dev/null'
capture "$cli" engine-daemon --idle-exit x
check "engine-daemon --idle-exit x: exit 2 ($rc)" test "$rc" = 2
capture "$cli" engine-daemon --group no-such-group-here --socket "$tmp/g/user.sock"
check "engine-daemon --group no-such-group-here: exit 1, named ($rc)" \
	test "$rc" = 1 -a "$(grep -c "no group 'no-such-group-here'" "$tmp/err")" = 1
exit 0
