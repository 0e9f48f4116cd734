# SPDX-License-Identifier: GPL-2.0
# cpustress sweep against the module: a full busy sweep, a CPU-count sweep,
# an interrupted one and a killed one, and the refusals that must leave
# the module as it was.

CLI=/bin/cpustress
n=$(ncpus_online)

# jnums KEY FILE: every number under KEY in a pretty-printed JSON file, in
# file order, one per line ("null" for a null).
jnums() { sed -n "s/^ *\"$1\": \([-0-9.e+]*\|null\),\{0,1\}$/\1/p" "$2"; }
# jtop KEY FILE: the number under a top-level KEY only (the pcd fields;
# the reference windows of the extension have a unitsPerSec of their own).
jtop() { sed -n "s/^  \"$1\": \([-0-9.e+]*\|null\),\{0,1\}$/\1/p" "$2"; }
# nok FILE: measurements with status ok in a result file (0 if none yet).
nok() { cat "$1" 2>/dev/null | grep -c '"status": "ok"'; }
# jstr KEY FILE: the first string under KEY.
jstr() { sed -n "s/^ *\"$1\": \"\([^\"]*\)\",\{0,1\}$/\1/p" "$2" | head -1; }
# paced FILE: for each (level, run) row of the file's runs[] array, the
# line "level ratio" into /tmp/paced.rows: units/s x p50 / (CPUs x
# achieved busy), all four from that row's own window (-1 for a row
# without them, and that -1 takes part in its level's median); on stdout
# one line per level "level median-ratio", the median over its runs.
# A level's workUnits is the median over runs and its p50 comes from all
# runs' histogram, so they are from different windows and not multiplied.
paced() {
	sed -n '/^ *"runs": \[$/,/^ *\],\{0,1\}$/p' "$1" > /tmp/runs.part
	for k in level cpus units_per_sec p50_us busy_achieved_pct; do
		jnums $k /tmp/runs.part > /tmp/runs.$k
	done
	paste /tmp/runs.level /tmp/runs.cpus /tmp/runs.units_per_sec \
		/tmp/runs.p50_us /tmp/runs.busy_achieved_pct | awk '{
		ok = $2 > 0 && $5 > 0 && $3 != "null" && $4 != "null"
		printf "%s %.3f\n", $1, (ok ? $3 * $4 / (1e4 * $2 * $5) : -1) }' \
		> /tmp/paced.rows
	sort -k1,1n -k2,2n /tmp/paced.rows | awk '
		function out() { if (m) printf "%s %.3f\n", l, (m % 2 ? v[(m + 1) / 2] : (v[m / 2] + v[m / 2 + 1]) / 2) }
		$1 != l { out(); l = $1; m = 0 }
		{ v[++m] = $2 }
		END { out() }'
}

load
check "sweep: module idle before the sweeps" [ "$(cat $CS/running)" = 0 ]

# A full busy sweep: 10 levels, 1 s warm-up and 2 s measured each. The
# settings it finds must be there again after it, and no time limit.
echo 40 > $CS/busy_pct
echo 200 > $CS/period_ms
t0=$(now_ms)
$CLI sweep --duration 2 --warmup 1 -o /tmp/busy.json > /tmp/busy.out 2>/tmp/err
rc=$?
t1=$(now_ms)
check "sweep: busy sweep exits 0 in $((t1 - t0)) ms ($(head -c 300 /tmp/err))" [ "$rc" = 0 ]
check "sweep: the module is stopped after it" [ "$(cat $CS/running)" = 0 ]
check "sweep: busy_pct 40 and period_ms 200 given back ($(cat $CS/busy_pct), $(cat $CS/period_ms))" \
	[ "$(cat $CS/busy_pct)/$(cat $CS/period_ms)" = 40/200 ]
check "sweep: no time limit left behind" \
	sh -c "$CLI status --json | grep -q '\"time_limit_ms\": *0[,}]'"
echo 100 > $CS/busy_pct
echo 100 > $CS/period_ms
check "sweep: the file says complete" [ "$(jstr status /tmp/busy.json)" = complete ]
check "sweep: the file is valid for compare" $CLI compare /tmp/busy.json > /dev/null
check "sweep: numCores is $n" [ "$(jnums numCores /tmp/busy.json)" = "$n" ]
# results[] comes first: its busyPct and workUnits are the first ten.
jnums busyPct /tmp/busy.json | head -10 > /tmp/levels
jnums workUnits /tmp/busy.json | head -10 > /tmp/units
check "sweep: results hold busyPct 10..100" \
	[ "$(tr '\n' ' ' < /tmp/levels)" = "10 20 30 40 50 60 70 80 90 100 " ]
