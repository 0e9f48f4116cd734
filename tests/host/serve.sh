#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# cpustress serve with the user-space engine on the host, on loopback:
# every endpoint's status, headers and body, the API key refusals, load
# tests (one at a time, stored, listed), bad input (garbage, huge headers
# and bodies, a trickled request, idle connections) after each of which
# /cpu-perf must still answer, wrk on /metrics and /cpu-perf, and a SIGTERM
# in the middle of a load test.
#   tests/host/serve.sh [CPUSTRESS]   (default userspace/cpustress)
set -uo pipefail

cli=${1:-userspace/cpustress}
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-serve.XXXXXX")
pid=
key=test-key-0001

stop_serve() {
	if [[ -n "$pid" ]]; then
		kill -TERM "$pid" 2>/dev/null
		wait "$pid" 2>/dev/null
		pid=
	fi
}
trap 'stop_serve; stop_user_engines "$tmp"; rm -rf "$tmp"' EXIT

T=serve
. "$(dirname "$0")/lib.sh"
private_user_engine "$tmp/ue"

need_exec "$cli" "make cli"
need_tools curl jq

# start_serve ARGS...: serve on a free loopback port (the kernel picks it,
# the log names it); sets pid, port and url. Returns 1 if it did not start.
start_serve() {
	: >"$tmp/log"
	"$cli" serve --engine user --state-dir "$tmp/state" \
		--apikey-file "$tmp/keys" --log-level debug "$@" \
		>"$tmp/stdout" 2>"$tmp/log" &
	pid=$!
	port=
	for _ in $(seq 100); do
		port=$(sed -n 's/.* info listening on \(127\.0\.0\.1\|\[::1\]\):\([0-9]*\),.*/\2/p' "$tmp/log")
		[[ -n "$port" ]] && break
		kill -0 "$pid" 2>/dev/null || break
		sleep 0.05
	done
	[[ -n "$port" ]]
}

# get PATH [CURL ARGS...]: sets code, ctype, body, hdrs (a file).
get() {
	local path=$1
	shift
	: >"$tmp/hdrs"
	code=$(curl -s -m 10 -o "$tmp/body" -D "$tmp/hdrs" \
		-w '%{http_code}' "$@" "$url$path")
	ctype=$(sed -n 's/^Content-Type: \(.*\)\r$/\1/Ip' "$tmp/hdrs")
	body=$(cat "$tmp/body")
}
header() { grep -qiF "$1" "$tmp/hdrs"; }
jqb() { jq -e "$@" <<<"$body" >/dev/null 2>&1; }
jqf() { jq -e "$@" >/dev/null 2>&1; }
post() {
	get "$1" -X POST -H "Content-Type: application/json" "${@:2}"
}

# /cpu-perf answers a positive integer: the check run after each attack.
cpu_perf_ok() {
	get /cpu-perf
	[[ "$code" = 200 && "$body" =~ ^[0-9]+$ && "$body" -gt 0 ]]
}

serve_fds() { ls "/proc/$pid/fd" 2>/dev/null | wc -l; }

# --- refused at the start --------------------------------------------------

"$cli" serve --listen 8080 >/dev/null 2>"$tmp/err"
rc=$?
check "--listen 8080 exits 2 naming the value ($rc)" \
	test "$rc" = 2 -a "$(grep -c "'8080' has no port" "$tmp/err")" = 1
LISTENADDRESS='[::1]' "$cli" serve >/dev/null 2>"$tmp/err"
rc=$?
check "a bad LISTENADDRESS exits 2 naming it ($rc)" \
	test "$rc" = 2 -a "$(grep -c "LISTENADDRESS: '\[::1\]'" "$tmp/err")" = 1
: >"$tmp/a-file"
"$cli" serve --engine user --listen 127.0.0.1:0 --state-dir "$tmp/a-file" \
	>/dev/null 2>"$tmp/err"
rc=$?
check "an unusable state directory exits 1 naming it ($rc)" \
	test "$rc" = 1 -a "$(grep -c "state directory $tmp/a-file" "$tmp/err")" = 1
