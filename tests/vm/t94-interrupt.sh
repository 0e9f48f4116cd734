# SPDX-License-Identifier: GPL-2.0
# Nothing lost: a sweep stopped at any point (SIGKILL of the CLI in its
# first level, in the middle, near the end; SIGTERM of serve under a POST
# /v1/loadtest; rmmod of the module) leaves the module stopped with the
# operator's settings and no time limit, exactly the finished levels in a
# valid result file, and the next sweep working. A full disk or an
# unwritable output is refused before anything starts, leaving nothing.

CLI=/bin/cpustress
PORT=8094
KEY=t94-interrupt-key

# What the operator set before each sweep, and must find after it.
OPERATOR="40 200 0"
set_operator() {
	echo 40 > $CS/busy_pct
	echo 200 > $CS/period_ms
	echo 0 > $CS/cpus
}
status_num() { $CLI status --json | sed -n "s/.*\"$1\": *\([0-9]*\).*/\1/p" | head -1; }
# "busy period cpus" and the time limit, as the module has them now.
settings() { echo "$(cat $CS/busy_pct) $(cat $CS/period_ms) $(cat $CS/cpus)"; }

# In a result file: measurements OK, rows, and pcd results (levels done).
# (measurement rows only: 8 spaces in; the reference windows' own status
# is deeper)
nok() { cat "$1" 2>/dev/null | grep -c '^        "status": "ok",$'; }
nrows() { cat "$1" 2>/dev/null | grep -c '"run_idx"'; }
nresults() { cat "$1" 2>/dev/null | grep -c '"busyPct"'; }
fstatus() { sed -n 's/^    "status": "\([a-z]*\)",$/\1/p' "$1"; }

# after NAME: the module is stopped, the operator's settings are back and
# no time limit is left.
after() {
	check "$1: module stopped" wait_for "[ \$(cat $CS/running) = 0 ]" 50
	check "$1: operator's settings given back ($(settings))" \
		[ "$(settings)" = "$OPERATOR" ]
	check "$1: no time limit left ($(status_num time_limit_ms))" \
		[ "$(status_num time_limit_ms)" = 0 ]
}

# file NAME FILE STATUS EXTRA: FILE is valid for compare, says STATUS,
# and holds exactly its finished levels: one pcd result per OK row, plus
# at most EXTRA rows (the measurement under way, when the sweep saw its
# end during one rather than between two).
file() {
	f=$2
	check "$1: $f is valid for compare" sh -c "$CLI compare $f > /dev/null 2>&1"
	check "$1: $f says $3 ($(fstatus "$f"))" [ "$(fstatus "$f")" = "$3" ]
	check "$1: $f holds exactly the finished levels ($(nok "$f") ok, $(nresults "$f") results, $(nrows "$f") rows)" \
		[ "$(nresults "$f")" = "$(nok "$f")" -a "$(nrows "$f")" -ge "$(nok "$f")" -a \
		  "$(nrows "$f")" -le $(($(nok "$f") + $4)) ]
	check "$1: no temporary file beside $f" \
		[ -z "$(ls -A "$(dirname "$f")" | grep "^\.$(basename "$f")\.")" ]
}

# next NAME: the next sweep runs and completes.
next() {
	$CLI sweep --busy 50 --duration 1 --warmup 0 -o /tmp/next.json > /dev/null 2>/tmp/next.err
	rc=$?
	check "$1: the next sweep works ($rc, $(head -c 200 /tmp/next.err))" \
		[ "$rc" = 0 -a "$(fstatus /tmp/next.json)" = complete ]
	set_operator
}

# killed NAME OKS LEVELS: SIGKILL a sweep of LEVELS once OKS measurements
# are saved (0: once its run is on).
killed() {
	rm -f /tmp/k.json
	# One run, so that each finished level is one pcd result; the design's
	# reference windows still come between the levels.
	$CLI sweep --busy "$3" --runs 1 --duration 1 --warmup 0 -o /tmp/k.json > /dev/null 2>&1 &
	pid=$!
	if [ "$2" = 0 ]; then
		wait_for "[ \$(cat $CS/running) = 1 ]" 100
	else
		wait_for "[ \$(nok /tmp/k.json) -ge $2 ]" 200
	fi
	kill -KILL $pid
	wait $pid 2>/dev/null
	# Once the CLI is reaped, a GET already sees its run stopped.
	check "$1: the next GET sees the run stopped" \
		sh -c "$CLI status --json | grep -q '\"running\": *false'"
	after "$1"
	file "$1" /tmp/k.json running 0
	check "$1: at least $2 levels kept ($(nok /tmp/k.json))" [ "$(nok /tmp/k.json)" -ge "$2" ]
	next "$1"
}

load
set_operator
check "interrupt: module idle, operator's settings in place" \
	[ "$(cat $CS/running)" = 0 -a "$(settings)" = "$OPERATOR" ]

t0=$(now_ms)
killed "SIGKILL in the first level" 0 20,40,60
killed "SIGKILL mid-sweep" 2 20,40,60,80,100
killed "SIGKILL near the end" 3 25,50,75,100

# SIGTERM of serve while a POST /v1/loadtest sweep runs: the waiting
# client gets 500 with what was measured, the stored result says
# interrupted, serve exits 0.
mkdir -p /tmp/st
(umask 077 && echo "$KEY" > /tmp/keys)
$CLI serve --engine kernel --listen 127.0.0.1:$PORT --state-dir /tmp/st \
	--apikey-file /tmp/keys > /tmp/serve.log 2>&1 &