echo "# sweep: workUnits by level: $(tr '\n' ' ' < /tmp/units)"
# Each level is its own window, and the machine under the VM changes speed
# by 5-35 % from one window to the next (busy 100 read 728 units/s after
# 847 at busy 70 in one run), so levels are not compared with each other.
# Each run of a level is a window of its own (paced: every factor from the
# run's own row). In it, units per second times the mean unit time is the
# share of the window spent in units, at most the busy share
# (busyAchievedPct; both are wall time in the worker). The file gives the
# median unit time, not the mean, and a median is at most twice the mean
# (Markov): the host can make most units of a window long and a few short
# (it took the vCPU for most of it); one window read 1.40 beside a noisy
# neighbour. With the histogram's 12.5 % buckets the product is at
# most 2.25 x the busy share. It is below 1 by the host's share of the vCPU
# during the busy part, which the guest cannot see under TCG (a unit the
# host preempted is long, the median unit is not): 0.2 (0.49 was the
# lowest window seen). The check takes each level's median over its runs.
# Work not paced by the level (10x at busy 10), or not counted, breaks it.
paced /tmp/busy.json > /tmp/paced
echo "# sweep: units/s x p50 / busy time, by (level, run): $(awk '{ printf "%s:%s ", $1, $2 }' /tmp/paced.rows)"
echo "# sweep: the same, median over runs, by level: $(awk '{ printf "%s:%s ", $1, $2 }' /tmp/paced)"
timed_check "sweep: each level's units/s x unit time matches its busy share (0.2..2.25)" \
	awk '$2 < 0.2 || $2 > 2.25 { bad = 1 } END { exit bad || NR != 10 }' /tmp/paced
jnums busyAchievedPct /tmp/busy.json > /tmp/achieved
max=$(jnums maxUnits /tmp/busy.json)
check "sweep: maxUnits ($max) is the largest level's workUnits" \
	[ "$(sort -n /tmp/units | tail -1)" = "$max" ]
check "sweep: unitsPerSec is maxUnits / numCores" \
	fcmp "$(jtop unitsPerSec /tmp/busy.json) - $max / $n <= 0.5 && $max / $n - $(jtop unitsPerSec /tmp/busy.json) <= 0.5"
echo "# sweep: achieved busy by level: $(tr '\n' ' ' < /tmp/achieved)"
check "sweep: achieved busy within 5 points of every level" \
	sh -c "paste /tmp/levels /tmp/achieved | awk '{ d = \$2 - \$1; if (d < -5 || d > 5) bad = 1 } END { exit bad || NR != 10 }'"
check "sweep: the summary table has a row per level" \
	[ "$(grep -cE '^ *(10|20|30|40|50|60|70|80|90|100) ' /tmp/busy.out)" -ge 10 ]

# A CPU-count sweep 1..n at busy 100, as CSV and as JSON.
$CLI sweep --cpus-steps auto --duration 2 --warmup 1 -o /tmp/cpus.json > /tmp/cpus.out 2>/tmp/err
rc=$?
check "sweep: CPU-count sweep exits 0 ($(head -c 300 /tmp/err))" [ "$rc" = 0 ]
jnums efficiency /tmp/cpus.json > /tmp/eff
echo "# sweep: efficiency by CPU count: $(tr '\n' ' ' < /tmp/eff)"
check "sweep: efficiency at 1 CPU is 1" fcmp "$(head -1 /tmp/eff) == 1"
# Levels 1..n: efficiency at n = its drift-corrected units/s / (n x the
# drift-corrected units/s at 1 CPU): the design's reference windows take
# the host's speed out of the ratio (docs/sweep-format.md).
e=$(sed -n ${n}p /tmp/eff)
u1=$(jnums unitsPerSecCorrected /tmp/cpus.json | head -1)
un=$(jnums unitsPerSecCorrected /tmp/cpus.json | sed -n ${n}p)
check "sweep: efficiency at $n CPUs ($e) is $un / ($n x $u1)" \
	fcmp "$e - $un / ($n * $u1) <= 0.005 && $un / ($n * $u1) - $e <= 0.005"