# A server that fails to start leaves no state directory behind: here the
# engine cannot open (no module); a port in use is checked below.
if ! grep -q '^cpustress ' /proc/modules 2>/dev/null; then
	"$cli" serve --engine kernel --listen 127.0.0.1:0 \
		--state-dir "$tmp/no-engine/state" >/dev/null 2>"$tmp/err"
	rc=$?
	check "serve whose engine cannot open: exit 1, no state directory left ($rc)" \
		test "$rc" = 1 -a ! -e "$tmp/no-engine"
fi

# --- the endpoints ------------------------------------------------------

printf '# the keys of the test\n\n   %s   \nshort\n' "$key" >"$tmp/keys"
chmod 666 "$tmp/keys"	# warned about below, then 600
if ! start_serve --load --cpus 0 --listen 127.0.0.1:0 --request-timeout 2; then
	fail "did not start: $(head -c 400 "$tmp/log")"
	exit 0
fi
url="http://127.0.0.1:$port"
check "start line names address, engine, state dir and 1 API key" \
	grep -q "info listening on 127.0.0.1:$port, engine user, state dir $tmp/state, 1 API key\$" "$tmp/log"
check "the short key is ignored with a warning naming its line" \
	grep -q "warn $tmp/keys:4: a key of 5 characters, ignored" "$tmp/log"
check "a key file others can read and write is warned about at start" \
	grep -q "warn the API key file $tmp/keys is readable and writable by others (mode 0666): chmod 600" "$tmp/log"
chmod 600 "$tmp/keys"
check "state directory created 0700" \
	test "$(stat -c %a "$tmp/state")" = 700
"$cli" serve --engine user --listen "127.0.0.1:$port" \
	--state-dir "$tmp/port-in-use" >/dev/null 2>"$tmp/err"
rc=$?
check "serve on a port in use: exit 1 naming it, no state directory made ($rc: $(head -c 200 "$tmp/err"))" \
	test "$rc" = 1 -a ! -e "$tmp/port-in-use" -a \
	"$(grep -c "127.0.0.1:$port" "$tmp/err")" -ge 1
for _ in $(seq 50); do cpu_perf_ok && break; sleep 0.1; done

get /cpu-perf
check "GET /cpu-perf: 200, text/plain, a positive integer ($code '$body')" \
	test "$code" = 200 -a "$ctype" = "text/plain; charset=utf-8" \
	-a -n "$(grep -xE '[1-9][0-9]*' <<<"$body")"
check "GET /cpu-perf: one line ending in a newline" \
	test "$(od -An -c "$tmp/body" | tr -d ' \n' | tail -c 2)" = '\n'
check "GET /cpu-perf: Cache-Control: no-store" header "Cache-Control: no-store"
exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'HEAD /cpu-perf HTTP/1.0\r\n\r\n' >&3
timeout 5 cat <&3 >"$tmp/head"
exec 3<&-
check "HEAD /cpu-perf: 200, headers only" \
	test "$(head -1 "$tmp/head" | tr -d '\r')" = "HTTP/1.1 200 OK" -a \
	"$(tail -c 4 "$tmp/head" | od -An -c | tr -d ' \n')" = '\r\n\r\n'

get /metrics
check "GET /metrics: 200, Content-Type exactly text/plain; version=0.0.4; charset=utf-8" \
	test "$code" = 200 -a "$ctype" = "text/plain; version=0.0.4; charset=utf-8"
check "GET /metrics: per-CPU ops/s of CPU 0" \
	grep -qE '^cpustress_work_units_per_second\{cpu="0"\} [0-9.]+$' "$tmp/body"
if command -v promtool >/dev/null; then
	promtool check metrics <"$tmp/body" >"$tmp/promtool" 2>&1
	rc=$?
	check "promtool check metrics is clean on a live /metrics ($(head -c 300 "$tmp/promtool"))" \
		test "$rc" = 0 -a ! -s "$tmp/promtool"
else
	fail "promtool missing (make deps)"
fi

get /v1/ping
check "GET /v1/ping: 200 {status: ok, version}" \
	test "$code" = 200 -a "$ctype" = application/json
check "GET /v1/ping: body" jqb '.status=="ok" and (.version|type=="string")'
get /v1/stats
check "GET /v1/stats: 200 JSON" test "$code" = 200 -a "$ctype" = application/json
check "GET /v1/stats: user engine, running on CPU 0, per-CPU rows" \
	jqb '.engine=="user" and .running and .config.cpus=="0" and
	     (.cpus|length>=1) and (.cpus[0].opsPerSec>0)'
