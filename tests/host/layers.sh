#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The layers of docs/architecture.md, checked from the #include lines of
# every .c and .h in userspace/, kmod/ and include/: no include cycle, and
# no file includes one of a layer above its own.
#
# The order is read from the picture in docs/architecture.md, its one home:
# the userspace/ directories from top to bottom; the kmod/ files in groups,
# a line with "|" ending a group (interfaces, then run.c, then the workers
# and sampler). include/ is below both and includes only itself; userspace/
# and kmod/ never include each other. A userspace/ directory or a kmod/ file
# the picture does not place is a failure, so the picture stays complete.
#
#   tests/host/layers.sh [TOP]   (default: this tree)
#
# Without TOP it then runs itself on a scratch copy of the tree with a bad
# include of each kind (upward in userspace/, upward in kmod/, a cycle) and
# checks that each one is caught. Prints PASS/FAIL lines.
set -uo pipefail
self=$(cd "$(dirname "$0")" && pwd)/$(basename "$0")
top=$(cd "$(dirname "$0")/../.." && pwd)
T="layers"
. "$top/tests/host/lib.sh"

# scan TOP: one record a line, tab-separated:
#   layer KIND NAME RANK   a layer read from the picture (u: dir, k: file)
#   unplaced FILE          a file the picture puts in no layer
#   unresolved FILE:LINE TARGET   a "..." include that names no file
#   up FILE:LINE TARGET WHY       an include of a layer above
#   cycle A B ...          the files of one include cycle
#   count FILES INCLUDES CYCLES
scan() {
	local root=$1
	(
		local files
		cd "$root" || exit 1
		mapfile -t files < <(find userspace kmod include -name '*.[ch]' \
			! -name '*.mod.c' | sort)
		printf 'F\t%s\n' "${files[@]}"
		grep -Hn '^[[:space:]]*#[[:space:]]*include[[:space:]]*[<"]' "${files[@]}" |
			sed -E 's/^([^:]*):([0-9]*):[[:space:]]*#[[:space:]]*include[[:space:]]*([<"])([^>"]*)[>"].*/I\t\1\t\2\t\3\t\4/'
		sed 's/^/D\t/' docs/architecture.md
	) | awk -F'\t' '
	function norm(p,   n, a, out, i, k) {
		n = split(p, a, "/"); k = 0
		for (i = 1; i <= n; i++) {
			if (a[i] == "." || a[i] == "") continue
			if (a[i] == ".." && k > 0 && st[k] != "..") { k--; continue }
			st[++k] = a[i]
		}
		out = ""
		for (i = 1; i <= k; i++) out = out (i > 1 ? "/" : "") st[i]
		return out
	}
	function dirof(p) { sub(/\/[^\/]*$/, "", p); return p }
	# Where the compiler finds TARGET from FILE (the Makefile and
	# kmod/Kbuild search paths); "" for a system header.
	function resolve(file, q, t,   c, n, i, p) {
		if (file ~ /^userspace\//)
			n = split((q == "\"" ? dirof(file) " " : "") "userspace include include/uapi", c, " ")
		else if (file ~ /^kmod\//)
			n = split((q == "\"" ? "kmod " : "") "include", c, " ")
		else
			n = split((q == "\"" ? dirof(file) " " : "") "include include/uapi", c, " ")
		for (i = 1; i <= n; i++) {
			p = norm(c[i] "/" t)
			if (p in isfile) return p
		}
		return ""
	}
	# Layer of a file: "u RANK", "k RANK", "i 0" or "" (unplaced).
	function layer(f,   d, b) {
		if (f ~ /^include\//) return "i 0"
		if (f ~ /^userspace\//) {
			d = f; sub(/^userspace\//, "", d); sub(/\/.*/, "", d)
			return (d in urank) ? "u " urank[d] : ""
		}
		b = f; sub(/.*\//, "", b)
		return (b in krank) ? "k " krank[b] : ""
	}
	function tarjan(v,   i, w) {
		idx[v] = lowl[v] = ++counter
		stack[++sp] = v; onst[v] = 1
		for (i = 1; i <= deg[v]; i++) {
			w = adj[v, i]
			if (!(w in idx)) {
				tarjan(w)
				if (lowl[w] < lowl[v]) lowl[v] = lowl[w]
			} else if (onst[w] && idx[w] < lowl[v])
				lowl[v] = idx[w]
		}
		if (lowl[v] == idx[v]) {
			members = ""; size = 0
			do {
				w = stack[sp--]; onst[w] = 0
				members = members "\t" w; size++
			} while (w != v)
			if (size > 1 || selfloop[v]) {
				print "cycle" members; cycles++
			}
		}
	}
	$1 == "F" { isfile[$2] = 1; files[++nf] = $2; next }
	$1 == "I" { inc[++ni] = $0; next }
	$1 == "D" {
		line = substr($0, 3)
		if (line ~ /^```/) { fence++; next }
		if (fence != 1) next
		if (line ~ /^ *userspace\/[a-z_]+\//) {
			d = line; sub(/^ *userspace\//, "", d); sub(/\/.*/, "", d)
			uorder[++nu] = d
		}
		if (line ~ /^ *kmod\//) inkmod = 1
		else if (line ~ /^ *[a-z_]+\//) inkmod = 0
		if (!inkmod) next
		rest = line; sub(/^ *kmod\//, "", rest)
		while (match(rest, /[A-Za-z0-9_]+\.[ch]([^A-Za-z0-9_]|$)/)) {
			tok = substr(rest, RSTART, RLENGTH)
			sub(/[^A-Za-z0-9_]$/, "", tok)
			if (brk) { g++; brk = 0 }
			kgroup[tok] = g + 1
			rest = substr(rest, RSTART + RLENGTH)
		}
		if (line ~ /\|/) brk = 1
		next
	}
	END {
		for (i = 1; i <= nu; i++) {
			urank[uorder[i]] = nu - i + 1
			print "layer\tu\t" uorder[i] "\t" (nu - i + 1)
		}
		for (t in kgroup) {
			krank[t] = g + 2 - kgroup[t]
			print "layer\tk\t" t "\t" krank[t]
		}
		for (i = 1; i <= nf; i++)
			if (layer(files[i]) == "") print "unplaced\t" files[i]
		for (i = 1; i <= ni; i++) {
			split(inc[i], a, "\t")
			f = a[2]; where = a[2] ":" a[3]; q = a[4]; t = a[5]
			r = resolve(f, q, t)
			if (r == "") {
				if (q == "\"") print "unresolved\t" where "\t" t
				continue
			}
			edges++
			if (r == f) selfloop[f] = 1
			adj[f, ++deg[f]] = r
			split(layer(f), lf, " "); split(layer(r), lr, " ")
			if (lf[1] == "" || lr[1] == "") continue
			why = ""
			if (lf[1] == "i" && lr[1] != "i")
				why = "include/ includes only include/"
			else if (lf[1] != "i" && lr[1] != "i" && lf[1] != lr[1])
				why = "userspace/ and kmod/ do not include each other"
			else if (lr[2] > lf[2])
				why = "layer " lr[2] " above " lf[2]
			if (why != "") print "up\t" where "\t" r "\t" why
		}
		for (i = 1; i <= nf; i++)
			if (!(files[i] in idx)) tarjan(files[i])
		print "count\t" nf "\t" edges "\t" cycles + 0
	}'
}

# The checks on one tree's records ($1), each line a PASS or FAIL.
judge() {
	local rec=$1 nu nk bad n
	nu=$(grep -c $'^layer\tu' <<<"$rec")
	nk=$(awk -F'\t' '$1 == "layer" && $2 == "k" { print $4 }' <<<"$rec" | sort -u | wc -l)
	why="read $nu userspace/ layers and $nk kmod/ groups"
	check "docs/architecture.md's picture gives the layers ($nu userspace/, $nk kmod/)" \
		test "$nu" -ge 3 -a "$nk" -ge 2
	bad=$(awk -F'\t' '$1 == "unplaced" { print $2 }' <<<"$rec" | tr '\n' ' ')
	why="not in docs/architecture.md's picture: $bad"
	check "every file is in a layer of the picture" test -z "$bad"
	bad=$(awk -F'\t' '$1 == "unresolved" { print $2 " \"" $3 "\"" }' <<<"$rec" | tr '\n' ' ')
	why="includes no file: $bad"
	check "every \"...\" include names a file" test -z "$bad"
	bad=$(awk -F'\t' '$1 == "up" { print $2 " -> " $3 " (" $4 ")" }' <<<"$rec" | paste -sd';' | sed 's/;/; /g')
	why="upward: $bad"
	check "no include goes up a layer" test -z "$bad"
	n=$(awk -F'\t' '$1 == "count" { print $2 " files, " $3 " includes" }' <<<"$rec")
	bad=$(awk -F'\t' '$1 == "cycle" { $1 = ""; print "{" substr($0, 2) " }" }' <<<"$rec" | tr '\n' ' ')
	why="cycles: $bad"
	check "no include cycle ($n)" test -z "$bad"
}

if (($#)); then
	rec=$(scan "$1") || { fail "cannot read $1"; exit 0; }
	judge "$rec"
	exit 0
fi

rec=$(scan "$top")
judge "$rec"

# The same checks must fail on a tree with a bad include of each kind.
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
# mutate NAME EXPECT FILE LINE [FILE LINE]...: a copy with each LINE
# appended to its FILE must give a FAIL line that starts with EXPECT.
mutate() {
	local name=$1 expect=$2 out what=
	shift 2
	rm -rf "$tmp/copy"
	mkdir -p "$tmp/copy/docs"
	cp -r "$top/userspace" "$top/kmod" "$top/include" "$tmp/copy/"
	cp "$top/docs/architecture.md" "$tmp/copy/docs/"
	while (($# >= 2)); do
		echo "$2" >>"$tmp/copy/$1"
		what+="$1 + '$2' "
		shift 2
	done
	out=$("$self" "$tmp/copy" 2>&1)
	why="$what gave: $(grep FAIL <<<"$out" | tr '\n' ' ')"
	check "a scratch copy with $name fails" grep -q "^FAIL $T: $expect" <<<"$out"
}
up="no include goes up a layer: upward:"
mutate "engine/ including serve/" "$up userspace/engine/engine.c:" \
	userspace/engine/engine.c '#include "serve/serve.h"'
mutate "kmod/sampler.c including run.h" "$up kmod/sampler.c:" \
	kmod/sampler.c '#include "run.h"'
mutate "include/ including userspace/" "$up include/cpustress/duty.h:" \
	include/cpustress/duty.h '#include "../../userspace/util/args.h"'
mutate "a cycle util/args.h -> util/cpulist.h -> util/args.h" "no include cycle" \
	userspace/util/args.h '#include "util/cpulist.h"' \
	userspace/util/cpulist.h '#include "util/args.h"'
mutate "a kmod/ file the picture does not place" "every file is in a layer" \
	kmod/extra.h '/* not in the picture */'
exit 0
