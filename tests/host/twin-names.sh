#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The module (kmod/) and user space (userspace/) define no function or
# global variable of the same name: the user engine is the module's twin
# but named ue_, so grep and ctags find one definition per name.
# Prints PASS/FAIL lines.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
T="twin names"
. "$top/tests/host/lib.sh"
need_tools ctags-universal

names() { ctags-universal -x --c-kinds=fv "$@" | awk '{ print $1 }' | sort -u; }

cd "$top" || exit 0
k=$(names kmod/*.c)
u=$(names userspace/*/*.c)
[[ -n $k && -n $u ]] || { fail "ctags found no definitions"; exit 0; }
both=$(comm -12 <(echo "$k") <(echo "$u") | tr '\n' ' ')
why="defined in both kmod/ and userspace/: $both"
check "no name is defined in both kmod/ and userspace/" test -z "$both"
exit 0
