# SPDX-License-Identifier: GPL-2.0
# bench/scale-vm.json into bench/scale-vm.md (tools/bench/scale-vm).
def f: if . == null then "–" else tostring end;
def r: if . == null then "–" else "\(.)x" end;
"# The test VM at many vCPUs (`make bench-scale-vm`)",
"",
"Written \(.date) from bench/scale-vm-raw.txt; guest kernel \(.guestKernel), \(.qemu), software emulation (TCG) on \(.hostCpus) host cores.",
"Each figure also per CPU, and that per-CPU figure relative to the \(.counts[0].ncpus)-CPU one (`rel`): 1x is linear growth, above 1 faster than linear.",
"Times are the guest's wall clock: with \(.counts[-1].ncpus) vCPUs on \(.hostCpus) host cores each vCPU runs a small share of the time, so they are upper bounds, and only their growth is compared.",
"",
"| CPUs | module memory while running | per CPU (rel) | sampler per interval | per CPU (rel) | `status --json` (a bare process) | per CPU (rel) | /metrics | series per CPU (rel) | exporter CPU per poll | per CPU (rel) |",
"|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
(.counts[] |
  "| \(.ncpus) | \(.memory.kernelKiBRunning | f) KiB (module \(.memory.moduleBytes | f) B) | \(.perCpu.kernelKiBRunning | f) KiB (\(.perCpuRelative.kernelKiBRunning | r)) | \(.sampler.medianUs | f) µs | \(.perCpu.samplerUs | f) µs (\(.perCpuRelative.samplerUs | r)) | \(.getStats.statusUs | f) µs (\(.getStats.bareProcessUs | f) µs), \(.getStats.bytes | f) B | \(.perCpu.statusUs | f) µs (\(.perCpuRelative.statusUs | r)) | \(.metrics.bytes | f) B, \(.metrics.series | f) series (per-CPU histograms: \(.metrics.perCpuHistogramSeries | f)) | \(.perCpu.metricsSeries | f) (\(.perCpuRelative.metricsSeries | r)) | \(.metrics.exporterMsPerPoll | f) ms | \(.perCpu.exporterMsPerPoll | f) ms (\(.perCpuRelative.exporterMsPerPoll | r)) |"),
"",
"Memory: the kernel's Slab, KernelStack, VmallocUsed and Percpu counters while the load runs, less before insmod; the work unit's buffer is \(.counts[0].memory.workUnitKiBPerCpu | f) KiB per CPU by design.",
"Sampler: median time of `cs_sampler_fn` over 11 s, from the workqueue's `workqueue_execute_start`/`_end` trace events. GET_STATS: a `cpustress status --json` (one GET_STATS dump) beside a bare `cpustress --version`, 20 each, the mean; on 64 emulated vCPUs even the bare process takes seconds, so these measure the emulator more than the dump (the renderers alone: bench/scale.md). Exporter: its CPU time over 10 s without a scrape, per collector poll (one GET_STATS, one render).",
"",
"| CPUs | run on | boot and run (s) | sampler calls | sampler max | rmmod during the run | a scrape of the cached /metrics |",
"|---:|---:|---:|---:|---:|---:|---:|",
(.counts[] | "| \(.ncpus) | \(.day // "?") | \(.bootSecs | f) | \(.sampler.calls | f) | \(.sampler.maxUs | f) µs | \(.rmmodMs | f) ms | \(.metrics.scrapeUs | f) µs |"),
"",
(if .core then "Core VM tests at \(.core.ncpus) vCPUs: exit status \(.core.rc), \(.core.secs) s\(if .core.day then ", run on \(.core.day)" else "" end) (`build/bench/scale-vm/core\(.core.ncpus).log`)." else empty end)
