#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# The packaging files, checked without building a package (make
# check-package builds, installs and boots them): the versions in
# dkms.conf, debian/changelog and the built module agree with
# include/cpustress/version.h, the one home of the version.
#   tests/host/package.sh [CLI]
# Prints PASS/FAIL lines.
set -uo pipefail
top=$(cd "$(dirname "$0")/../.." && pwd)
cli=$(realpath -m "${1:-$top/userspace/cpustress}")
T="package"
. "$top/tests/host/lib.sh"
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

version=$(sed -n 's/^#define CS_VERSION[[:space:]]*"\(.*\)"$/\1/p' "$top/include/cpustress/version.h")
[[ -n $version ]] || fail "version.h: no CS_VERSION"

dkms_version=$(sed -n 's/^PACKAGE_VERSION="\(.*\)"$/\1/p' "$top/dkms.conf")
why="dkms.conf says '$dkms_version', version.h '$version'"
check "dkms.conf PACKAGE_VERSION is version.h's ($version)" [ "$dkms_version" = "$version" ]
# The Debian version is the upstream one, or it with a -REVISION.
deb_version=$(sed -n '1s/^cpustress (\([^)]*\)).*/\1/p' "$top/debian/changelog")
why="debian/changelog says '$deb_version', version.h '$version'"
check "debian/changelog's version is version.h's ($version)" \
	[ "${deb_version%-*}" = "$version" ]
for key in PACKAGE_NAME BUILT_MODULE_NAME BUILT_MODULE_LOCATION DEST_MODULE_LOCATION AUTOINSTALL; do
	why="dkms.conf has no $key"
	check "dkms.conf sets $key" grep -q "^$key\(\[0\]\)\{0,1\}=" "$top/dkms.conf"
done
ko=$top/kmod/cpustress.ko
if [[ -r $ko ]]; then
	modver=$(modinfo -F version "$ko" 2>/dev/null)
	why="modinfo says '$modver'"
	check "the built module's MODULE_VERSION is version.h's" [ "$modver" = "$version" ]
fi
if [[ -x $cli ]]; then
	capture "$cli" --version
	why="--version says '$out'"
	check "the CLI's --version names version.h's" grep -qF "$version" <<<"$out"
fi
exit 0
