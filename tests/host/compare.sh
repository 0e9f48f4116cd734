#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# `cpustress compare` on the host, from the fixtures in tests/data/sweeps:
# the table and the CSV of good files, the intervals and significance of
# format 2 files (none for format 1), the --cost ranking, usage errors
# (exit 2, one line naming the problem, then the usage) and bad files
# (exit 1, one line naming the file).
#   tests/host/compare.sh [CPUSTRESS]   (default userspace/cpustress)
# Prints PASS/FAIL lines, like every test here.
set -uo pipefail

cli=${1:-userspace/cpustress}
d=$(cd "$(dirname "$0")/../data/sweeps" && pwd)
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-compare.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

T=compare
. "$(dirname "$0")/lib.sh"
check_detail() { echo "rc $rc, stderr: ${err:0:200}"; }
need_exec "$cli" "make cli"

a=$d/host-a.json
b=$d/host-b.json

# run ARGS...: runs cpustress compare ARGS; sets rc, out, err.
run() { capture "$cli" compare "$@"; }

# has TEXT: stdout holds the line TEXT.
has() {
	grep -qxF -- "$1" "$tmp/out"
}

# usage_error WANT ARGS...: exit 2, WANT in the first line of stderr, the
# usage after it, nothing on stdout.
usage_error() {
	local want=$1
	shift
	run "$@"
	check "usage error '${want//$d\//}'" \
		test "$rc" = 2 -a -z "$out" \
		-a "$(sed -n 1p "$tmp/err" | grep -c -F -- "cpustress compare: $want")" = 1 \
		-a "$(grep -c '^usage: cpustress compare' "$tmp/err")" = 1
}

# runtime_error WANT ARGS...: exit 1, one line "cpustress: ..." holding
# WANT, nothing on stdout.
runtime_error() {
	local want=$1
	shift
	run "$@"
	check "refused: '${want//$d\//}'" \
		test "$rc" = 1 -a -z "$out" -a "$(wc -l <"$tmp/err")" = 1 \
		-a "$(grep -c -F -- "cpustress: $want" "$tmp/err")" = 1
}

run --help
check "--help prints the usage on stdout, exits 0" \
	test "$rc" = 0 -a -z "$err" -a "$(grep -c '^usage: cpustress compare' "$tmp/out")" = 1

# The fixtures' table (tests/unit/test_compare.c computes it by hand).
run "$a" "$b"
check "two files: exit 0, nothing on stderr" test "$rc" = 0 -a -z "$err"
check "table header names the level and both hosts" \
	has "busy%  host-a  host-b  host-b diff  host-b diff%  host-b 95% CI  host-b sig"
check "table: level 25 differs by +100, +10.0%, format 1: no interval" \
	has "   25    1000    1100         +100        +10.0%    no interval           -"
check "table: a level only host-b has shows '-' for host-a" \
	has "   90       -    3800            -             -              -           -"
check "table: maxUnits row" has "  max    3600    4000         +400        +11.1%    no interval           -"
check "format 1: nothing is called significant" \
	test "$(grep -c ' yes$' "$tmp/out")" = 0
check "table: no price section without --cost" \
	test "$(grep -c price-performance "$tmp/out")" = 0

run "$a"
check "one file: exit 0, its curve" test "$rc" = 0 -a -z "$err" -a "$(grep -c '^  max    3600$' "$tmp/out")" = 1

run "$a" "$b" --format csv
check "csv: exit 0" test "$rc" = 0 -a -z "$err"
# The header as docs/sweep-format.md shows it.
doc_header=$(grep -m1 '^section,level,label,' "$(dirname "$0")/../../docs/sweep-format.md")
check "csv: header, as documented" test "$(sed -n 1p "$tmp/out")" = "$doc_header" \
	-a "${doc_header:0:22}" = "section,level,label,un"
check "csv: every row has 16 columns" \
	test "$(awk -F, 'NF != 16' "$tmp/out" | wc -l)" = 0 -a "$(wc -l <"$tmp/out")" = 13