spid=$!
check "serve: listening" \
	wait_for "wget -q -O /dev/null http://127.0.0.1:$PORT/v1/ping 2>/dev/null" 100
body='{"busy": [20, 40, 60, 80, 100], "runs": 1, "duration": 1, "warmup": 0}'
printf 'POST /v1/loadtest HTTP/1.0\r\napikey: %s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
	"$KEY" "${#body}" "$body" | nc 127.0.0.1 $PORT > /tmp/post.out 2>&1 &
npid=$!
wait_for "[ \$(cat /tmp/st/loadtests/*.json 2>/dev/null | grep -c '^        \"status\": \"ok\",\$') -ge 2 ]" 200
kill -TERM $spid
wait $spid
rc=$?
check "serve: SIGTERM exits 0 ($rc; $(tail -3 /tmp/serve.log | tr '\n' ' '))" [ "$rc" = 0 ]
wait_for "grep -q interrupted /tmp/post.out" 50
kill $npid 2>/dev/null
wait $npid 2>/dev/null
check "serve: the waiting client got 500 ($(head -1 /tmp/post.out))" \
	sh -c "head -1 /tmp/post.out | grep -q '^HTTP/1.[01] 500'"
check "serve: its answer says interrupted" \
	grep -q '"status": *"interrupted"' /tmp/post.out
after "serve"
res=$(ls /tmp/st/loadtests/*.json | head -1)
file "serve" "$res" interrupted 1
check "serve: at least 2 levels kept ($(nok "$res"))" [ "$(nok "$res")" -ge 2 ]
next "serve"

# rmmod under a running sweep: a clear error, the finished levels kept.
$CLI sweep --busy 20,40,60,80,100 --runs 1 --duration 1 --warmup 0 -o /tmp/rm.json > /dev/null 2>/tmp/rm.err &
pid=$!
wait_for "[ \$(nok /tmp/rm.json) -ge 2 ]" 200
rmmod cpustress
rm_rc=$?
wait $pid
rc=$?
check "rmmod: rmmod under a sweep succeeds ($rm_rc)" [ "$rm_rc" = 0 -a ! -d $CS ]
check "rmmod: the sweep exits 1 ($rc)" [ "$rc" = 1 ]
check "rmmod: the error says the module was unloaded and where the results are ($(head -c 300 /tmp/rm.err))" \
	sh -c "grep -q 'module unloaded' /tmp/rm.err && grep -q 'measured is in /tmp/rm.json' /tmp/rm.err"
file "rmmod" /tmp/rm.json failed 1
check "rmmod: at least 2 levels kept ($(nok /tmp/rm.json))" [ "$(nok /tmp/rm.json)" -ge 2 ]
load
set_operator
next "rmmod"

# refused NAME FILE WHY: a sweep to FILE is refused before its start,
# naming FILE and WHY, and leaves nothing in FILE's directory but $keep.
refused() {
	run=$(status_num run_id)
	$CLI sweep --duration 1 --warmup 0 -o "$2" > /dev/null 2>/tmp/ref.err
	rc=$?
	check "$1: refused, exit 1 ($rc: $(head -c 300 /tmp/ref.err))" \
		sh -c "[ $rc = 1 ] && grep -q '$2' /tmp/ref.err && grep -q '$3' /tmp/ref.err"
	check "$1: nothing started (run $run, now $(status_num run_id))" \
		[ "$(status_num run_id)" = "$run" -a "$(cat $CS/running)" = 0 ]
	check "$1: settings untouched" [ "$(settings)" = "$OPERATOR" ]
	check "$1: nothing left behind ($(ls -A "$(dirname "$2")" | tr '\n' ' '))" \
		[ "$(ls -A "$(dirname "$2")")" = "$keep" ]
}

# A full disk, and one with room for the first save but not for all the
# results: both found before the start.
mkdir -p /tmp/full
mount -t tmpfs -o size=64k tmpfs /tmp/full
dd if=/dev/zero of=/tmp/full/fill bs=4k 2>/dev/null
keep=fill
refused "full disk" /tmp/full/r.json "No space left on device"
rm /tmp/full/fill
dd if=/dev/zero of=/tmp/full/fill bs=4k count=12 2>/dev/null
refused "almost full disk" /tmp/full/r.json "No space left on device"
umount /tmp/full

# Unwritable: a read-only mount, and a directory the user cannot write.
mkdir -p /tmp/ro
mount -t tmpfs -o ro,size=64k tmpfs /tmp/ro
keep=
refused "read-only mount" /tmp/ro/r.json "Read-only file system"
umount /tmp/ro
mkdir -p /tmp/rootonly
chmod 755 /tmp/rootonly
run=$(status_num run_id)
su -s /bin/sh nobody -c "$CLI sweep --duration 1 --warmup 0 -o /tmp/rootonly/r.json" > /dev/null 2>/tmp/ref.err
rc=$?
check "unwritable dir: refused for nobody, exit 1 ($rc: $(head -c 300 /tmp/ref.err))" \
	sh -c "[ $rc = 1 ] && grep -q /tmp/rootonly/r.json /tmp/ref.err && grep -q 'Permission denied' /tmp/ref.err"
check "unwritable dir: nothing started, nothing left" \
	[ "$(status_num run_id)" = "$run" -a "$(cat $CS/running)" = 0 -a -z "$(ls -A /tmp/rootonly)" ]
next "after the refusals"
t1=$(now_ms)
echo "# interrupt: $(((t1 - t0) / 1000)) s for the cases"
unload
