#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tools/plot-sweep on the fixtures in tests/data/plot/: the files it should
# write exist, SVGs are well-formed and hold one point per level with a good
# run (none for a level whose runsOk is 0), the knee is labelled, PNGs are
# PNGs; a format 2 file's throughput has an error bar per level (its 95 %
# interval), a format 1 file's none; bad input exits 1 naming the file, bad
# usage exits 2 with the usage.
#   tests/host/plot-sweep.sh      (from the repository root)
# Needs gnuplot (gnuplot-nox), jq and xmllint (libxml2-utils).
# Prints PASS/FAIL lines, like every test here.
set -uo pipefail

tool=tools/plot-sweep
data=tests/data/plot
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-plot.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

T=plot-sweep
. "$(dirname "$0")/lib.sh"
check_detail() { echo "rc $rc, stderr: ${err:0:200}"; }
need_tools gnuplot jq xmllint
need_exec "$tool" "it is in the tree"

# run ARGS...: sets rc, out, err.
run() { capture "$tool" "$@"; }

# xp FILE XPATH: the value of an XPath expression on an SVG.
xp() {
	xmllint --xpath "$2" "$1" 2>/dev/null
}

# points SVG N: data points drawn by gnuplot's Nth plot (a titled plot): the
# point symbols in its groups (an opaque legend is drawn in a second group of
# the same id), less the one of its legend sample.
points() {
	local n
	n=$(xp "$1" "count(//*[local-name()='g'][@id='gnuplot_plot_$2']//*[local-name()='use'])")
	echo $((${n:-0} - 1))
}

# has_text SVG TEXT: a <text> element holds exactly TEXT.
has_text() {
	[[ $(xp "$1" "count(//*[local-name()='text'][normalize-space(.)='$2'])") -ge 1 ]] ||
		{ why="no text '$2' in $(basename "$1")"; return 1; }
}

# title_has SVG TEXT: some <text> element contains TEXT (titles, labels).
title_has() {
	[[ $(xp "$1" "count(//*[local-name()='text'][contains(., '$2')])") -ge 1 ]] ||
		{ why="no text containing '$2' in $(basename "$1")"; return 1; }
}

# svg_ok SVG PLOT:COUNT...: well-formed, and plot PLOT has COUNT points.
svg_ok() {
	local svg=$1 spec n got
	shift
	[[ -s $svg ]] || { why="$svg not written"; return 1; }
	xmllint --noout "$svg" 2>"$tmp/xml" || { why="$(basename "$svg") is not well-formed XML: $(head -c 200 "$tmp/xml")"; return 1; }
	for spec in "$@"; do
		n=${spec%%:*}
		got=$(points "$svg" "$n")
		[[ $got == "${spec#*:}" ]] || { why="$(basename "$svg") plot $n has $got points, want ${spec#*:}"; return 1; }
	done
}

# png_ok PNG: the PNG signature, 1100x720 in the header, 10 KB..2 MB.
png_ok() {
	local png=$1 sig dims size
	[[ -s $png ]] || { why="$png not written"; return 1; }
	sig=$(od -An -tx1 -N8 "$png" | tr -d ' \n')
	[[ $sig == 89504e470d0a1a0a ]] || { why="$(basename "$png") starts with $sig, not the PNG signature"; return 1; }
	dims=$(od -An -tu1 -j16 -N8 "$png" | awk '{ print $1*16777216 + $2*65536 + $3*256 + $4 "x" $5*16777216 + $6*65536 + $7*256 + $8 }')
	[[ $dims == 1100x720 ]] || { why="$(basename "$png") is $dims, want 1100x720"; return 1; }
	size=$(stat -c %s "$png")
	((size > 10000 && size < 2000000)) || { why="$(basename "$png") is $size bytes"; return 1; }
}

# written DIR NAME...: stdout lists exactly DIR/NAME..., one a line.
written() {
	local dir=$1 want
	shift
	want=$(printf "$dir/%s\n" "$@")
	[[ $rc == 0 && $out == "$want" ]] || { why="rc $rc, stdout '${out//$'\n'/ }', want '${want//$'\n'/ }' (stderr: ${err:0:200})"; return 1; }
}

all() {
	local f
	for f in "$@"; do "$f" || return 1; done
}

# --- the fixtures follow docs/sweep-format.md -----------------------------

