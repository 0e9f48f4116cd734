#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The bash completion (completion/cpustress): sourced, then asked to
# complete a table of command lines; COMPREPLY must be what the table says.
# Every command's option list is also checked against its usage text
# (cpustress COMMAND --help), so an option added to the CLI and not here
# fails.
#   tests/host/completion.sh [CLI]
# Prints PASS/FAIL lines.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cli=$(realpath -m "${1:-$top/userspace/cpustress}")
T="completion"
. "$top/tests/host/lib.sh"
need_exec "$cli" "make cli"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# shellcheck source=../../completion/cpustress
. "$top/completion/cpustress"
complete -p cpustress >/dev/null 2>&1 || fail "sourcing it registers no completion for cpustress"

# complete LINE: COMPREPLY for LINE (its last word is the one completed;
# a trailing space means an empty word), sorted, on one line.
complete_line() {
	local line=$1
	read -ra COMP_WORDS <<<"$line"
	[[ $line == *" " ]] && COMP_WORDS+=("")
	COMP_CWORD=$((${#COMP_WORDS[@]} - 1))
	COMP_LINE=$line
	COMP_POINT=${#line}
	COMPREPLY=()
	_cpustress cpustress "${COMP_WORDS[COMP_CWORD]}" "${COMP_WORDS[COMP_CWORD - 1]}"
	printf '%s\n' "${COMPREPLY[@]}" | sort | tr '\n' ' ' | sed 's/ $//'
}

cd "$tmp" || exit 0
mkdir -p res.d
touch a.json b.json notes.txt keys
cases=(
	"cpustress |compare engine-daemon fleet serve set start status stop sweep top"
	"cpustress s|serve set start status stop sweep"
	"cpustress --|--help --version"
	"cpustress status --|--engine --help --json"
	"cpustress status --engine |kernel user"
	"cpustress top --engine u|user"
	"cpustress sweep --format |csv json jsonl"
	"cpustress sweep --format j|json jsonl"
	"cpustress compare --format |csv table"
	"cpustress serve --log-level |debug error info warn"
	"cpustress sweep --cpus-steps |auto"
	"cpustress sweep -o |a.json b.json keys notes.txt res.d"
	"cpustress sweep -o a|a.json"
	"cpustress serve --apikey-file k|keys"
	"cpustress serve --state-dir |res.d"
	"cpustress compare |a.json b.json res.d"
	"cpustress compare a.json --c|--cost"
	"cpustress start --busy |"
	"cpustress stop --|--engine --help"
	"cpustress engine-daemon --g|--group"
	"cpustress start --o|--owned"
)
for c in "${cases[@]}"; do
	line=${c%%|*}
	want=${c#*|}
	got=$(complete_line "$line")
	why="got '$got', want '$want'"
	check "'$line' completes to '$want'" [ "$got" = "$want" ]
done

# Each command's options as the usage text has them.
missing=()
commands=$("$cli" --help | awk '/^commands:/ { on = 1; next } on && /^  [a-z]/ { print $1 }')
for cmd in $commands; do
	want=$( ("$cli" "$cmd" --help | grep -oE '(^|[[ ])(--[a-z-]+|-[a-z])\b' | tr -d '[ '; echo --help) |
		sort -u | tr '\n' ' ' | sed 's/ $//')
	got=$(complete_line "cpustress $cmd -")
	[[ $got == "$want" ]] || missing+=("$cmd: completes '$got', usage has '$want';")
done
why="${missing[*]}"
check "every command's options ($(wc -w <<<"$commands") commands) are its usage text's" \
	[ ${#missing[@]} -eq 0 -a -n "$commands" ]
exit 0
