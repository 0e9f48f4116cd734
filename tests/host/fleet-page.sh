#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The fleet page: `cpustress fleet serve` over three user-engine exporters
# on loopback (each with a stored load test) in Debian's Chromium through
# Playwright (tests/fleet-page/fleet-page.mjs; playwright-core as
# tests/host/dashboard.sh installs it). Every view shows every host; a
# load test started from the page completes and appears in History; the
# Compare CSV as downloaded equals `cpustress compare --format csv` of the
# same results downloaded from the hosts; an exporter killed meanwhile is
# down while the rest goes on; no console error. Then bad input over
# plain HTTP: a host answering garbage or a huge body, a cost that is not
# a positive number. Screenshots: build/fleet-page/*.png.
#   tests/host/fleet-page.sh [CPUSTRESS]   (default userspace/cpustress)
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cli=${1:-userspace/cpustress}
[[ $cli == /* ]] || cli=$PWD/$cli	# compare runs in the download directory
build=${BUILD:-$root/build}
chromium=${CHROMIUM:-/usr/bin/chromium}
nodedir=$build/node
shots=$build/fleet-page
key=fleet-page-test-key-0123456789

T=fleet-page
. "$root/tests/host/lib.sh"

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-fleet-page.XXXXXX")
pids=()
cleanup() {
	local p
	for p in "${pids[@]}"; do
		{ kill -TERM "$p" && wait "$p"; } 2>/dev/null
	done
	stop_user_engines "$tmp"
	rm -rf "$tmp"
}
trap cleanup EXIT

for tool in node jq curl python3; do
	command -v "$tool" >/dev/null || { fail "$tool missing (make deps)"; exit 0; }
done
[[ -x "$cli" && -x "$chromium" ]] || { fail "needs $cli (make cli) and $chromium (make deps)"; exit 0; }
[[ -f "$nodedir/node_modules/playwright-core/package.json" ]] ||
	{ fail "playwright-core not in $nodedir: run tests/host/dashboard.sh once"; exit 0; }

# started PIDVAR LOG: wait for "listening on 127.0.0.1:PORT" in LOG; echo PORT.
listen_port() {
	local pid=$1 log=$2 p
	for _ in $(seq 100); do
		p=$(sed -n 's/.*listening on 127\.0\.0\.1:\([0-9]*\),.*/\1/p' "$log" 2>/dev/null)
		[[ -n $p ]] && { echo "$p"; return 0; }
		kill -0 "$pid" 2>/dev/null || return 1
		sleep 0.05
	done
	return 1
}

echo "$key" >"$tmp/keys"
chmod 600 "$tmp/keys"
targets=()
for n in 0 1 2; do
	mkdir -p "$tmp/e$n"
	# Each exporter its own host: its own user engine process.
	CPUSTRESS_USER_SOCK=$tmp/e$n/ue/user.sock \
		"$cli" serve --engine user --load --busy 40 --listen 127.0.0.1:0 \
		--state-dir "$tmp/e$n/state" --apikey-file "$tmp/keys" \
		>/dev/null 2>"$tmp/e$n/log" &
	epid[n]=$!
	((n < 2)) || disown	# the one the browser script kills: no "Killed" notice
	pids+=("${epid[n]}")
	port=$(listen_port "${epid[n]}" "$tmp/e$n/log") ||
		{ fail "exporter $n did not start: $(tail -2 "$tmp/e$n/log")"; exit 0; }
	targets+=("127.0.0.1:$port")
	code=$(curl -s -o "$tmp/e$n/lt.json" -w '%{http_code}' -X POST -H "apikey: $key" \
		-H 'Content-Type: application/json' \
		-d '{"busy":[50,100],"duration":1,"warmup":0}' "http://127.0.0.1:$port/v1/loadtest")
	check "exporter $n: a stored load test (HTTP $code)" test "$code" = 200
done
# A file_sd list with a cost for the first host.
printf '[{"targets":["%s"],"labels":{"cost_per_hour":"0.25","zone":"a"}},{"targets":["%s","%s"],"labels":{"zone":"b"}}]\n' \
	"${targets[@]}" >"$tmp/targets.json"
"$cli" fleet serve --targets "$tmp/targets.json" --listen 127.0.0.1:0 \
	--interval 1 >/dev/null 2>"$tmp/fleet.log" &
fpid=$!
pids+=("$fpid")
fport=$(listen_port "$fpid" "$tmp/fleet.log") ||
	{ fail "fleet serve did not start: $(tail -2 "$tmp/fleet.log")"; exit 0; }
url=http://127.0.0.1:$fport
echo "# fleet serve on $url over ${targets[*]}"

got=$(curl -s -D - -o "$tmp/page.html" "$url/" | tr -d '\r')
check "GET / is web/fleet.html under the strict CSP" \
	bash -c "cmp -s '$tmp/page.html' '$root/web/fleet.html' && grep -q \"^Content-Security-Policy: default-src 'self'\" <<<\"\$0\"" "$got"

mkdir -p "$shots"
rm -f "$shots"/*.png
timeout 320 node "$root/tests/fleet-page/fleet-page.mjs" --url "$url" --key "$key" \
	--node-dir "$nodedir" --chromium "$chromium" --shots "$shots" \
	--report "$tmp/rep.json" --hosts "$(IFS=,; echo "${targets[*]}")" \
	--kill "${epid[2]}" >"$tmp/node.log" 2>&1
rep=$tmp/rep.json
q() { jq -r "$1" "$rep" 2>/dev/null; }
[[ -s $rep ]] || { fail "the browser script wrote no report: $(tail -3 "$tmp/node.log")"; exit 0; }
[[ "$(q .error)" == null ]] || echo "# browser script stopped at '$(q .phase)': $(q .error) (load-test progress: $(q .progressAtError))"
echo "# fleet rows: $(q '.fleetRows|tostring')"
check_quiet "Fleet: a running row for every host" \
	jq -e --argjson n 3 '.fleetRows | length == $n and all(.state | startswith("running"))' "$rep"
check_quiet "History: results of every host" jq -e '.historyHosts | length == 3' "$rep"
echo "# load test from the page: $(q .run) after $(q .runMs) ms; newest $(q .newest)"
check_quiet "a load test started from the page completes and is the newest in History" \
	jq -e --arg h "${targets[0]}" '(.run | test("done: maxUnits [0-9]+")) and .historyAfter == .historyBefore + 1 and (.newest | startswith($h + "/"))' "$rep"
check_quiet "a cost that is not a positive number is refused by the page, naming the result ($(q .badCost))" \
	jq -e '.badCost | test("cost of result 1: .-3. is not a price")' "$rep"

# The same results from the hosts, under the names the server gives them.
files=()
for k in $(q '.picked[]'); do
	h=${k%/*}
	id=${k#*/}
	mkdir -p "$tmp/dl/${h//:/_}"
	curl -sf "http://$h/v1/loadtests/$id" >"$tmp/dl/${h//:/_}/$id.json"
	files+=("${h//:/_}/$id.json")
