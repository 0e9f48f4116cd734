# SPDX-License-Identifier: GPL-2.0
# shellcheck shell=bash
# What the tests in tests/host/ share. Source it after setting T, the
# test's name: every line it prints starts "PASS $T: " or "FAIL $T: ".
#
#   pass TEXT          a PASS line
#   fail TEXT          a FAIL line; counts it in $failed
#   check NAME CMD...  PASS when CMD succeeds. A FAIL line says why: $why
#                      if CMD set it, else $why as it was before the call
#                      (a reason worked out beforehand), else what the
#                      test's check_detail function prints, if it has one.
#                      $why is cleared after each check.
#   check_quiet NAME CMD...  check, CMD's output discarded
#   capture CMD...     runs CMD, its output to $tmp/out and $tmp/err; sets
#                      rc, out and err ($tmp: the test's directory)
#   need_exec FILE HINT    FAIL and exit unless FILE is executable
#   need_tools TOOL... FAIL naming the missing ones and exit, unless all
#                      are on PATH (the hint: make deps)
#   private_user_engine DIR  --engine user in this test reaches its own
#                      engine process, its socket in DIR (made by it), not
#                      the host's: exports CPUSTRESS_USER_SOCK
#   stop_user_engines DIR  SIGTERM every engine process whose socket is
#                      under DIR and wait until each is gone: a FAIL line
#                      (and SIGKILL) for one still there after 5 s
#   vm_quota_cgroup PID  the directory of the CPU cgroup tools/vm/run
#                      --cpu-quota put qemu PID in (v1 or v2), or nothing
#   set_cgroup_quota DIR CPUS  change that cgroup's CFS quota to CPUS
#
# A test that cannot run prints one FAIL line and exits 0, so the runner
# counts it failed and goes on.

failed=0
why=

pass() { echo "PASS $T: $*"; }
fail() {
	echo "FAIL $T: $*"
	failed=$((failed + 1))
}

check() {
	local name=$1 before=$why detail
	shift
	why=
	if "$@"; then
		pass "$name"
	else
		detail=${why:-$before}
		if [[ -z $detail ]] && declare -F check_detail >/dev/null; then
			detail=$(check_detail)
		fi
		fail "$name${detail:+: $detail}"
	fi
	why=
}

check_quiet() {
	local name=$1
	shift
	check "$name" quiet "$@"
}
quiet() { "$@" >/dev/null 2>&1; }

capture() {
	"$@" >"$tmp/out" 2>"$tmp/err"
	rc=$?
	out=$(cat "$tmp/out")
	err=$(cat "$tmp/err")
}

need_exec() {
	if [[ ! -x $1 ]]; then
		fail "$1 not built or not executable ($2)"
		exit 0
	fi
}

need_tools() {
	local t missing=()
	for t in "$@"; do
		command -v "$t" >/dev/null || missing+=("$t")
	done
	if ((${#missing[@]})); then
		fail "${missing[*]} not installed (make deps)"
		exit 0
	fi
}

# check_header_sizes URL: GET URL/cpu-perf with one header X-Big of 8 KiB
# to 64 KiB in 4 KiB steps, and in 32-byte steps across 19.5 to 20 KiB
# (where libmicrohttpd once had no memory left to answer): every one is
# over CS_SERVE_HEADER_MAX and must get its 431, none a closed connection
# (status 000). One check line naming the sizes that did not.
check_header_sizes() {
	local url=$1 big sizes=() s code bad=
	big=$(head -c 65536 /dev/zero | tr '\0' a)
	for ((s = 8192; s <= 65536; s += 4096)); do sizes+=("$s"); done
	for ((s = 19968; s <= 20480; s += 32)); do sizes+=("$s"); done
	for s in "${sizes[@]}"; do
		code=$(curl -s -m 10 -o /dev/null -w '%{http_code}' \
			-H "X-Big: ${big:0:s}" "$url/cpu-perf")
		[[ $code = 431 ]] || bad+=" $s:$code"
	done
	why=${bad:+not answered 431 (size:status):$bad}
	check "headers of 8 KiB to 64 KiB (${#sizes[@]} sizes): each answered 431" \
		test -z "$bad"
}

private_user_engine() {
	export CPUSTRESS_USER_SOCK=$1/user.sock
}

stop_user_engines() {
	local f p pids=()
	while IFS= read -r f; do
		p=$(cat "$f" 2>/dev/null)
		[[ $p =~ ^[0-9]+$ ]] && kill -TERM "$p" 2>/dev/null && pids+=("$p")
	done < <(find "$1" -name '*.sock.pid' 2>/dev/null)
	for p in "${pids[@]}"; do
		for _ in $(seq 50); do
			kill -0 "$p" 2>/dev/null || continue 2
			sleep 0.1
		done
		fail "engine process $p did not end within 5 s of SIGTERM"
		kill -KILL "$p" 2>/dev/null
	done
}

vm_quota_cgroup() {
	local rel d
	rel=$(awk -F: '$2 ~ /(^|,)cpu(,|$)/ || $2 == "" { print $3; exit }' "/proc/$1/cgroup" 2>/dev/null)
	[[ "$rel" == /cpustress-vm.* ]] || return 0
	for d in /sys/fs/cgroup/cpu"$rel" /sys/fs/cgroup"$rel" /sys/fs/cgroup/unified"$rel"; do
		[[ -d "$d" ]] && { echo "$d"; return 0; }
	done
}

set_cgroup_quota() {
	local us
	us=$(awk -v q="$2" 'BEGIN { printf "%d", q * 100000 + 0.5 }')
	if [[ -e "$1/cpu.cfs_quota_us" ]]; then
		echo "$us" >"$1/cpu.cfs_quota_us"
	else
		echo "$us 100000" >"$1/cpu.max"
	fi
}
