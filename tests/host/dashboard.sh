#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The dashboard (GET /) of a real `cpustress serve` (user engine, --load on
# CPUs 0-1) in Debian's Chromium, driven by Playwright (playwright-core from
# npm, the version pinned in tests/dashboard/package-lock.json, installed
# into build/node/; it downloads no browser). tests/dashboard/dashboard.mjs
# loads the page (once the server has some seconds of history), checks
# that the live chart opens with that history, waits for the live chart,
# runs a load test from the
# button (a wrong key first, then the right one; 2 levels of 1 s), and
# saves screenshots: build/dashboard.png (1280x800),
# build/dashboard-narrow.png (390 px wide) and build/dashboard-open.png (the
# page as it first draws, its live chart from the history).
#   tests/host/dashboard.sh [CPUSTRESS]   (default userspace/cpustress)
# Environment: CHROMIUM (default /usr/bin/chromium), BUILD (default build).
set -uo pipefail

root=$(cd "$(dirname "$0")/../.." && pwd)
cli=${1:-userspace/cpustress}
build=${BUILD:-$root/build}
chromium=${CHROMIUM:-/usr/bin/chromium}
nodedir=$build/node
png=$build/dashboard.png
png_narrow=$build/dashboard-narrow.png
png_open=$build/dashboard-open.png
key=dashboard-test-key-0123456789
levels=2		# the plan dashboard.mjs submits: busy 50,100 ...
points_min=3		# ... and the live chart's points it waits for
history_min=5		# points of /v1/history before the page opens

CHECKS=(
	"GET / answers 200 text/html with the page of web/index.html"
	"no console error or warning and no page error"
	"the live chart has $points_min+ points for the total and every CPU of /v1/stats"
	"the live chart opens with the server's history: GET /v1/history before the first /v1/stats, points from before the page opened"
	"the page's WINDOW_MS is /v1/history's windowMs"
	"a wrong key shows the server's 403 message"
	"a load test runs from the button and its curve shows $levels points"
	"the API key is not kept in localStorage"
	"no horizontal scrolling at 390 px"
	"screenshot saved (PNG, non-trivial size)"
	"the result's engine line counts its CPUs in words that agree ('1 CPU', '2 CPUs')"
	"the per-CPU table shows each loaded CPU's recent median ± spread and its p10..p90"
)

T=dashboard
. "$root/tests/host/lib.sh"

# Every check fails with @1 as the reason: nothing could be tried.
fail_all() {
	local c
	for c in "${CHECKS[@]}"; do
		fail "$c: $1"
	done
	exit 0
}

tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-dashboard.XXXXXX")
private_user_engine "$tmp/ue"
srv=
cleanup() {
	if [[ -n "$srv" ]] && kill -0 "$srv" 2>/dev/null; then
		kill -TERM "$srv"
		wait "$srv" 2>/dev/null
	fi
	stop_user_engines "$tmp"
	rm -rf "$tmp"
}
trap cleanup EXIT

[[ -x "$cli" ]] || fail_all "$cli not built (make cli)"
for tool in node npm jq curl; do
	command -v "$tool" >/dev/null || fail_all "$tool missing (make deps)"
done
[[ -x "$chromium" ]] || fail_all "chromium missing: no $chromium (make deps)"

# playwright-core, as the lock file pins it; reinstalled when the lock changes.
if [[ ! -f "$nodedir/node_modules/playwright-core/package.json" ]] ||
   ! cmp -s "$root/tests/dashboard/package-lock.json" "$nodedir/package-lock.json"; then
	if ! mkdir -p "$nodedir" ||
	   ! cp "$root/tests/dashboard/package.json" "$root/tests/dashboard/package-lock.json" "$nodedir/"; then
		fail_all "cannot write $nodedir"
	fi
	if ! npm ci --prefix "$nodedir" --ignore-scripts --no-audit --no-fund \
	     >"$tmp/npm.log" 2>&1; then
		rm -f "$nodedir/package-lock.json"	# try again next time
		fail_all "npm ci of tests/dashboard failed: $(grep -v 'Unknown user config' "$tmp/npm.log" | tail -3 | tr '\n' ' ')"
	fi
