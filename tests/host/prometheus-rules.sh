#!/usr/bin/env bash
# SPDX-License-Identifier: GPL-2.0
# tools/prometheus/: the scrape config (with its rule files and file_sd
# target list) passes `promtool check config`, the recording and alerting
# rules pass `promtool check rules`, and the unit tests of tests.yml pass
# `promtool test rules`. Then broken copies in a temp dir must be refused:
# a PromQL syntax error, an alert threshold changed (the unit tests must
# notice), a target file that is not JSON.
#   tests/host/prometheus-rules.sh      (from anywhere)
# Needs promtool (package prometheus). Prints PASS/FAIL lines.
set -uo pipefail

top=$(cd "$(dirname "$0")/../.." && pwd)
dir=$top/tools/prometheus
tmp=$(mktemp -d "${TMPDIR:-/tmp}/cpustress-prom.XXXXXX")
trap 'rm -rf "$tmp"' EXIT

T=prometheus-rules
. "$top/tests/host/lib.sh"
need_tools promtool
echo "# $(promtool --version 2>&1 | head -n1)"

# ok NAME COMMAND...: PASS when COMMAND succeeds, FAIL with its output.
ok() {
	local name=$1 out
	shift
	if out=$("$@" 2>&1); then
		pass "$name"
	else
		fail "$name: $(tail -n 15 <<<"$out" | tr '\n' ' ' | cut -c1-600)"
	fi
}

# refused NAME COMMAND...: PASS when COMMAND fails.
refused() {
	local name=$1
	shift
	if "$@" >"$tmp/out" 2>&1; then
		fail "$name: accepted"
	else
		pass "$name"
	fi
}

ok "check config prometheus.yml" promtool check config "$dir/prometheus.yml"
ok "check rules rules.yml alerts.yml" promtool check rules "$dir/rules.yml" "$dir/alerts.yml"
ok "test rules tests.yml" promtool test rules "$dir/tests.yml"

# The checks must be able to fail: broken copies.
# mutate NAME SED-EXPR FILE: a fresh copy of the folder in $tmp/NAME with
# FILE edited; fails (naming it) when the edit changed nothing.
mutate() {
	local name=$1 expr=$2 file=$3
	rm -rf "${tmp:?}/$name"
	cp -r "$dir" "$tmp/$name"
	sed -i -e "$expr" "$tmp/$name/$file"
	if cmp -s "$dir/$file" "$tmp/$name/$file"; then
		fail "$name: the edit '$expr' matched nothing in $file"
		return 1
	fi
}

if mutate syntax 's/sum by (instance, job) (cpustress_work_units_per_second)/sum by (instance, job (cpustress_work_units_per_second)/' rules.yml; then
	refused "a rule with a PromQL syntax error is refused" \
		promtool check rules "$tmp/syntax/rules.yml"
	refused "a config whose rule file is broken is refused" \
		promtool check config "$tmp/syntax/prometheus.yml"
fi
if mutate threshold 's/ratio_fleet_median < 0.8/ratio_fleet_median < 0.5/' alerts.yml; then
	ok "the alert with a wrong threshold is still valid" \
		promtool check rules "$tmp/threshold/alerts.yml"
	refused "the unit tests notice a wrong throttling threshold" \
		promtool test rules "$tmp/threshold/tests.yml"
fi
if mutate median 's/quantile by (job) (0.5,/quantile by (job) (0.9,/' rules.yml; then
	refused "the unit tests notice a wrong fleet median" \
		promtool test rules "$tmp/median/tests.yml"
fi
if mutate targets '$s/]/,/' targets/fleet.json; then
	refused "a target file that is not JSON is refused" \
		promtool check config "$tmp/targets/prometheus.yml"
fi