# How steady the rate is: once the run has 2 samples (interval 1 s), CPU 0's
# recent figures are in order; a CPU not loaded has none.
recent_ok='(.cpus[] | select(.cpu==0) | .recent) as $r | $r.n>=2 and $r.n<=30 and
	$r.medianOpsPerSec>0 and $r.p10OpsPerSec<=$r.medianOpsPerSec and
	$r.medianOpsPerSec<=$r.p90OpsPerSec and ($r.spreadPct|type=="number") and
	([.cpus[] | select(.cpu!=0) | .recent == null] | all)'
for _ in $(seq 40); do
	get /v1/stats
	jqb "$recent_ok" && break
	sleep 0.25
done
check "GET /v1/stats: CPU 0's recent n >= 2, p10 <= median <= p90, idle CPUs null ($(jq -c '[.cpus[] | {cpu, recent}]' <<<"$body" 2>&1 | head -c 400))" \
	jqb "$recent_ok"
get /
check "GET /: 200 text/html" \
	test "$code" = 200 -a "$ctype" = "text/html; charset=utf-8"
check "GET /: an HTML page" grep -qi '<html' "$tmp/body"
check "GET /: Content-Security-Policy" \
	header "Content-Security-Policy: default-src 'self'; script-src 'self' 'unsafe-inline'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; connect-src 'self'"
check "GET /: X-Content-Type-Options: nosniff" header "X-Content-Type-Options: nosniff"
get /v1/loadtests
check "GET /v1/loadtests: 200, [] before any load test" \
	test "$code" = 200 -a "$ctype" = application/json -a "$body" = "[]"

get /nope
check "GET /nope: 404 JSON error" test "$code" = 404 -a "$ctype" = application/json
check "404 body is {error}" jqb '.error|type=="string"'
check "404 has Cache-Control: no-store" header "Cache-Control: no-store"
get "/metrics?x=1"
check "GET /metrics?x=1: 404 (no query strings)" test "$code" = 404
get /cpu-perf/
check "GET /cpu-perf/: 404 (exact paths)" test "$code" = 404
get /metrics -X POST
check "POST /metrics: 405 with Allow: GET, HEAD" \
	test "$code" = 405 -a "$(grep -ci '^Allow: GET, HEAD' "$tmp/hdrs")" = 1
get /v1/loadtest
check "GET /v1/loadtest: 405 with Allow: POST" \
	test "$code" = 405 -a "$(grep -ci '^Allow: POST' "$tmp/hdrs")" = 1
get /v1/loadtests/bad.id
check "GET /v1/loadtests/bad.id: 400" test "$code" = 400
get /v1/loadtests/20200101-000000-000
check "GET /v1/loadtests/unknown: 404" test "$code" = 404

# --- API keys: no sweep without a good one -----------------------------

post /v1/loadtest
check "POST without apikey: 401 'missing apikey header'" \
	test "$code" = 401 -a "$(jq -r .error <<<"$body")" = "missing apikey header"
check "401 without WWW-Authenticate" \
	test "$(grep -ci '^WWW-Authenticate' "$tmp/hdrs")" = 0
post /v1/loadtest -H "apikey: wrong-key-0001"
check "POST with a wrong key: 403" test "$code" = 403
post /v1/loadtest -H "X-API-Key: $key"
check "POST with X-API-Key instead of apikey: 401" test "$code" = 401
printf '# no keys yet\n' >"$tmp/keys"
post /v1/loadtest -H "apikey: $key"
check "POST with an empty key file: 403, load tests not enabled, no path told" \
	test "$code" = 403 -a "$(jq -r .error <<<"$body")" = "load tests are not enabled on this server (no API key is set up)"
check "... and the log says which file has no key and how to add one" \
	grep -qF "warn a load test refused: the API key file $tmp/keys has no usable key: add a key of at least 8 characters with 'echo KEY >> $tmp/keys'" "$tmp/log"
printf '%s\n' "$key" >"$tmp/keys"
get /v1/loadtests
check "no load test ran after the refusals" \
	test "$body" = "[]" -a "$(grep -c 'load test .* started' "$tmp/log")" = 0