# Efficiency compares levels measured in different windows, so it is only
# shown; each run's own numbers must agree within its window, as above
# (busy 100 on every loaded CPU).
paced /tmp/cpus.json > /tmp/cpaced
echo "# sweep: units/s x p50 / busy time, by (CPU count, run): $(awk '{ printf "%s:%s ", $1, $2 }' /tmp/paced.rows)"
echo "# sweep: the same, median over runs, by CPU count: $(awk '{ printf "%s:%s ", $1, $2 }' /tmp/cpaced)"
timed_check "sweep: each CPU count's units/s x unit time matches its busy share (0.2..2.25)" \
	awk '$2 < 0.2 || $2 > 2.25 { bad = 1 } END { exit bad || NR != '$n' }' /tmp/cpaced
check "sweep: the summary names the knee and the 50-75 % advice" \
	sh -c "grep -q 'knee' /tmp/cpus.out && grep -q '50-75' /tmp/cpus.out"

# CSV: a header and one row per (level, run), every row as wide.
$CLI sweep --busy 50,100 --runs 2 --duration 1 --warmup 0 --format csv -o /tmp/s.csv > /dev/null 2>/tmp/err
check "sweep: CSV has a header and 4 rows of equal width" \
	sh -c "[ \$(wc -l < /tmp/s.csv) = 5 ] &&
	       [ \$(awk -F, '{ print NF }' /tmp/s.csv | sort -u | wc -l) = 1 ] &&
	       head -1 /tmp/s.csv | grep -q '^ts,host,engine,kind,level,'"

# SIGINT in the middle: the load stops, the measured levels are saved,
# the file says interrupted, and the exit code says SIGINT.
$CLI sweep --duration 1 --warmup 0 -o /tmp/int.json > /dev/null 2>/tmp/err &
pid=$!
wait_for "[ \$(nok /tmp/int.json) -ge 3 ]" 150
kill -INT $pid
wait $pid
rc=$?
check "sweep: SIGINT exits 130 ($rc)" [ "$rc" = 130 ]
check "sweep: SIGINT leaves the module stopped" [ "$(cat $CS/running)" = 0 ]
check "sweep: the interrupted file is valid and says interrupted" \
	sh -c "$CLI compare /tmp/int.json > /dev/null 2>&1 && grep -q '\"status\": \"interrupted\"' /tmp/int.json"
ok=$(nok /tmp/int.json)
check "sweep: the interrupted file keeps the $ok finished measurements" [ "$ok" -ge 3 ]
check "sweep: the interrupted file's top level has an error" grep -q '^  "error": ' /tmp/int.json
check "sweep: stderr says where the results are" grep -q 'measured is in /tmp/int.json' /tmp/err

# SIGKILL: the module stops the owned run; the file is valid, not complete.
$CLI sweep --duration 1 --warmup 0 -o /tmp/kill.json > /dev/null 2>&1 &
pid=$!
wait_for "[ \$(nok /tmp/kill.json) -ge 2 ]" 150
kill -KILL $pid
wait $pid 2>/dev/null
check "sweep: SIGKILL of the CLI stops the run" wait_for "[ \$(cat $CS/running) = 0 ]" 20
check "sweep: the killed sweep's file is valid and says running" \
	sh -c "$CLI compare /tmp/kill.json > /dev/null 2>&1 && grep -q '^    \"status\": \"running\"' /tmp/kill.json"
check "sweep: no temporary file left behind" \
	[ -z "$(ls -A /tmp | grep '^\.kill\.json\.')" ]

# Refusals change nothing.
$CLI start --busy 30
$CLI sweep --busy 50 --duration 1 2>/tmp/err
rc=$?
check "sweep: refused while a run is in progress, exit 1 ($(cat /tmp/err))" \
	sh -c "[ $rc = 1 ] && grep -q 'run is in progress' /tmp/err"
check "sweep: the refusal left the run as it was" \
	[ "$(cat $CS/running)/$(cat $CS/busy_pct)" = 1/30 ]
$CLI stop
$CLI sweep --busy 50 --duration 1 -o /nonexistent/dir/x.json 2>/tmp/err
rc=$?
check "sweep: an unwritable output path is refused before the start ($(cat /tmp/err))" \
	sh -c "[ $rc = 1 ] && grep -q '/nonexistent/dir' /tmp/err && [ \$(cat $CS/running) = 0 ]"
$CLI sweep --cpus-steps 1,$((n + 1)) 2>/tmp/err
rc=$?
check "sweep: more CPU steps than CPUs refused as an argument error, exit 2 ($(cat /tmp/err))" \
	sh -c "[ $rc = 2 ] && grep -q 'only $n CPUs' /tmp/err && [ \$(cat $CS/running) = 0 ]"
unload