# shellcheck disable=SC2016
DOC='
def ok(f): [try f catch false] == [true];
. as $d | .cpustress as $c |
($c.plan.kind == "cpus") as $cpus |
[$c.levels[] | select(.runsOk > 0)] as $good |
ok($d.hostname | type == "string") and ok($d.numCores | type == "number")
and ($c.format == 1 or $c.format == 2) and ($c.status == "complete")
and ($c.levels | map(.level)) == $c.plan.levels
and ($d.results | length) == ($good | length)
and ($d.results | map(.workUnits)) == ($good | map(.workUnits))
and ($d.results | all(.busyPct | type == "number"))
and ($d.results | all(has("cpus")) == $cpus)
and $d.maxUnits == ($good | map(.workUnits) | max)
and $d.unitsPerSec == (($d.maxUnits / $d.numCores) | round)
and ($c.runs | length) == ($c.levels | map(.runs) | add)
and ($c.levels | all(if .runsOk == 0
	then ([.workUnits, .unitsPerSecMedian, .p50Us, .p99Us, .efficiency] | all(. == null))
	else (.unitsPerSecMin <= .unitsPerSecMedian and .unitsPerSecMedian <= .unitsPerSecMax
	      and (.efficiency | type) == (if $cpus then "number" else "null" end)) end))
and ($c.format == 1 or ($c.levels | all(if .runsOk == 0 then .ci95 == null
	else (.unitsPerSecCorrected | type) == "number" and (.ci95 == null or
	      (.ci95[0] <= .unitsPerSecCorrected and .unitsPerSecCorrected <= .ci95[1])) end)))
and ($c.knee | has("found") and has("reason") and has("level") and has("nextLevel")
	and has("gain") and has("p99Ratio") and has("recommendMin") and has("recommendMax"))