# --- bad bodies -------------------------------------------------------------

post /v1/loadtest -H "apikey: $key" -d '{"duration": 99}'
check "POST {duration: 99}: 400 naming the field" \
	test "$code" = 400 -a -n "$(jq -r .error <<<"$body" | grep '^field duration: ')"
post /v1/loadtest -H "apikey: $key" -d '{"busy": [50, 40]}'
check "POST {busy: [50, 40]}: 400 naming the field" \
	test "$code" = 400 -a -n "$(jq -r .error <<<"$body" | grep '^field busy: ')"
post /v1/loadtest -H "apikey: $key" -d '{"speed": 1}'
check "POST {speed: 1}: 400 unknown field" \
	test "$code" = 400 -a -n "$(jq -r .error <<<"$body" | grep "unknown field 'speed'")"
post /v1/loadtest -H "apikey: $key" -d '{"runs": 5, "duration": 30}'
check "POST a plan over the 2-minute limit: 400" \
	test "$code" = 400 -a -n "$(jq -r .error <<<"$body" | grep 'a load test may take')"
get /v1/loadtest -X POST -H "apikey: $key" -d 'busy=50'
check "POST a form body: 415" test "$code" = 415
get "/v1/loadtest?wait=2" -X POST -H "apikey: $key"
check "POST ?wait=2: 400" test "$code" = 400
# A plan refused for a CPU that is not online changes nothing: the --load
# run is not stopped and restarted for it (the log names each start).
loads=$(grep -c -- '--load: run [0-9]* at busy' "$tmp/log")
post /v1/loadtest -H "apikey: $key" -d '{"busy": [100], "cpus": "4000"}'
check "POST {cpus: \"4000\"} (not online): 400 naming the field" \
	test "$code" = 400 -a -n "$(jq -r .error <<<"$body" | grep '^field cpus: CPU 4000 is not online')"
sleep 0.2
check "a plan refused for its CPUs leaves the --load run alone ($loads starts before)" \
	test "$(grep -c -- '--load: run [0-9]* at busy' "$tmp/log")" = "$loads"

# --- load tests -------------------------------------------------------------

plan='{"busy": [50, 100], "duration": 1, "warmup": 0}'
post "/v1/loadtest?wait=0" -H "apikey: $key" -d "$plan"
id1=$(jq -r .id <<<"$body" 2>/dev/null)
check "POST ?wait=0: 202 with id and location ($code $body)" \
	test "$code" = 202 -a "$(jq -r .location <<<"$body")" = "/v1/loadtests/$id1"
loc=$(sed -n 's/^Location: \(.*\)\r$/\1/Ip' "$tmp/hdrs")
check "POST ?wait=0: 202 with a Location header naming the result ('$loc')" \
	test "$loc" = "/v1/loadtests/$id1"
get "$loc"
check "GET of the Location: 200, the load test just started, running ($code)" \
	test "$code" = 200 -a "$ctype" = application/json -a \
	"$(jq -r .cpustress.status <<<"$body")" = running
ts1=$(jq -r .timestamp <<<"$body")
get /v1/loadtests
check "... the one /v1/loadtests lists as $id1" \
	jqb ".[0].id==\"$id1\" and .[0].timestamp==$ts1"
post /v1/loadtest -H "apikey: $key" -d "$plan"
check "a second POST while one runs: 409 naming the running one" \
	test "$code" = 409 -a "$(jq -r .id <<<"$body")" = "$id1"
# Every 409 has one shape: a sentence, and the running load test's ID.
shape='keys==["error","id"] and (.error|type=="string" and length>0)'
check "... its body is {error, id} ($body)" jqb "$shape"
post "/v1/loadtests/20200101-000000-000/stop" -H "apikey: $key"
check "POST .../stop of another ID while $id1 runs: 409 {error, id} naming $id1, not the ID asked for ($body)" \
	test "$code" = 409 -a "$(jq -r .id <<<"$body")" = "$id1" -a \
	-n "$(jq -r .error <<<"$body" | grep -F "load test 20200101-000000-000 is not running: the one running is $id1")"
check "... the same keys as the POST's 409" jqb "$shape"
check "/cpu-perf answers during the load test" cpu_perf_ok
get "/v1/loadtests/$id1"
check "GET /v1/loadtests/ID during the load test: status running" \
	jqb '.cpustress.status=="running"'