check "csv: a curve row, no interval in format 1" has "curve,100,host-b,4000,400,11.11,,,,,,,,,,"

# Format 2 (host-*-f2.json: the same curves with 95 % intervals): +10 %
# at 25 beyond the noise, +15 % at 50 within host-b's wide interval.
a2=$d/host-a-f2.json
b2=$d/host-b-f2.json
run "$a2" "$b2" --cost host-a=0.40 --cost host-b=0.50
check "format 2: exit 0, nothing on stderr" test "$rc" = 0 -a -z "$err"
check "format 2: +10 % at 25, interval +6.9..+13.2 %, significant" \
	has "   25    1000    1100         +100        +10.0%   +6.9..+13.2%         yes"
check "format 2: +15 % at 50 inside the noise, not significant" \
	has "   50    2000    2300         +300        +15.0%  -15.1..+45.1%          no"
check "format 2: the max row with its interval" \
	has "  max    3600    4000         +400        +11.1%   +8.0..+14.3%         yes"
check "format 2: price-performance with its interval, worse than best" \
	has "   2  host-b       0.5      4000           8000.0  7840.0..8160.0    88.9%  worse than best"
run "$a2" "$b2" --format csv
check "format 2 csv: interval, p-value and verdict of a level" \
	has "curve,50,host-b,2300,300,15.00,,,,2300.0,1700.0,2900.0,-15.06,45.13,0.306,no"
run "$a2" "$b"
check "format 2 against format 1: no interval, never significant" \
	test "$rc" = 0 -a "$(grep -c 'no interval' "$tmp/out")" -ge 3 -a "$(grep -c ' yes$' "$tmp/out")" = 0

# host-a 3600 / 0.40 = 9000 beats host-b 4000 / 0.50 = 8000 ...
run "$a" "$b" --cost host-a=0.40 --cost host-b=0.50 --format csv
check "--cost: host-a first at 9000 units per dollar-hour" \
	test "$rc" = 0 -a "$(grep '^price,' "$tmp/out" | cut -d, -f3,8,9 | tr '\n' ' ')" = \
	"host-a,9000.0,1 host-b,8000.0,2 "
# ... and host-b 4000 / 0.25 = 16000 beats host-a 3600 / 0.50 = 7200.
run "$a" "$b" --cost host-b.json=0.25 --cost "$a=0.5"
check "--cost by file name and by path: host-b ranks first" \
	test "$rc" = 0 -a "$(grep -A2 '^rank' "$tmp/out" | awk 'NR > 1 { print $1 $2 }' | tr '\n' ' ')" = \
	"1host-b 2host-a "
run "$a" "$b" --cost host-b=0.5
check "--cost for one file: the other is listed without a price" \
	test "$rc" = 0 -a "$(grep -c '^no price given: host-a$' "$tmp/out")" = 1

run "$a" "$d/host-a-partial.json"
check "an interrupted file: compared, with a warning naming it" \
	test "$rc" = 0 -a "$(grep -c "^cpustress: warning: $d/host-a-partial.json: the sweep is interrupted" "$tmp/err")" = 1
check "two files of one host: labelled by file name" \
	test "$(grep -c '^busy%  host-a (host-a.json)  host-a (host-a-partial.json)' "$tmp/out")" = 1

# Control bytes in a result file's text (ESC, BEL in the host name)
# reach neither the terminal nor the CSV raw: they are shown as \xNN.
sed 's/"host-a"/"evil\\u001b[31m\\u0007"/' "$a" >"$tmp/evil.json"
run "$tmp/evil.json" "$b"
check "control bytes of a host name: escaped in the table" \
	test "$rc" = 0 -a "$(grep -c "$(printf '\033')\|$(printf '\007')" "$tmp/out")" = 0 \
	-a "$(grep -c '^busy%  evil\\x1b\[31m\\x07  host-b' "$tmp/out")" = 1