'
for f in "$data"/*.json; do
	rc=0 err=
	check "fixture $(basename "$f") follows docs/sweep-format.md" \
		test "$(jq "$DOC" "$f" 2>&1)" = true
done
rc=0 err=
check "cpus-a.json: knee at 4 CPUs (plateau), recommended 2..3" \
	test "$(jq -c '.cpustress.knee | [.found, .level, .reason, .recommendMin, .recommendMax]' "$data/cpus-a.json")" \
	= '[true,4,"plateau",2,3]'

# --- busy sweeps ------------------------------------------------------------

o=$tmp/busy
run -o "$o" "$data/busy-a.json"
check "busy-a: prints the 4 files written" written "$o" busy-a-units.svg busy-a-units.png \
	busy-a-latency.svg busy-a-latency.png
s=$o/busy-a-units.svg
units_a() { svg_ok "$s" 1:10; }
legend_a() { has_text "$s" "vm-a (no interval)"; }
title_a() { title_has "$s" "kernel engine, kernel 6.1.0-18-amd64" && title_has "$s" "work unit 512 KiB × 17 spins"; }
check "busy-a units SVG: well-formed, 10 points" units_a
check "busy-a units SVG: legend names the host" legend_a
check "busy-a units SVG: title has engine, kernel, work unit" title_a
lat_a() { svg_ok "$o/busy-a-latency.svg" 1:10 2:10 && has_text "$o/busy-a-latency.svg" "vm-a: p99"; }
check "busy-a latency SVG: p50 and p99, 10 points each" lat_a
pngs_a() { png_ok "$o/busy-a-units.png" && png_ok "$o/busy-a-latency.png"; }
check "busy-a PNGs: PNG signature, 1100x720, plausible size" pngs_a

run -o "$o" "$data/busy-gap.json"
gap() { [[ $rc == 0 ]] && svg_ok "$o/busy-gap-units.svg" 1:9 && svg_ok "$o/busy-gap-latency.svg" 1:9 2:9; }
check "busy-gap: the level with runsOk 0 is skipped (9 points, not 10)" gap

run -o "$o" "$data/busy-a.json" "$data/busy-b.json" "$data/busy-gap.json"
check "3 busy files: prints compare-units and compare-latency" written "$o" compare-units.svg \
	compare-units.png compare-latency.svg compare-latency.png
s=$o/compare-units.svg
cmp_units() { svg_ok "$s" 1:10 2:10 3:9; }
check "compare units SVG: one curve per file (10, 10, 9 points)" cmp_units
cmp_legend() {
	has_text "$s" "vm-a (busy-a.json) (no interval)" && has_text "$s" "vm-b (no interval)" &&
		has_text "$s" "vm-a (busy-gap.json) (no interval)"
}
check "compare units SVG: legend = host, duplicates with the file name" cmp_legend
cmp_lat() { svg_ok "$o/compare-latency.svg" 1:10 2:10 3:10 4:10 5:9 6:9; }
check "compare latency SVG: p50 and p99 per file" cmp_lat

# bars SVG N: vertical error bars ("M x,y1 L x,y2") drawn by plot N.
bars() {
	xmllint --xpath "//*[local-name()='g'][@id='gnuplot_plot_$2']//*[local-name()='path']/@d" "$1" 2>/dev/null |
		grep -oE 'M([0-9.]+),[0-9.]+ +L\1,[0-9.]+' | wc -l
}

# has_bars SVG PLOT:COUNT...: plot PLOT draws COUNT error bars.
has_bars() {
	local svg=$1 spec got
	shift
	for spec in "$@"; do
		got=$(bars "$svg" "${spec%%:*}")
		[[ $got == "${spec#*:}" ]] || { why="$(basename "$svg") plot ${spec%%:*} has $got error bars, want ${spec#*:}"; return 1; }
	done
}

# busy-a-f2.json: busy-a.json in format 2, 95 % intervals at every level
# but 50 (null: no bar).
run -o "$o" "$data/busy-a-f2.json" "$data/busy-a.json"
s=$o/compare-units.svg
f2_bars() { [[ $rc == 0 ]] && svg_ok "$s" 1:10 2:10 && has_bars "$s" 1:9 2:0; }
check "format 2: an error bar per level with an interval (9), format 1: none" f2_bars
f2_label() { title_has "$s" "95 % interval" && has_text "$s" "vm-a (busy-a.json) (no interval)" &&
	has_text "$s" "vm-a (busy-a-f2.json)"; }
check "format 2 beside format 1: the axis names the interval, the legend the file without" f2_label
run -o "$o" "$data/busy-a-f2.json"
f2_one() { [[ $rc == 0 ]] && has_bars "$o/busy-a-f2-units.svg" 1:9 &&
	title_has "$o/busy-a-f2-units.svg" "drift-corrected median; bars: 95 % interval"; }
check "format 2 alone: 9 error bars, the axis says what they are" f2_one
run -o "$o" "$data/busy-a.json"
f1_one() { [[ $rc == 0 ]] && has_bars "$o/busy-a-units.svg" 1:0 &&
	title_has "$o/busy-a-units.svg" "median over the runs"; }
check "format 1 alone: plain points, no error bar" f1_one

run --format svg -o "$tmp/svgonly" "$data/busy-b.json"
svg_only() {
	written "$tmp/svgonly" busy-b-units.svg busy-b-latency.svg || return 1
	[[ -z $(find "$tmp/svgonly" -name '*.png') ]] || { why="PNG written with --format svg"; return 1; }
}
check "--format svg writes only SVGs" svg_only

mkdir -p "$tmp/in"
cp "$data/busy-b.json" "$tmp/in/"
run --format png "$tmp/in/busy-b.json"
check "default output directory is the first file's" written "$tmp/in" busy-b-units.png busy-b-latency.png

# --- CPU-count sweeps -------------------------------------------------------

o=$tmp/cpus
run -o "$o" "$data/cpus-a.json"
check "cpus-a: prints the 4 files written" written "$o" cpus-a-scaling.svg cpus-a-scaling.png \
	cpus-a-latency.svg cpus-a-latency.png
s=$o/cpus-a-scaling.svg
scal() { svg_ok "$s" 1:4 && has_text "$s" "vm-c (no interval)"; }
check "cpus-a scaling SVG: well-formed, 4 points" scal
knee() { has_text "$s" "knee: 4 CPUs (plateau)"; }
check "cpus-a scaling SVG: knee label 'knee: 4 CPUs (plateau)'" knee
band() { title_has "$s" "recommended 2–3 CPUs"; }
check "cpus-a scaling SVG: recommended 2–3 CPUs band in the legend" band
ideal() { title_has "$s" "ideal (linear from 1 CPU)"; }
check "cpus-a scaling SVG: ideal line in the legend" ideal
eff() { has_text "$s" "100%" && has_text "$s" "51%"; }
check "cpus-a scaling SVG: efficiency labels (100% .. 51%)" eff
lat_c() { svg_ok "$o/cpus-a-latency.svg" 1:4 2:4; }
check "cpus-a latency SVG: p50 and p99, 4 points each" lat_c
pngs_c() { png_ok "$o/cpus-a-scaling.png" && png_ok "$o/cpus-a-latency.png"; }
check "cpus-a PNGs: PNG signature, 1100x720, plausible size" pngs_c

run -o "$o" "$data/cpus-a.json" "$data/cpus-b.json"
s=$o/compare-scaling.svg
# Per file: curve, ideal, band (legend only), efficiency: plots 1 and 5.
cmp_scal() { [[ $rc == 0 ]] && svg_ok "$s" 1:4 5:5; }
check "compare scaling SVG: curves overlaid (4 and 5 points)" cmp_scal
cmp_knee() { has_text "$s" "vm-c knee: 4 CPUs (plateau)" && has_text "$s" "vm-d knee: 8 CPUs (tail)"; }
check "compare scaling SVG: a knee marker per file" cmp_knee

# Another host name: "host (file)" legends are too wide for the canvas.
jq '.hostname = "vm-e"' "$data/cpus-a-f2.json" >"$tmp/cpus-e.json"
run -o "$o" "$tmp/cpus-e.json" "$data/cpus-a.json"
s=$o/compare-scaling.svg
f2_scal() { [[ $rc == 0 ]] && svg_ok "$s" 1:4 5:4 && has_bars "$s" 1:4 5:0; }
check "format 2 scaling: an error bar per CPU count, none for format 1" f2_scal

jq '.cpustress.format = 3' "$data/busy-a-f2.json" >"$tmp/f3.json"
run -o "$tmp/x" "$tmp/f3.json"
f3() { [[ $rc == 1 && $err == "plot-sweep: $tmp/f3.json: format 3 is newer than this tool reads (2)" ]]; }
check "format 3: exit 1, newer than this tool reads" f3

jq '.cpustress.levels[3].ci95 = [1, "x"]' "$data/busy-a-f2.json" >"$tmp/badci.json"
run -o "$tmp/x" "$tmp/badci.json"
badci() { [[ $rc == 1 && $err == "plot-sweep: $tmp/badci.json: missing or bad key cpustress.levels[3].ci95" ]]; }
check "format 2 with a bad ci95: exit 1 naming the key" badci

# --- refusals ---------------------------------------------------------------

run -o "$tmp/mixed" "$data/busy-a.json" "$data/cpus-a.json"
mixed() { [[ $rc == 1 && -z $out && $err == *"cannot mix"* && $(wc -l <"$tmp/err") == 1 ]] &&
	[[ ! -e $tmp/mixed/compare-latency.svg ]]; }
check "busy + cpus files: exit 1, 'cannot mix', nothing written" mixed

printf 'ts,host\n1,vm\n' >"$tmp/notjson.json"
run -o "$tmp/x" "$tmp/notjson.json"
notjson() { [[ $rc == 1 && $err == "plot-sweep: $tmp/notjson.json: not JSON" ]]; }
check "non-JSON file: exit 1, one line naming it" notjson

echo '{"hostname":"vm","results":[]}' >"$tmp/pcd.json"
run -o "$tmp/x" "$tmp/pcd.json"
notcs() { [[ $rc == 1 && $err == "plot-sweep: $tmp/pcd.json: not a cpustress sweep file"* ]]; }
check "JSON without cpustress: exit 1, 'not a cpustress sweep file'" notcs

jq 'del(.cpustress.levels[2].p99Us)' "$data/busy-a.json" >"$tmp/nokey.json"
run -o "$tmp/x" "$tmp/nokey.json"
nokey() { [[ $rc == 1 && $err == "plot-sweep: $tmp/nokey.json: missing or bad key cpustress.levels[2].p99Us" ]]; }
check "missing key: exit 1 naming the file and the key" nokey

run
noargs() { [[ $rc == 2 && -z $out && $(grep -c '^usage: tools/plot-sweep' "$tmp/err") == 1 ]]; }
check "no arguments: exit 2, usage on stderr" noargs

run --format jpg "$data/busy-a.json"
badfmt() { [[ $rc == 2 && $(sed -n 1p "$tmp/err") == *"'jpg' is not svg, png or both"* ]]; }
check "--format jpg: exit 2, names the value, usage on stderr" badfmt

run -o "$tmp/missing/out" "$data/busy-a.json"
noparent() { [[ $rc == 2 && -z $out && $(sed -n 1p "$tmp/err") == "plot-sweep: -o $tmp/missing/out: its parent directory $tmp/missing does not exist"* ]] &&
	[[ ! -e $tmp/missing ]]; }
check "-o under a missing directory: exit 2, names it, creates nothing" noparent

touch "$tmp/afile"
run -o "$tmp/afile" "$data/busy-a.json"
notdir() { [[ $rc == 2 && $(sed -n 1p "$tmp/err") == *"-o $tmp/afile: exists and is not a directory" ]]; }
check "-o naming a file: exit 2" notdir