fi
echo "# playwright-core $(jq -r .version "$nodedir/node_modules/playwright-core/package.json") in $nodedir, $("$chromium" --version 2>/dev/null | head -1)"

# The server, on a free loopback port (found by binding port 0).
printf '# keys for the dashboard test\n%s\n' "$key" >"$tmp/keys"
chmod 600 "$tmp/keys"
port=
for _ in 1 2 3; do
	p=$(node -e 'const s = require("net").createServer();
		s.listen(0, "127.0.0.1", () => { console.log(s.address().port); s.close(); });')
	"$cli" serve --engine user --load --cpus 0-1 --listen "127.0.0.1:$p" \
		--state-dir "$tmp/state" --apikey-file "$tmp/keys" \
		>"$tmp/serve.log" 2>&1 &
	srv=$!
	for _ in $(seq 100); do
		curl -sf "http://127.0.0.1:$p/v1/ping" >/dev/null 2>&1 && { port=$p; break; }
		kill -0 "$srv" 2>/dev/null || break
		sleep 0.1
	done
	[[ -n "$port" ]] && break
	kill -TERM "$srv" 2>/dev/null
	wait "$srv" 2>/dev/null
	srv=
done
[[ -n "$port" ]] || fail_all "cpustress serve did not answer /v1/ping: $(tail -3 "$tmp/serve.log" | tr '\n' ' ')"
url=http://127.0.0.1:$port
echo "# cpustress serve --engine user --load --cpus 0-1 on $url"

# 1. The page as served.
got=$(curl -sS -o "$tmp/page.html" -w '%{http_code} %{content_type}' "$url/" 2>&1)
if [[ "$got" =~ ^200\ text/html ]] && cmp -s "$tmp/page.html" "$root/web/index.html"; then
	pass "${CHECKS[0]}"
else
	fail "${CHECKS[0]}: got '$got', $(wc -c <"$tmp/page.html") bytes$(cmp -s "$tmp/page.html" "$root/web/index.html" || echo ', not web/index.html')"
fi

# Some seconds of history for the page to open with (a point a second).
for _ in $(seq 150); do
	n=$(curl -sf "$url/v1/history" 2>/dev/null | jq '.points|length' 2>/dev/null)
	[[ "${n:-0}" -ge "$history_min" ]] && break
	sleep 0.1
done
curl -sf "$url/v1/history" >"$tmp/history.json" 2>/dev/null
echo "# /v1/history before the page opens: $(jq -c '{windowMs, stepMs, points: (.points|length), span_ms: (.points[-1].timestampMs - .points[0].timestampMs)}' "$tmp/history.json" 2>/dev/null)"

# The browser part: one report, checked below.
rm -f "$png" "$png_narrow" "$png_open"
timeout 240 node "$root/tests/dashboard/dashboard.mjs" --url "$url" --key "$key" \
	--node-dir "$nodedir" --chromium "$chromium" --png "$png" \
	--png-narrow "$png_narrow" --png-open "$png_open" \
	--report "$tmp/report.json" >"$tmp/node.log" 2>&1
rc=$?
rep=$tmp/report.json
if [[ ! -s "$rep" ]] || ! jq -e . "$rep" >/dev/null 2>&1; then
	why="the browser script wrote no report (exit $rc): $(tail -3 "$tmp/node.log" | tr '\n' ' ')"
	for c in "${CHECKS[@]:1}"; do
		fail "$c: $why"
	done
	exit 0
fi
# q FILTER: one value from the report, raw.
q() { jq -r "$1" "$rep"; }
if [[ "$(q .error)" != null ]]; then
	echo "# browser script stopped at '$(q .phase)': $(q .error)"
fi
why_stop=
[[ "$(q .error)" == null ]] || why_stop="; stopped at '$(q .phase)': $(q .error)"
echo "# page: $(q '.page|tostring'); content security policy $(q .csp)"

# 2. Console: the one refusal logged for the wrong key is expected.
unexpected=$(jq -r '.console[]
	| select(.type == "error" or .type == "warning")
	| select((.url | endswith("/v1/loadtest?wait=0")) and (.text | test("status of 403")) | not)
	| "\(.type): \(.text) (\(.url))"' "$rep")
perrs=$(jq -r '.pageErrors[]' "$rep")
failed_reqs=$(jq -r '.failedRequests[] | select(.phase != "done") | "\(.url): \(.error)"' "$rep")
if [[ "$(q .phase)" == "done" && -z "$unexpected$perrs$failed_reqs" ]]; then
	pass "${CHECKS[1]}"
elif [[ -n "$unexpected$perrs$failed_reqs" ]]; then
	fail "${CHECKS[1]}: $(printf '%s %s %s' "$unexpected" "$perrs" "$failed_reqs" | tr '\n' ' ' | head -c 600)"
else
	fail "${CHECKS[1]}: the browser script did not finish$why_stop"
fi

# 3. The live chart: a series per CPU that /v1/stats lists, and the total.
echo "# CPUs in /v1/stats: $(q '.statsCpus // [] | map(tostring) | join(" ")'); chart points: $(q '.chart.series // [] | map("\(.name) \(.points)") | join(", ")')"
if jq -e --argjson min "$points_min" '
	(.statsCpus | length > 0) and
	(.chart.series as $s | (["total"] + (.statsCpus | map("cpu\(.)")))
	 | all(. as $n | $s | any(.name == $n and .points >= $min))) and
	(.chart.canvas.width > 0)' "$rep" >/dev/null 2>&1; then
	pass "${CHECKS[2]}"
else
	fail "${CHECKS[2]}: $(q '.chart.series // [] | map("\(.name) \(.points)") | join(", ")')$why_stop"
fi

# 3b. The history: asked for before the first poll, and drawn at once,
# reaching back before the page was opened (the polls alone cannot).
echo "# the page's first requests: $(q '.requests[:4]|join(", ")'); its first chart: $(q '.firstChart|tostring'), opened at $(q .opened)"
if jq -e '(.requests | index("GET /v1/history")) as $h |
	(.requests | index("GET /v1/stats")) as $s |
	$h != null and ($s == null or $h < $s) and
	.firstChart.points >= 4 and .opened - .firstChart.oldestMs >= 3000' "$rep" >/dev/null 2>&1; then
	pass "${CHECKS[3]}"
else
	fail "${CHECKS[3]}: requests $(q '.requests[:4]|join(", ")'), first chart $(q '.firstChart|tostring'), opened $(q .opened)$why_stop"
fi

# 3c. One length of window, in the server and in the page.
expr=$(sed -n 's/^const WINDOW_MS = \([^;]*\);.*/\1/p' "$root/web/index.html")
page_ms=$(node -e "console.log(${expr:-NaN})" 2>/dev/null)
server_ms=$(jq -r .windowMs "$tmp/history.json" 2>/dev/null)
if [[ -n "$page_ms" && "$page_ms" == "$server_ms" ]]; then
	pass "${CHECKS[4]} ($page_ms)"
else
	fail "${CHECKS[4]}: the page has '$expr' = '$page_ms', the server '$server_ms'"
fi

# 4. A wrong key: 403 and the server's own sentence on the page.
if jq -e '.wrongKey as $w | $w.status == 403 and ($w.serverError | length > 0) and
	($w.message | contains($w.serverError))' "$rep" >/dev/null 2>&1; then
	pass "${CHECKS[5]}"
else
	fail "${CHECKS[5]}: $(q '.wrongKey|tostring')$why_stop"
fi

# 5. The load test: 202 from the button's POST, then the finished curve,
# point for point the result the server keeps.
id=$(q '.run.id // ""')
echo "# load test: POST $(q '.run.plan|tostring') -> $(q .run.status), id $id; curve $(q '.sweep.points|tostring'), status $(q .sweep.status)"
stored=$tmp/stored.json
if [[ "$id" =~ ^[A-Za-z0-9-]+$ ]]; then
	curl -sf "$url/v1/loadtests/$id" >"$stored" 2>/dev/null
fi
if jq -e --argjson n "$levels" '.run.status == 202 and .run.apikeyHeader and
	.sweep.id == .run.id and .sweep.status == "complete" and
	(.sweep.points | length == $n) and
	(.sweep.points | map(.[1] > 0) | all)' "$rep" >/dev/null 2>&1 &&
   [[ -s "$stored" ]] &&
   [[ "$(jq -c '[.results[] | [.busyPct, .workUnits]]' "$stored")" == "$(q '.sweep.points|tostring')" ]]; then
	pass "${CHECKS[6]}"
else
	fail "${CHECKS[6]}: run $(q '.run|tostring' | head -c 300), curve $(q '.sweep|tostring' | head -c 300), stored $(jq -c '.results' "$stored" 2>/dev/null)$why_stop"
fi

# The result's engine and CPU count, the noun agreeing with the number.
ncores=$(jq -r '.numCores // empty' "$stored" 2>/dev/null)
if ((ncores == 1)); then want="user, 1 CPU"; else want="user, $ncores CPUs"; fi
if [[ -n $ncores && "$(q '.sweep.engine')" == "$want" ]]; then
	pass "${CHECKS[10]}: '$want'"
else
	fail "${CHECKS[10]}: shows '$(q '.sweep.engine')', want '$want'"
fi

# 6. The key stays out of persistent storage.
if [[ "$(q '.run.keyInStorage.local')" == false ]]; then
	pass "${CHECKS[7]}"
else
	fail "${CHECKS[7]}: localStorage holds it: $(q '.run.keyInStorage|tostring')$why_stop"
fi

# 7. Narrow screens.
if jq -e '.narrowOverflow != null and .narrowOverflow <= 0' "$rep" >/dev/null 2>&1; then
	pass "${CHECKS[8]}"
else
	fail "${CHECKS[8]}: the page is $(q .narrowOverflow) px wider than the window$why_stop"
fi

# 8. The screenshot, for a person to look at.
magic=$(head -c 8 "$png" 2>/dev/null | od -An -tx1 | tr -d ' \n')
size=$(stat -c %s "$png" 2>/dev/null || echo 0)
if [[ "$magic" == 89504e470d0a1a0a && "$size" -gt 20000 ]]; then
	pass "${CHECKS[9]}"
	echo "# screenshots: $png ($size bytes), $png_narrow ($(stat -c %s "$png_narrow" 2>/dev/null || echo 0) bytes), $png_open ($(stat -c %s "$png_open" 2>/dev/null || echo 0) bytes)"
else
	fail "${CHECKS[9]}: $png: ${size} bytes, magic '$magic'$why_stop"
fi

# 9. The Recent column (/v1/stats' recent): "median ±spread %" in every row
# (both CPUs are loaded), the p10..p90 and sample count in its title.
echo "# recent column: $(q '.recent // [] | map(.text + " (" + .title + ")") | join(", ")')"
if jq -e '(.recent | length) >= 1 and (.recent | all(
	(.text | test("^[0-9,]+ ±[0-9.]+ %$")) and
	(.title | test("^p10..p90 [0-9,]+–[0-9,]+ over the last [0-9]+ samples$"))))' \
	"$rep" >/dev/null 2>&1; then
	pass "${CHECKS[11]}"
else
	fail "${CHECKS[11]}: $(q '.recent|tostring' | head -c 300)$why_stop"
fi
