#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The man pages against what they describe: every command, option, fixed
# value and environment variable of the CLI's usage text (cpustress --help,
# cpustress COMMAND --help) is in cpustress(8), with serve's defaults as
# userspace/serve/serve.h defines them; every module parameter, sysfs
# attribute and netlink command of the module is in cpustress(4); both
# pages are lint-clean (mandoc -Tlint, else groff -ww -z).
#   tests/host/man.sh [CLI]
# Prints PASS/FAIL lines.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cli=$(realpath -m "${1:-$top/userspace/cpustress}")
T="man"
. "$top/tests/host/lib.sh"
need_exec "$cli" "make cli"
page8=$top/man/cpustress.8
page4=$top/man/cpustress.4

# A page's text with roff's escaped minus as a plain one.
text() { sed 's/\\-/-/g; s/\\&//g' "$1"; }

for page in "$page8" "$page4"; do
	if command -v mandoc >/dev/null; then
		lint=$(mandoc -Tlint "$page" 2>&1)
	else
		lint=$(groff -man -ww -z "$page" 2>&1)
	fi
	why=$(head -5 <<<"$lint")
	check "${page#"$top"/} is lint-clean" [ -z "$lint" ]
done

t8=$(text "$page8")
commands=$("$cli" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
[[ -n $commands ]] || fail "no command found in cpustress --help"
missing=()
for c in $commands; do
	grep -q "^\.SY \"cpustress $c\"" <<<"$t8" && grep -q "^\.B $c\$" <<<"$t8" ||
		missing+=("$c")
done
why="not in SYNOPSIS and COMMANDS: ${missing[*]}"
check "every command of the usage text ($(wc -w <<<"$commands")) is in cpustress.8" \
	[ ${#missing[@]} -eq 0 ]

# Options (--name, -o) and fixed values (a|b|c) of one usage text.
usage_opts() { grep -oE '(^|[[ ])(--[a-z-]+|-[a-z])\b' | tr -d '[ ' | sort -u; }
usage_values() { grep -oE '[a-z]+(\|[a-z]+)+' | tr '|' '\n' | sort -u; }
nopts=0
missing=()
for c in "" $commands; do
	usage=$("$cli" $c --help)
	for o in $(usage_opts <<<"$usage"); do
		nopts=$((nopts + 1))
		grep -qE -- "(^|[^a-z-])$o([^a-z-]|\$)" <<<"$t8" || missing+=("${c:-cpustress} $o")
	done
	for v in $(usage_values <<<"$usage"); do
		grep -qE "(^|[^a-z])$v([^a-z]|\$)" <<<"$t8" || missing+=("${c:-cpustress} value $v")
	done
	for e in $(sed -n '/environment:/,$p' <<<"$usage" | grep -oE '\b[A-Z][A-Z_]{3,}\b'); do
		grep -q "^\.B $e\$" <<<"$(sed -n '/^\.SH ENVIRONMENT/,/^\.SH FILES/p' <<<"$t8")" ||
			missing+=("environment $e")
	done
done
why="missing: ${missing[*]}"
none_missing() { [ ${#missing[@]} -eq 0 ] && [ "$@" ]; }
check "every option, value and variable of the usage texts ($nopts options) is in cpustress.8" \
	none_missing $nopts -gt 20

# serve's defaults, copied into the page, as serve.h has them.
missing=()
while read -r name val; do
	grep -qF -- "$val" <<<"$t8" || missing+=("$name=$val")
done < <(awk '$1 == "#define" && $2 ~ /^CS_SERVE_.*_DEFAULT$/ { gsub(/"/, "", $3); print $2, $3 }' \
	"$top/userspace/serve/serve.h")
why="not in cpustress.8: ${missing[*]}"
check "serve's defaults in cpustress.8 are serve.h's" [ ${#missing[@]} -eq 0 ]

t4=$(text "$page4")
params=$(sed -n 's/^MODULE_PARM_DESC(\([a-z_]*\),.*/\1/p' "$top"/kmod/*.c)
# __ATTR*(name, ...) and the percentage attributes' CS_PCT_ATTR(name, ...);
# a macro's own parameter (_name) is not an attribute.
attrs=$(sed -n -e 's/.*__ATTR\(_RO\|_RW\|_WO\)\{0,1\}(\([a-z][a-z_]*\).*/\2/p' \
	-e 's/.*= CS_PCT_ATTR(\([a-z][a-z_]*\),.*/\1/p' "$top/kmod/sysfs.c" | sort -u)
cmds=$(sed -n 's/^[[:space:]]*\(CPUSTRESS_CMD_[A-Z_]*\),.*/\1/p' "$top/include/uapi/linux/cpustress.h" |
	grep -v UNSPEC)
missing=()
for p in $params; do
	grep -q "^\.BR $p =" <<<"$t4" || missing+=("parameter $p")
done
sysfs=$(sed -n '/^\.SH SYSFS/,/^\.SH PROC/p' <<<"$t4")
for a in $attrs; do
	grep -qE "(^\.I |^\.IR |^\.TQ)?$a\b" <<<"$sysfs" || missing+=("sysfs $a")
done
for c in $cmds; do
	grep -q "^\.BR\{0,1\} $c\b" <<<"$t4" || missing+=("netlink $c")
done
why="missing: ${missing[*]}"
check "every module parameter ($(wc -w <<<"$params")), sysfs attribute ($(wc -w <<<"$attrs")) and netlink command ($(wc -w <<<"$cmds")) is in cpustress.4" \
	none_missing -n "$params$attrs$cmds"
exit 0
