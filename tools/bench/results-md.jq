# SPDX-License-Identifier: GPL-2.0
# bench/results.md from bench/results.json (tools/bench/results).

def cell: if . == null then "–" else tostring | gsub("\\|"; "\\|") end;

.meta as $m
| "# cpustress benchmark results",
  "",
  "Measured \($m.date // "?") with `make bench`: guest kernel \($m.kernel // "?"), QEMU \($m.qemu) (TCG, \($m.ncpus) vCPUs, clocksource \($m.clocksource // "?")), host kernel \($m.hostKernel), \($m.hostCpu).",
  "Every value is a ratio of two things measured side by side in this one run (sizes excepted); windows of \($m.windowSec // "?") s after \($m.warmupSec // "?") s warm-up. Raw numbers: `results.json`.\(if $m.complete then "" else " **The guest did not finish every measurement.**" end)",
  "",
  "| # | figure | value | unit | ratio of | raw |",
  "|---|---|---|---|---|---|",
  (.figures[] | "| \(.measure) | \(.name) | **\(.value | cell)** | \(.unit) | \(.ratioOf | cell) | \(.summary | cell) |")
