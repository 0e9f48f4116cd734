#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The YAML netlink spec (docs/netlink/cpustress.yaml) and the C header
# (include/uapi/linux/cpustress.h) name the same attributes and commands in
# the same order: a drift between them is a bug in one of them. The
# ranges the spec's checks, the uapi header's comments and the docs give
# for the settings are those of include/cpustress/limits.h.
# Prints PASS/FAIL lines.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
spec=$top/docs/netlink/cpustress.yaml
hdr=$top/include/uapi/linux/cpustress.h
limits=$top/include/cpustress/limits.h
T="netlink spec"
. "$top/tests/host/lib.sh"

# Names of one attribute set (or the operations) in the spec, as C enum
# names: "busy-pct" in set "cpustress" -> CPUSTRESS_A_BUSY_PCT.
spec_names() {
	awk -v want="$1" -v prefix="$2" '
		/^attribute-sets:/ { sec = "sets" }
		/^operations:/ { sec = "ops" }
		/^mcast-groups:/ { sec = "" }
		sec == "sets" && /^    name: / { cur = $2; next }
		sec == "ops" && want == "ops" && /^      name: / { print prefix toupper($2); next }
		sec == "sets" && cur == want && /^        name: / { print prefix toupper($2) }
	' "$spec" | tr '-' '_'
}

# Members of a C enum, up to its __..._MAX.
hdr_names() {
	awk -v want="$1" '
		$0 ~ "^enum " want " \\{" { on = 1; next }
		on && /__CPUSTRESS_/ { exit }
		on && /^\t[A-Z]/ { sub(/,.*/, ""); sub(/^\t/, ""); print }
	' "$hdr"
}

compare() {
	local what=$1 a b
	a=$(spec_names "$2" "$3")
	b=$(hdr_names "$4")
	if [[ -n "$a" && "$a" == "$b" ]]; then
		pass "$what match the header ($(wc -l <<<"$a") names)"
	else
		fail "$what differ from the header: $(diff <(echo "$a") <(echo "$b") | tr '\n' ' ')"
	fi
}

compare "attributes" cpustress CPUSTRESS_A_ cpustress_attr
compare "per-CPU attributes" cpu CPUSTRESS_CPU_A_ cpustress_cpu_attr
compare "commands" ops CPUSTRESS_CMD_ cpustress_cmd

# --- the settings' ranges: include/cpustress/limits.h ----------------------

# The value of a #define of limits.h.
limit() {
	awk -v n="$1" '$1 == "#define" && $2 == n { print $3 }' "$limits"
}

# A check (min, max) of one attribute of the spec's "cpustress" set.
spec_check() {
	awk -v attr="$1" -v key="$2" '
		/^    name: / { set = $2 }
		set == "cpustress" && /^        name: / { cur = $2 }
		set == "cpustress" && cur == attr && $1 == key ":" { print $2 }
	' "$spec"
}

# attribute  limits.h prefix  checks
ranges=(
	"busy-pct CS_BUSY_PCT min max"
	"period-ms CS_PERIOD_MS min max"
	"interval-ms CS_INTERVAL_MS min max"
	"time-limit-ms CS_TIME_LIMIT_MS max"
)
for r in "${ranges[@]}"; do
	read -r attr pfx keys <<<"$r"
	for key in $keys; do
		want=$(limit "${pfx}_${key^^}")
		got=$(spec_check "$attr" "$key")
		if [[ -n "$want" && "$got" == "$want" ]]; then
			pass "$attr $key $got is ${pfx}_${key^^}"
		else
			fail "$attr $key: spec '$got', limits.h ${pfx}_${key^^} '$want'"
		fi
	done
done

# "NAME ... MIN..MAX" where a line names a setting: the uapi header's
# comments, docs/*.md and README.md (if it still lists them). Each line
# that names the setting and gives a range must give the one of limits.h.
# name in the text (CPUSTRESS_A_<NAME> in the header)  limits.h prefix
settings=(
	"busy_pct CS_BUSY_PCT"
	"period_ms CS_PERIOD_MS"
	"interval_ms CS_INTERVAL_MS"
)
for s in "${settings[@]}"; do
	read -r name pfx <<<"$s"
	want="$(limit "${pfx}_MIN")..$(limit "${pfx}_MAX")"
	seen=0 bad=
	while IFS= read -r line; do
		got=$(grep -oE '\b[0-9]+\.\.[0-9]+\b' <<<"${line#*:*:}" | head -1)
		[[ -n "$got" ]] || continue
		seen=$((seen + 1))
		[[ "$got" == "$want" ]] || bad+="${line%%:*}:$(cut -d: -f2 <<<"$line") says $got; "
	done < <(cd "$top" && grep -HnE "(_A_${name^^}|\b$name)\b" include/uapi/linux/cpustress.h \
		docs/*.md README.md 2>/dev/null)
	if ((seen == 0)); then
		fail "$name: no range found in the uapi header (the check looks at nothing)"
	elif [[ -z "$bad" ]]; then
		pass "$name: the $seen ranges in the uapi header and docs are $want (limits.h)"
	else
		fail "$name: not $want (limits.h): $bad"
	fi
done

# How many recent samples GET_STATS summarises: where the spec, the docs
# and the man pages give the number, it is CS_RECENT_MAX of recent.h.
want=$(awk '$1 == "#define" && $2 == "CS_RECENT_MAX" { print $3 }' \
	"$top/include/cpustress/recent.h")
got=$(cd "$top" && grep -ohE 'CS_RECENT_MAX \([0-9]+\)|[0-9]+ \(CS_RECENT_MAX\)' \
	docs/*.md docs/netlink/cpustress.yaml man/* | grep -oE '[0-9]+' | sort | uniq -c)
if [[ -z "$want" || -z "$got" ]]; then
	fail "CS_RECENT_MAX: '$want' in recent.h, copies '$got' (the check looks at nothing)"
elif [[ $(awk '{ print $2 }' <<<"$got") == "$want" ]]; then
	pass "CS_RECENT_MAX: the $(awk '{ s += $1 } END { print s }' <<<"$got") copies in the spec and docs are $want (recent.h)"
else
	fail "CS_RECENT_MAX is $want in recent.h, the spec and docs say: $(tr '\n' ' ' <<<"$got")"
fi