run "$tmp/evil.json" "$b" --format csv
check "control bytes of a host name: escaped in the CSV" \
	test "$rc" = 0 -a "$(grep -c "$(printf '\033')\|$(printf '\007')" "$tmp/out")" = 0 \
	-a "$(grep -c '^max,,evil\\x1b\[31m\\x07,3600,' "$tmp/out")" = 1
sed 's/"sweep interrupted by a signal"/"stop\\u001b]0;owned\\u0007"/' "$d/host-a-partial.json" >"$tmp/evil-partial.json"
if grep -q 'owned' "$tmp/evil-partial.json"; then
	run "$a" "$tmp/evil-partial.json"
	check "control bytes of a file's error text: escaped on stderr" \
		test "$rc" = 0 -a "$(grep -c "$(printf '\033')\|$(printf '\007')" "$tmp/err")" = 0 \
		-a "$(grep -c 'stop\\x1b\]0;owned\\x07' "$tmp/err")" = 1
else
	fail "fixture host-a-partial.json has no "sweep interrupted by a signal" error to edit"
fi

# maxUnits only over the levels both files have (a has 75, b has 90).
run "$a" "$b"
check "table: the max row says that it leaves out levels only some files have" \
	has "max: over the levels every file has; 2 levels only some files have are left out"

# The row formats of a sweep are not result files: say which to use.
printf '%s\n' "ts,host,engine,kind" "1700000000,h,user,busy" >"$tmp/rows.csv"
printf '%s\n' '{"ts":1,"host":"h"}' '{"ts":2,"host":"h"}' >"$tmp/rows.jsonl"
runtime_error "$tmp/rows.csv: holds CSV rows, not a sweep result: results are read from the JSON file that \`cpustress sweep -o FILE.json\` writes" "$tmp/rows.csv"
runtime_error "$tmp/rows.jsonl: holds JSON Lines rows, not a sweep result" "$tmp/rows.jsonl"

usage_error "no result files given"
usage_error "--cost 'host-a': expected NAME=USD_PER_HOUR" "$a" --cost host-a
usage_error "--cost host-a=0: the price must be above 0" "$a" --cost host-a=0
usage_error "--cost host-a=abc: 'abc' is not a price" "$a" --cost host-a=abc
usage_error "--cost host-a=-1: '-1' is not a price" "$a" --cost host-a=-1
usage_error "--cost host-a given twice" "$a" --cost host-a=1 --cost host-a=2
usage_error "--cost 'nope' names no file" "$a" "$b" --cost nope=1
usage_error "--format: 'xml' is not table or csv" "$a" --format xml
usage_error "unknown option '--frob'" "$a" --frob
usage_error "file '$a' given twice" "$a" "$a"
usage_error "'$a' and '$d/../sweeps/host-a.json' are the same file" "$a" "$d/../sweeps/host-a.json"
ln -s "$a" "$tmp/link.json"
usage_error "'$a' and '$tmp/link.json' are the same file" "$a" "$tmp/link.json"
# shellcheck disable=SC2046
usage_error "more than 16 files" $(for i in $(seq 17); do echo "$d/f$i.json"; done)

runtime_error "$d/bad-type.json: field cpustress.levels[2].p99Us: expected a number" "$a" "$d/bad-type.json"
runtime_error "$d/bad-syntax.json:3:24: not valid JSON" "$d/bad-syntax.json"
runtime_error "$d/bad-format3.json: written by a newer cpustress (format 3)" "$d/bad-format3.json"
runtime_error "$d/bad-plain-pcd.json: no \"cpustress\" object" "$d/bad-plain-pcd.json"
runtime_error "$d/bad-empty.json: empty file" "$d/bad-empty.json"
runtime_error "$d/nope.json: cannot open: No such file or directory" "$d/nope.json"
runtime_error "$d: is a directory" "$d"
runtime_error "$a and $d/host-wu256.json were measured with different work units" "$a" "$d/host-wu256.json"
runtime_error "$a is a busy sweep and $d/host-cpus.json a CPU-count sweep" "$a" "$d/host-cpus.json"