for _ in $(seq 100); do
	get "/v1/loadtests/$id1"
	jqb '.cpustress.status!="running"' && break
	sleep 0.1
done
check "the ?wait=0 load test completes and is stored" \
	jqb '.cpustress.status=="complete" and (.results|length==2)'

# A waiting POST, in the background; /cpu-perf meanwhile.
curl -s -m 30 -o "$tmp/post" -w '%{http_code}' -X POST -H "apikey: $key" \
	-H "Content-Type: application/json" -d "$plan" "$url/v1/loadtest" \
	>"$tmp/post.code" &
cpid=$!
sleep 0.5
check "/cpu-perf answers while a POST waits for its load test" cpu_perf_ok
wait "$cpid"
body=$(cat "$tmp/post")
check "POST /v1/loadtest: 200 ($(cat "$tmp/post.code"))" test "$(cat "$tmp/post.code")" = 200
check "POST result: pcd fields, 2 results, maxUnits > 0, unitsPerSec = maxUnits/numCores" \
	jqb '(.hostname|type=="string") and (.timestamp|type=="number") and
	     (.results|length==2) and (.results|map(.busyPct)==[50,100]) and
	     .maxUnits>0 and (.unitsPerSec==((.maxUnits/.numCores)|round)) and
	     (.avgUnits|type=="number") and (has("error")|not)'
