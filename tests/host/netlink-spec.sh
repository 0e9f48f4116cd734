#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The YAML netlink spec (docs/netlink/cpustress.yaml) and the C header
# (include/uapi/linux/cpustress.h) name the same attributes and commands in
# the same order: a drift between them is a bug in one of them.
# Prints PASS/FAIL lines.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
spec=$top/docs/netlink/cpustress.yaml
hdr=$top/include/uapi/linux/cpustress.h
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