done
(cd "$tmp/dl" && "$cli" compare --format csv "${files[@]}" --cost "${files[0]}=0.5") >"$tmp/cli.csv" 2>"$tmp/cli.err"
jq -j .csv "$rep" >"$tmp/page.csv"
why="$(head -c 200 "$tmp/cli.err") $(diff "$tmp/cli.csv" "$tmp/page.csv" | head -4 | tr '\n' ' ')"
check "Compare: the CSV export equals cpustress compare --format csv ($(wc -l <"$tmp/cli.csv") lines)" \
	bash -c "[[ ${#files[@]} == 2 && -s '$tmp/cli.csv' ]] && cmp -s '$tmp/cli.csv' '$tmp/page.csv'"
check_quiet "Compare: the table shows every CSV row, a price ranking row" \
	jq -e '.tableRows == ((.csv | split("\n") | map(select(length > 0)) | length) - 1) and .priceRows >= 1' "$rep"
check_quiet "no horizontal scrolling at 390 px ($(q .narrowOverflow))" jq -e '.narrowOverflow != null and .narrowOverflow <= 0' "$rep"
check_quiet "the charts' text stays readable at 390 px ($(q .narrowChartText) px high)" jq -e '.narrowChartText >= 9' "$rep"
# What the CSV says the charts and the table must mark: the curve points
# with a 95 % interval, the differences to the baseline, those of them
# that are not significant, and every row that is not.
want=$(jq -r .csv "$rep" | python3 -c '
import csv, sys
rows = list(csv.DictReader(sys.stdin))
base = next(r["label"] for r in rows if r["section"] == "curve")
cmp = [r for r in rows if r["section"] in ("curve", "max") and r["label"] != base and r["diff_pct"] != ""]
ci = sum(1 for r in rows if r["section"] == "curve" and r["units"] != "" and r["ci95_lo"] != "")
print(ci, len(cmp), sum(1 for r in cmp if r["significant"] == "no"), sum(1 for r in rows if r["significant"] == "no"))')
read -r want_ci want_diff want_noise want_rows <<<"$want"
echo "# CSV: $want_ci points with an interval, $want_diff differences, $want_noise within the noise, $want_rows rows not significant; page: $(q .noiseText)"
check_quiet "Compare: an error bar for every curve point with an interval ($(q .ciBars) of $want_ci)" \
	jq -e --argjson n "${want_ci:-x}" '.ciBars == $n and $n > 0' "$rep"
check_quiet "Compare: a difference bar for each difference, those not significant marked within the noise ($(q .diffBars) bars, $(q .noiseBars) pale, $(q .noiseMarks) marks; CSV $want_diff, $want_noise)" \
	jq -e --argjson d "${want_diff:-x}" --argjson n "${want_noise:-x}" '.diffBars == $d and .noiseBars == $n and .noiseMarks == $n and (($n == 0) or (.noiseText | test("Within the noise")))' "$rep"
check_quiet "Compare: the table greys every row that is not significant ($(q .tableNoiseRows) of $want_rows)" \
	jq -e --argjson n "${want_rows:-x}" '.tableNoiseRows == $n' "$rep"
echo "# killed ${targets[2]}: $(q .downRow); others $(q '.othersAfterKill|tostring'); history: $(q .historyError)"
check_quiet "a killed exporter shows down with a reason, the others keep running" \
	jq -e '(.downRow | startswith("down (")) and (.othersAfterKill | length == 2 and all(startswith("running")))' "$rep"
check_quiet "History names the killed host's error" jq -e --arg h "${targets[2]}" '.historyError | contains($h)' "$rep"
errs=$(jq -r '.console[] | select(.type == "error" or .type == "warning") | "\(.phase): \(.text)"' "$rep" |
	grep -v '^compare: Failed to load resource: the server responded with a status of 400'; q '.pageErrors[]')
check "no console error or page error ($(head -c 300 <<<"$errs"))" test -z "$errs"
check "the browser script finished" test "$(q .phase)" = done
for s in fleet history compare compare-narrow fleet-down history-down; do
	check "screenshot $s.png saved" test "$(stat -c %s "$shots/$s.png" 2>/dev/null || echo 0)" -gt 5000
done

# --- bad input, over plain HTTP ---------------------------------------------
cat >"$tmp/fake.py" <<'PY'
import socket, sys, threading, time
mode = sys.argv[1]
other = open(sys.argv[2], "rb").read() if len(sys.argv) > 2 else b""
s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
def serve(c):
    try:
        req = c.recv(65536)
        if mode == "garbage":
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 9\r\n\r\n<garbage>")
        elif mode == "trickle":
            # A well-formed start, then a byte every 0.2 s, never done.
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100000\r\n\r\n")
            for _ in range(600):
                c.sendall(b" ")
                time.sleep(0.2)
        elif mode == "other":
            # Any result it is asked for is a file of another format.
            body = other if b" /v1/loadtests/" in req else b"<not json>"
            c.sendall(b"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\n"
                      b"Content-Length: %d\r\n\r\n" % len(body) + body)
        else:
            c.sendall(b"HTTP/1.1 200 OK\r\n\r\n")
            for _ in range(80):
                c.sendall(b"[" * 65536)
    except OSError:
        pass
    c.close()
while True:
    c, _ = s.accept()
    threading.Thread(target=serve, args=(c,), daemon=True).start()
PY
# port_of FILE: the port a fake host printed into FILE, once it has.
port_of() {
	for _ in $(seq 100); do
		[[ -s "$1" ]] && { head -1 "$1"; return 0; }
		sleep 0.05
	done
	return 1
}
for mode in garbage huge trickle other; do
	python3 "$tmp/fake.py" "$mode" "$root/tests/data/sweeps/bad-format3.json" >"$tmp/$mode.port" &
	pids+=($!)
done
gport=$(port_of "$tmp/garbage.port") && hport=$(port_of "$tmp/huge.port") &&
	tport=$(port_of "$tmp/trickle.port") && oport=$(port_of "$tmp/other.port") ||
	{ fail "the fake hosts did not start"; exit 0; }
g=127.0.0.1:$gport
h=127.0.0.1:$hport
tr=127.0.0.1:$tport
o=127.0.0.1:$oport
"$cli" fleet serve "${targets[0]}" "$g" "$h" "$tr" "$o" --listen 127.0.0.1:0 --interval 1 >/dev/null 2>"$tmp/fleet2.log" &
f2=$!
pids+=("$f2")
f2port=$(listen_port "$f2" "$tmp/fleet2.log") || { fail "second fleet serve did not start"; exit 0; }
# Until a round has polled every host (each poll is bounded by the client).
for _ in $(seq 100); do
	curl -s "http://127.0.0.1:$f2port/v1/fleet" >"$tmp/bad.json"
	jq -e '.round >= 1' "$tmp/bad.json" >/dev/null 2>&1 && break
	sleep 0.1
done
echo "# $(jq -c '[.hosts[] | {host, state, error}]' "$tmp/bad.json")"
check_quiet "a host answering garbage is down with its reason" \
	jq -e --arg h "$g" '.hosts[] | select(.host == $h) | .state == "down" and (.error | test("not a cpustress exporter"))' "$tmp/bad.json"
check_quiet "a host answering a huge body is down with its reason" \
	jq -e --arg h "$h" '.hosts[] | select(.host == $h) | .state == "down" and (.error | test("larger|too large|bytes"))' "$tmp/bad.json"
check_quiet "a host trickling its answer is down with its reason, not waited for" \
	jq -e --arg h "$tr" '.hosts[] | select(.host == $h) | .state == "down" and (.error | test("within"))' "$tmp/bad.json"
check_quiet "the good host is still running beside them" \
	jq -e --arg h "${targets[0]}" '.hosts[] | select(.host == $h) | .state == "running"' "$tmp/bad.json"
curl -s "http://127.0.0.1:$f2port/v1/fleet/loadtests" >"$tmp/badl.json"
check_quiet "the merged list keeps the good host's results and names both bad hosts" \
	jq -e --arg g "$g" --arg h "$h" '(.loadtests | length >= 2) and (.errors | has($g) and has($h))' "$tmp/badl.json"
code=$(curl -s -o "$tmp/c.json" -w '%{http_code}' "http://127.0.0.1:$f2port/v1/fleet/compare?r=${targets[0]}/x-1&cost=abc")
check "a typed cost that is not a number: 400 naming it ($(jq -r .error "$tmp/c.json"))" \
	bash -c "[[ $code == 400 ]] && grep -q \"cost of result 1: 'abc' is not a price\" '$tmp/c.json'"
code=$(curl -s -o "$tmp/c.json" -w '%{http_code}' "http://127.0.0.1:$f2port/v1/fleet/compare?r=$g/x-1")
check "a result from a host answering garbage: 502 naming it ($(jq -r .error "$tmp/c.json"))" \
	bash -c "[[ $code == 502 ]] && grep -qF '$g' '$tmp/c.json'"
code=$(curl -s -m 20 -o "$tmp/c.json" -w '%{http_code}' "http://127.0.0.1:$f2port/v1/fleet/compare?r=$o/x-1")
check "a result file of another format: 502 naming the host and the format ($(jq -r .error "$tmp/c.json"))" \
	bash -c "[[ $code == 502 ]] && grep -qF '$o' '$tmp/c.json' && grep -qi 'format' '$tmp/c.json'"
code=$(curl -s -m 20 -o "$tmp/c.json" -w '%{http_code}' "http://127.0.0.1:$f2port/v1/fleet/compare?r=$tr/x-1")
check "a result from a host trickling it: 502 naming the host ($(jq -r .error "$tmp/c.json"))" \
	bash -c "[[ $code == 502 ]] && grep -qF '$tr' '$tmp/c.json'"
code=$(curl -s -m 5 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$f2port/v1/fleet")
check "meanwhile the fleet server still answers at once ($code)" test "$code" = 200
# --- who may start a load test through the fleet server -------------------

lt_count() { curl -s "http://${targets[0]}/v1/loadtests" | jq 'length'; }
post() { # post PORT [KEY]: the status of a POST of a short plan to host 0
	curl -s -m 20 -o "$tmp/p.json" -w '%{http_code}' -X POST ${2:+-H "apikey: $2"} \
		-H 'Content-Type: application/json' -d '{"busy":[50],"duration":1,"warmup":0}' \
		"http://127.0.0.1:$1/v1/fleet/${targets[0]}/loadtest?wait=0"
}
before=$(lt_count)
code=$(post "$f2port")
check "without --apikey-file, a POST without a key: 401, not passed on ($code)" test "$code" = 401
(umask 077 && echo "fleet-only-key-0001" >"$tmp/fkeys" && echo "$key" >>"$tmp/fkeys")
"$cli" fleet serve "${targets[0]}" --listen 127.0.0.1:0 --apikey-file "$tmp/fkeys" \
	>/dev/null 2>"$tmp/fleet3.log" &
f3=$!
pids+=("$f3")
f3port=$(listen_port "$f3" "$tmp/fleet3.log") || { fail "third fleet serve did not start"; exit 0; }
code=$(post "$f3port")
check "with --apikey-file, a POST without a key: 401 ($code), the server's keys never stand in" test "$code" = 401
code=$(post "$f3port" wrong-key-0000000)
check "with --apikey-file, a key not in it: 403 ($code: $(jq -r .error "$tmp/p.json" 2>/dev/null))" test "$code" = 403
check "no load test reached the host ($(lt_count), was $before)" test "$(lt_count)" = "$before"
code=$(post "$f3port" fleet-only-key-0001)
check "a key of the fleet server's file that the host lacks: the host's 403 ($code)" test "$code" = 403
code=$(post "$f3port" "$key")
check "a key of both: passed on, 202 ($code)" test "$code" = 202
for _ in $(seq 100); do
	[[ "$(curl -s "http://${targets[0]}/v1/stats" | jq -r '.loadtest.running')" == true ]] || break
	sleep 0.2
done

printf '[{"targets":["127.0.0.1:9"],"labels":{"cost_per_hour":"-1"}}]' >"$tmp/badcost.json"
"$cli" fleet serve --targets "$tmp/badcost.json" >/dev/null 2>"$tmp/badcost.err"
rc=$?
check "a cost_per_hour label that is not a positive number: exit 2 naming it ($(head -c 200 "$tmp/badcost.err"))" \
	bash -c "[[ $rc == 2 ]] && grep -q cost_per_hour '$tmp/badcost.err'"