get /v1/loadtests
check "GET /v1/loadtests: both, newest first" \
	jqb "length==2 and .[1].id==\"$id1\" and .[0].id>.[1].id and
	     (map(.status)|all(.==\"complete\")) and
	     (.[0]|(.engine==\"user\" and .numCores>=1 and .maxUnits>0 and (.timestamp|type==\"number\")))"
id2=$(jq -r '.[0].id' <<<"$body")
get "/v1/loadtests/$id2"
check "GET /v1/loadtests/ID: the stored result, same as the POST's answer" \
	test "$code" = 200 -a "$ctype" = application/json -a "$body" = "$(cat "$tmp/post")"
check "result files are named ID.json, no temporary file left" \
	test "$(ls -A "$tmp/state/loadtests" | sort | tr '\n' ' ')" = "$id1.json $id2.json "
for _ in $(seq 20); do
	get /v1/stats
	jqb '.running and .config.cpus=="0"' && break
	sleep 0.1
done
check "the --load run is back after the load tests" jqb '.running and .config.cpus=="0"'

# --- the recent history -------------------------------------------------------

# Some seconds in: a point per second, oldest first, within its bound.
get /v1/history
check "GET /v1/history: 200 JSON ($code)" test "$code" = 200 -a "$ctype" = application/json
echo "# /v1/history: $(jq -c '{windowMs, stepMs, points: (.points|length)}' <<<"$body" 2>/dev/null)"
check "GET /v1/history: more than 1 point, at most windowMs/stepMs, timestamps increasing by about stepMs" \
	jqb '.windowMs>0 and .stepMs>0 and (.points|length) as $n |
	     $n>1 and $n<=(.windowMs/.stepMs) and
	     (.stepMs as $s | [.points[].timestampMs] as $t |
	      [range(1; $n) | $t[.] - $t[.-1]] | all(. >= $s/2 and . < 4*$s))'
check "GET /v1/history: every point has opsPerSec and CPU 0's opsPerSec" \
	jqb '.points|all((.opsPerSec|type=="number") and
	     (.cpus|any(.cpu==0 and (.opsPerSec|type=="number"))))'
newest=$(jq -r '.points[-1].timestampMs' <<<"$body")
get /v1/stats
check "the newest point is the collector's last poll or one before ($newest, stats $(jq -r .timestampMs <<<"$body"))" \
	jqb ".timestampMs >= $newest and .timestampMs - $newest < 2000"
get "/v1/history?points=10"
check "GET /v1/history?points=10: 404 (no query strings)" test "$code" = 404
get /v1/history -X POST
check "POST /v1/history: 405" test "$code" = 405

# --- stopping a load test ---------------------------------------------------

post "/v1/loadtests/$id1/stop" -H "apikey: $key"
check "POST .../stop with no load test running: 409 {error, id: null} ($body)" \
	test "$code" = 409 -a "$(jq -r '.id|type' <<<"$body")" = null -a \
	-n "$(jq -r .error <<<"$body" | grep -F "load test $id1 is not running: no load test is running")"
check "... the same keys as every 409" jqb "$shape"
post "/v1/loadtest?wait=0" -H "apikey: $key" \
	-d '{"busy": [10, 20, 30], "duration": 2, "warmup": 0}'
id4=$(jq -r .id <<<"$body" 2>/dev/null)
post "/v1/loadtests/$id4/stop" -H "apikey: $key"
loc=$(sed -n 's/^Location: \(.*\)\r$/\1/Ip' "$tmp/hdrs")
check "POST .../stop of the running one: 202 {id, location, stopping} and Location ($code $body, '$loc')" \
	test "$code" = 202 -a "$loc" = "/v1/loadtests/$id4" -a \
	"$(jq -c . <<<"$body")" = "{\"id\":\"$id4\",\"location\":\"$loc\",\"stopping\":true}"
for _ in $(seq 50); do
	get "$loc"
	jqb '.cpustress.status!="running"' && break
	sleep 0.1
done
check "the stopped load test is stored interrupted, at its Location, its error naming the stop request ($(jq -r .error <<<"$body"))" \
	jqb ".cpustress.status==\"interrupted\" and
	     (.error|startswith(\"stopped by a stop request (POST /v1/loadtests/$id4/stop) after \"))"

# --- bad input: each time /cpu-perf must still answer --------------------

exec 3<>"/dev/tcp/127.0.0.1/$port"
printf 'GARBAGE \001\002 nonsense\r\n\r\n' >&3
reply=$(timeout 5 head -1 <&3 | tr -d '\r')
exec 3<&-
check "garbage request line: '$reply'" test "$reply" = "HTTP/1.1 400 Bad Request"
check "/cpu-perf after garbage" cpu_perf_ok

big=$(head -c 65536 /dev/zero | tr '\0' a)
get /cpu-perf -H "X-Big: $big"
check "a 64 KiB header: 431 ($code)" test "$code" = 431
check "/cpu-perf after a 64 KiB header" cpu_perf_ok
get /cpu-perf -H "X-Big: ${big:0:9000}"
check "a 9000-byte header: 431 JSON ($code)" \
	test "$code" = 431 -a "$ctype" = application/json
get /cpu-perf -H "X-Big: ${big:0:7000}"
check "a 7000-byte header: 200" test "$code" = 200
get "/cpu-perf?${big}"
check "a 64 KiB request line: 414 JSON ($code)" test "$code" = 414 -a "$ctype" = application/json
check_header_sizes "$url"
check "/cpu-perf after the header sizes" cpu_perf_ok

head -c 10485760 /dev/zero >"$tmp/10m"
post /v1/loadtest -H "apikey: $key" --data-binary @"$tmp/10m"
check "a 10 MiB body: 413 ($code)" test "$code" = 413
check "/cpu-perf after a 10 MiB body" cpu_perf_ok
head -c 5000 /dev/zero | tr '\0' ' ' >"$tmp/5k"
post /v1/loadtest -H "apikey: $key" -H "Transfer-Encoding: chunked" \
	--data-binary @"$tmp/5k"
check "a 5000-byte chunked body: 413 ($code)" test "$code" = 413
check "/cpu-perf after a chunked body" cpu_perf_ok

# One byte a second: closed by the server after --request-timeout (2 s).
exec 3<>"/dev/tcp/127.0.0.1/$port"
(
	req=$'GET /cpu-perf HTTP/1.1\r\nHost: x\r\n'
	for ((i = 0; i < ${#req}; i++)); do
		printf '%s' "${req:i:1}" || exit 0
		sleep 1
	done
) >&3 2>/dev/null &
tpid=$!
t0=$(date +%s%N)
timeout 10 cat <&3 >/dev/null
t=$((($(date +%s%N) - t0) / 1000000))
exec 3<&-
kill "$tpid" 2>/dev/null
wait "$tpid" 2>/dev/null
check "a trickled request is closed by the server (after $t ms)" \
	test "$t" -ge 1500 -a "$t" -lt 4500
check "/cpu-perf after a trickled request" cpu_perf_ok

base=$(serve_fds)
fds=()
for _ in $(seq 200); do
	exec {fd}<>"/dev/tcp/127.0.0.1/$port" || break
	fds+=("$fd")
done
sleep 0.3
check "200 idle connections opened (${#fds[@]}), serve alive" \
	test "${#fds[@]}" = 200 -a -d "/proc/$pid"
echo "# serve fds: $base before, $(serve_fds) with 200 idle connections (at most --max-per-ip 64 kept)"
sleep 2.7
check "idle connections closed after the timeout ($(serve_fds) fds, $base before)" \
	test "$(serve_fds)" -le "$((base + 2))"
for fd in "${fds[@]}"; do exec {fd}<&-; done
check "/cpu-perf after 200 idle connections" cpu_perf_ok

# --- load ------------------------------------------------------------------

if command -v wrk >/dev/null; then
	for path in /metrics /cpu-perf; do
		wrk -t2 -c32 -d10s "$url$path" >"$tmp/wrk" 2>&1
		rps=$(sed -n 's/^Requests\/sec: *\([0-9.]*\).*/\1/p' "$tmp/wrk")
		echo "# wrk $path: $rps requests/s"
		check "wrk 10 s on $path: no errors, no non-2xx ($(grep -E 'Socket errors|Non-2xx' "$tmp/wrk" | tr -s ' ' | tr '\n' ' '))" \
			test -n "$rps" -a "$(grep -cE 'Socket errors|Non-2xx' "$tmp/wrk")" = 0
	done
else
	fail "wrk missing (make deps)"
fi
check "/cpu-perf after wrk" cpu_perf_ok
unexpected=$(grep -E ' (warn|error) ' "$tmp/log" | grep -vE 'libmicrohttpd: |a key of 5 characters|by others \(mode 0666\)|a load test refused: the API key file .* has no usable key'"|load test $id4 interrupted after ")
check "no warnings or errors beyond the expected ones in the log ($(head -c 400 <<<"$unexpected"))" \
	test -z "$unexpected"

# --- SIGTERM during a load test ------------------------------------------

curl -s -m 30 -o "$tmp/post" -w '%{http_code}' -X POST -H "apikey: $key" \
	-H "Content-Type: application/json" \
	-d '{"busy": [10, 20, 30, 40, 50], "duration": 1, "warmup": 0}' \
	"$url/v1/loadtest" >"$tmp/post.code" &
cpid=$!
for _ in $(seq 50); do
	get /v1/loadtests
	id3=$(jq -r '.[0].id' <<<"$body")
	[[ "$id3" != "$id4" ]] && [[ -n "$id3" ]] && break
	sleep 0.1
done
sleep 1.5
spid=$pid
t0=$(date +%s%N)
kill -TERM "$pid"
wait "$pid"
rc=$?
pid=
t=$((($(date +%s%N) - t0) / 1000000))
wait "$cpid"
check "SIGTERM during a load test: exit 0 in $t ms ($rc)" \
	test "$rc" = 0 -a "$t" -lt 3000
check "the waiting POST got 500 with the interrupted result" \
	test "$(cat "$tmp/post.code")" = 500 -a \
	"$(jq -r '.cpustress.status' "$tmp/post" 2>/dev/null)" = interrupted
check "stored result of the interrupted load test: valid JSON, status interrupted, error set" \
	jqf '.cpustress.status=="interrupted" and (.error|type=="string") and
	     (.cpustress.runs|length>=1)' "$tmp/state/loadtests/$id3.json"
check "log: one line at the stop" grep -q 'info stopped$' "$tmp/log"
check "no serve process left ($spid)" test ! -d "/proc/$spid"

# --- IPv6 loopback ----------------------------------------------------------

if [[ -e /proc/net/if_inet6 ]] && grep -q ' lo$' /proc/net/if_inet6; then
	if start_serve --listen '[::1]:0'; then
		url="http://[::1]:$port"
		get /v1/ping -g
		check "--listen [::1]:0: GET /v1/ping over IPv6 ($code)" test "$code" = 200
	else
		fail "--listen [::1]:0 did not start: $(head -c 300 "$tmp/log")"
	fi
	stop_serve
else
	echo "# no IPv6 loopback: the [::1] check is not run"
fi
