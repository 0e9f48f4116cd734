# SPDX-License-Identifier: GPL-2.0
# The benchmark's figures from its raw records (tools/bench/results).
# Input: an array of {"t": "E"|"R"|"H", ...}; output: {"meta", "figures"}.
# Every figure is a ratio of two things measured in the same run (or a
# size); absolute rates and times appear only under "raw".

def median: sort | if length == 0 then null
	elif length % 2 == 1 then .[(length - 1) / 2]
	else (.[length / 2 - 1] + .[length / 2]) / 2 end;
def mean: if length == 0 then null else add / length end;
def sd: mean as $m | if length < 2 then 0
	else (map((. - $m) * (. - $m)) | add / (length - 1)) | sqrt end;
def rnd($d): if . == null then null
	else (pow(10; $d)) as $p | (. * $p | round) / $p end;
def ratio($a; $b): if $a == null or $b == null or $b == 0 then null
	else $a / $b end;

. as $all
| (map(select(.t == "E")) | first // {}) as $E
| (map(select(.t == "R" and .m == "env")) | first // {}) as $env
| (map(select(.t == "H")) | map({key: .id, value: .}) | from_entries) as $H
# Share of the window the VM's vCPU threads really ran on the host, and
# the share they waited for a host CPU (the steal TCG does not report).
| def hostcpu($id): ($H[$id + "-start"]) as $a | ($H[$id + "-end"]) as $b
	| if $a == null or $b == null or $b.n == 0 or $b.ns == $a.ns then null
	  else (($b.cpu - $a.cpu) / (($b.ns - $a.ns) * $b.n)) | rnd(3) end;
def hostwait($id): ($H[$id + "-start"]) as $a | ($H[$id + "-end"]) as $b
	| if $a == null or $b == null or $b.n == 0 or $b.ns == $a.ns then null
	  else (($b.wait - $a.wait) / (($b.ns - $a.ns) * $b.n)) | rnd(3) end;
def R($m): $all | map(select(.t == "R" and .m == $m));
($env.ncpus // 2) as $n
| {date: ($E.date // null), kernel: ($env.kernel // null),
   qemu: $qemu, hostKernel: $hkernel} as $stamp
| def fig($measure; $name; $value; $unit; $of; $raw; $summary):
	{measure: $measure, name: $name, value: $value, unit: $unit,
	 ratioOf: $of, summary: $summary, raw: $raw} + $stamp;

[
# --- 1. engine efficiency ---------------------------------------------------
  (R("eff") | group_by(.pair)
   | map({pair: .[0].pair,
	  kernel: (map(select(.engine == "kernel")) | first),
	  user: (map(select(.engine == "user")) | first)})
   | map(select(.kernel != null and .user != null)
	 | {pair, kernelUnitsPerSecPerCpu: .kernel.ups_cpu,
	    userUnitsPerSecPerCpu: .user.ups_cpu,
	    ratio: (ratio(.kernel.ups_cpu; .user.ups_cpu) | rnd(4)),
	    hostCpuKernel: hostcpu(.kernel.mark),
	    hostCpuUser: hostcpu(.user.mark),
	    hostWaitKernel: hostwait(.kernel.mark),
	    hostWaitUser: hostwait(.user.mark)})
   | select(length > 0)
   | fig(1; "engine_efficiency"; (map(.ratio) | median | rnd(3)); "ratio";
	 "kernel engine units/s per CPU ÷ user engine units/s per CPU, busy 100 %, all CPUs, alternating kernel/user, median of the pairs";
	 {pairs: .};
	 "\(length) pairs, ratios \(map(.ratio | rnd(3)) | join(" ")); kernel \(map(.kernelUnitsPerSecPerCpu) | median) vs user \(map(.userUnitsPerSecPerCpu) | median) units/s/CPU (medians)")),

# --- 2. scaling ----------------------------------------------------------------
  (R("scal") as $s
   | ["kernel", "user", "procs"][] as $e
   | ($s | map(select(.engine == $e)) | group_by(.rep)
      | map((map(select(.cpus == 1)) | first) as $o
	    | (map(select(.cpus == $n)) | first) as $a
	    | {rep: .[0].rep, one: $o.ups, all: $a.ups,
	       hostCpuOne: (if $o.mark then hostcpu($o.mark) else null end),
	       hostCpuAll: (if $a.mark then hostcpu($a.mark) else null end)})
      | map(select(.one != null and .all != null)
	    | . + {efficiency: (ratio(.all; $n * .one) | rnd(4)),
		   # Work per host CPU second of the vCPUs, all ÷ one.
		   efficiencyPerHostCpu: (if .hostCpuOne and .hostCpuAll and .hostCpuAll > 0
			then ratio(.all * .hostCpuOne; $n * .one * .hostCpuAll) | rnd(4)
			else null end)})) as $reps
   | select($reps | length > 0)
   | fig(2; "scaling_\($e)"; ($reps | map(.efficiency) | median | rnd(3));
	 "ratio";
	 (if $e == "procs" then "units/s of \($n) independent single-thread processes (csbench unit, one per CPU) ÷ (\($n) × units/s of one alone): the ceiling"
	  else "\($e) engine units/s on \($n) CPUs ÷ (\($n) × its units/s on 1 CPU), busy 100 % (cpustress sweep --cpus-steps 1,\($n))" end);
	 {reps: $reps};
	 "\($reps | length) reps, efficiencies \($reps | map(.efficiency | rnd(3)) | join(" ")); 1 CPU \($reps | map(.one) | median), \($n) CPUs \($reps | map(.all) | median) units/s; per host CPU second of the vCPUs \($reps | map(.efficiencyPerHostCpu // "–" | tostring) | join(" "))")),

# --- 3. reporting overhead --------------------------------------------------
# Per round: quiet (interval 1000 ms, unread), sampling (10 ms, unread),
# top (10 ms, cpustress top listening), reporting (and /metrics at 100/s).
  (R("ovh") | group_by(.pair)
   | map(. as $g | def at($m): $g | map(select(.mode == $m)) | first;
	 {pair: $g[0].pair, q: at("quiet"), y: at("typical"), s: at("sampling"),
	  t: at("top"), b: at("reporting")})
   # A window with no unit at all means the run had stopped: not a round.
   | map(select(.q != null and .b != null and .q.ups > 0 and .b.ups > 0)
	 | .b as $b
	 | {pair, quietUnitsPerSec: .q.ups, samplingUnitsPerSec: .s.ups,
	    topUnitsPerSec: .t.ups, reportingUnitsPerSec: .b.ups,
	    ratio: (ratio(.b.ups; .q.ups) | rnd(4)),
	    typicalUnitsPerSec: .y.ups,
	    typicalRatio: (if .y.ups then ratio(.y.ups; .q.ups) | rnd(4) else null end),
	    typicalReadersCpuShare: (if .y.readers_cpu_ns != null and .y.wall_ns > 0
		then .y.readers_cpu_ns / (.y.wall_ns * (.y.ncpus // $n)) | rnd(4)
		else null end),
	    samplingRatio: (ratio(.s.ups; .q.ups) | rnd(4)),
	    topRatio: (ratio(.t.ups; .q.ups) | rnd(4)),
	    readersCpuShare: (if .b.readers_cpu_ns != null and .b.wall_ns > 0
		then .b.readers_cpu_ns / (.b.wall_ns * (.b.ncpus // $n)) | rnd(4)
		else null end),
	    topCpuShare: (if .t.readers_cpu_ns != null and .t.wall_ns > 0
		then .t.readers_cpu_ns / (.t.wall_ns * (.t.ncpus // $n)) | rnd(4)
		else null end),
	    # top, serve, the scraper (units_window's order), in CPU ns.
	    readersEachNs: (.b.readers_each_ns | if type == "array" then . elif . == null then null else [.] end),
	    exporterCpuUsPerScrape: (.b.readers_each_ns
		| if type == "array" and length == 3 and ($b.scrape_ok // 0) > 0
		  then .[1] / $b.scrape_ok / 1000 | rnd(1) else null end),
	    hostCpuQuiet: hostcpu(.q.mark), hostCpuReporting: hostcpu(.b.mark),
	    hostWaitQuiet: hostwait(.q.mark), hostWaitReporting: hostwait(.b.mark),
	    topSamples: .b.top_samples, scrapeRequests: .b.scrape_requests,
	    scrapeOk: .b.scrape_ok, scrapeErrors: .b.scrape_errors,
	    scrapeP50Us: .b.scrape_p50_us, scrapeP99Us: .b.scrape_p99_us})
   | select(length > 0) as $pairs
   | def pct($k): $pairs | map(.[$k]) | map(select(. != null))
	| if length == 0 then null else (1 - median) * 100 | rnd(2) end;
   def share($k): $pairs | map(.[$k]) | map(select(. != null))
	| if length == 0 then null else median * 100 | rnd(2) end;
   fig(3; "reporting_overhead"; pct("ratio"); "%";
	 "1 − units/s with interval 10 ms, cpustress top listening and /metrics scraped 100/s ÷ units/s with interval 1000 ms and nobody reading (kernel engine, busy 100 %, all CPUs; readers in the same guest), median of \($pairs | length) rounds, in %";
	 {pairs: $pairs};
	 "ratios \($pairs | map(.ratio | rnd(3)) | join(" ")); top, exporter and scraper took \(share("readersCpuShare")) % of the guest's CPU time; top saw \($pairs | map(.topSamples) | median) samples per window; \($pairs | map(.scrapeOk) | add) scrapes ok, \($pairs | map(.scrapeErrors) | add) errors"),
   fig(3; "noise_between_windows"; ($pairs | map(.quietUnitsPerSec) | (sd / mean * 100) | rnd(2)); "%";
	 "coefficient of variation of the quiet windows' units/s across the rounds: how much this machine's speed moves between windows of the same load; a throughput difference below about twice this is not resolved by one round";
	 {quietUnitsPerSec: ($pairs | map(.quietUnitsPerSec))};
	 "quiet windows: \($pairs | map(.quietUnitsPerSec | rnd(0)) | join(" ")) units/s"),
   fig(3; "overhead_typical"; pct("typicalRatio"); "%";
	 "1 − units/s with interval 1000 ms, cpustress top listening and /metrics scraped once a second ÷ units/s with interval 1000 ms and nobody reading: what reporting costs as a user runs it, median of the rounds, in %";
	 {pairs: $pairs | map({pair, quietUnitsPerSec, typicalUnitsPerSec, typicalRatio, typicalReadersCpuShare})};
	 "ratios \($pairs | map(.typicalRatio | rnd(3)) | join(" ")); top, exporter and scraper took \(share("typicalReadersCpuShare")) % of the guest's CPU time"),
   fig(3; "overhead_sampling_10ms"; pct("samplingRatio"); "%";
	 "1 − units/s with interval 10 ms and nobody reading ÷ units/s with interval 1000 ms: the module's own sampling at 100 samples/s, median of the rounds, in %";
	 {pairs: $pairs | map({pair, quietUnitsPerSec, samplingUnitsPerSec, samplingRatio})};
	 "ratios \($pairs | map(.samplingRatio | rnd(3)) | join(" "))"),
   fig(3; "overhead_top_10ms"; pct("topRatio"); "%";
	 "1 − units/s with interval 10 ms and cpustress top --json receiving every sample ÷ units/s with interval 1000 ms, median of the rounds, in %";
	 {pairs: $pairs | map({pair, quietUnitsPerSec, topUnitsPerSec, topRatio, topCpuShare})};
	 "ratios \($pairs | map(.topRatio | rnd(3)) | join(" ")); top took \(share("topCpuShare")) % of the guest's CPU time"),
   fig(3; "reporting_readers_cpu"; share("readersCpuShare"); "%";
	 "CPU time of cpustress top, cpustress serve and the /metrics scraper during the reporting window ÷ (CPUs × wall time): the part of reporting_overhead that is the readers' own work on the measured CPUs, median of the rounds";
	 {pairs: $pairs | map({pair, readersCpuShare, ratio})};
	 "shares \($pairs | map(.readersCpuShare) | join(" ")); overhead left after it: \(if pct("ratio") and share("readersCpuShare") then pct("ratio") - share("readersCpuShare") | rnd(2) else null end) points")),

# --- 4. duty accuracy and work per busy second --------------------------------
  (R("duty") as $d
   | ($d | map(select(.engine == "kernel")) | map(.period) | unique) as $periods
   | (if ($periods | index(100)) then 100 else $periods[0] end) as $p
   | ($d | map(select(.engine == "kernel" and .period == $p))) as $k
   | ($k | map(select(.busy == 100)) | first | .ups) as $full
   | ($k | map(select(.busy != 100))
      | map((.cpu_pct | if type == "array" then . else [.] end) as $c
	    | .busy as $b
	    | {busy: $b, cpuPct: $c,
	       worstError: ($c | map(. - $b | fabs) | max | rnd(2)),
	       unitsPerSec: .ups,
	       workPerBusySecondVs100: (ratio(.ups; $full) | if . == null then null else . / ($b / 100) | rnd(3) end),
	       hostCpu: hostcpu(.mark), hostWait: hostwait(.mark)})) as $levels
   | select($levels | length > 0)
   | fig(4; "duty_worst_error"; ($levels | map(.worstError) | max | rnd(2));
	 "points";
	 "largest |worker thread CPU time ÷ wall time − target busy| over every worker and level (/proc/PID/schedstat, independent of the module), kernel engine, period \($p) ms";
	 {periodMs: $p, unitsPerSecAt100: $full, levels: $levels};
	 "levels \($levels | map(.busy) | join(",")); errors \($levels | map(.worstError) | join(" ")); work per busy second vs busy 100: \($levels | map("\(.busy)%:\(.workPerBusySecondVs100)") | join(" "))")),

# The low-duty effect: work per busy second at low busy vs busy 100, per
# engine and period, raw and per host CPU second of the VM's vCPUs.
  (R("duty") as $d
   | ($d | map(select(.engine == "kernel" and .busy == 10)) | length) as $has10
   | ($d | group_by([.engine, .period])
      | map(. as $g | ($g | map(select(.busy == 100)) | first) as $f
	    | select($f != null)
	    | {engine: $g[0].engine, periodMs: $g[0].period,
	       levels: ($g | map(select(.busy != 100)) | map(.busy as $b |
		  {busy, unitsPerSec: .ups,
		   workPerBusySecondVs100: (ratio(.ups; $f.ups) | if . == null then null else . / ($b / 100) | rnd(3) end),
		   cpuPct: .cpu_pct,
		   hostCpu: hostcpu(.mark), hostWait: hostwait(.mark),
		   workPerHostCpuSecondVs100: (
			(hostcpu(.mark)) as $h | (hostcpu($f.mark)) as $hf
			| if $h and $hf and $h > 0 and $hf > 0
			  then ratio(.ups / $h; $f.ups / $hf) | rnd(3) else null end)})),
	       unitsPerSecAt100: $f.ups, hostCpuAt100: hostcpu($f.mark),
	       hostWaitAt100: hostwait($f.mark)})) as $curves
   | ($curves | map(select(.engine == "kernel")) | sort_by(if .periodMs == 100 then 0 else 1 end) | first) as $kc
   | select($kc != null)
   | ($kc.levels | map(select(.busy == 10)) | first) as $l10
   | ($kc.levels | map(select(.busy == 30)) | first) as $l30
   | fig(4; "low_duty_work_at_10"; ($l10.workPerBusySecondVs100 // null); "ratio";
	 "(units/s at busy 10 % ÷ units/s at busy 100 %) ÷ 0.10: work per busy second at 10 % relative to 100 % (1.0 = proportional), kernel engine, period \($kc.periodMs) ms";
	 {curves: $curves};
	 "kernel period \($kc.periodMs) ms: at 10 % \($l10.workPerBusySecondVs100 // "-"), at 30 % \($l30.workPerBusySecondVs100 // "-"); per host CPU second of the vCPUs: at 10 % \($l10.workPerHostCpuSecondVs100 // "-"), at 30 % \($l30.workPerHostCpuSecondVs100 // "-")")),

# The low-duty study: the same duty cycle in one plain process (csbench
# duty), in the guest and natively on the host: whether the effect is the
# engines', the emulator's or the machine's.
  (({where: "guest", recs: R("chunk")}, {where: "host", recs: R("hostchunk")})
  | select(.recs | length > 0)
  | .where as $w
  | (.recs | group_by(.period_ms)
     | map(. as $p | ($p | map(select(.busy == 100)) | first) as $f
	   | select($f != null)
	   | {periodMs: $p[0].period_ms,
	      unitsPerBusySecAt100: $f.units_per_busy_sec,
	      chunkUsAt100: ($f.chunk_us | if type == "array" then last else . end),
	      levels: ($p | map(select(.busy != 100)) | map(
		{busy, unitsPerBusySec: .units_per_busy_sec,
		 vs100: (ratio(.units_per_busy_sec; $f.units_per_busy_sec) | rnd(3)),
		 firstChunkUs: (.chunk_us | if type == "array" then first else . end),
		 laterChunkUs: (.chunk_us | if type == "array" then last else . end),
		 hostCpu: (if .mark then hostcpu(.mark) else null end)}))})) as $curves
  | ($curves | map(select(.periodMs == 100)) | first // $curves[0]) as $c
  | ($c.levels | map(select(.busy == 10)) | first) as $l
  | select($l != null)
  | fig(4; "low_duty_\($w)_process_at_10"; $l.vs100; "ratio";
	"one plain pinned process running the engines' duty cycle (csbench duty) \(if $w == "guest" then "in the guest" else "on the host, without emulation" end): work per busy second at busy 10 % ÷ at busy 100 %, period \($c.periodMs) ms";
	{curves: $curves};
	"at 10 %: \($curves | map("period \(.periodMs) ms \(.levels | map(select(.busy == 10)) | first | .vs100)") | join(", ")); mean chunk after the 16th \($l.laterChunkUs) µs vs \($c.chunkUsAt100) µs at 100 %")),

# --- 5. contention fidelity --------------------------------------------------
  (R("cont") | map({rep, csSolo: .cs_solo, csShared: .cs_shared,
		   stressngSolo: .sng_solo, stressngShared: .sng_shared,
		   cpu0WaitPct: .cpu0_wait_pct, method: .sng_method,
		   cpustress: (ratio(.cs_shared; .cs_solo) | rnd(4)),
		   stressng: (ratio(.sng_shared; .sng_solo) | rnd(4))})
   | select(length > 0) as $reps
   | ($reps | map(.cpustress) | map(select(. != null)) | median | rnd(3)) as $c
   | ($reps | map(.stressng) | map(select(. != null)) | median | rnd(3)) as $s
   | fig(5; "contention_cpustress"; $c; "ratio";
	 "cpu0 units/s with stress-ng --cpu 1 --taskset 0 competing ÷ cpu0 units/s solo (kernel engine, busy 100 %); ideal 0.5";
	 {reps: $reps};
	 "\($reps | length) reps: \($reps | map(.cpustress | rnd(3)) | join(" "))"),
     fig(5; "contention_stressng"; $s; "ratio";
	 "stress-ng's bogo-ops/s (real time, --cpu-method \($reps[0].method)) with cpustress on its CPU ÷ its bogo-ops/s solo; ideal 0.5";
	 {reps: $reps};
	 "\($reps | length) reps: \($reps | map(.stressng | rnd(3)) | join(" "))"),
     # Paired: both read in the same shared window, each rep one pair.
     ($reps | map(select(.cpustress != null and .stressng != null)
		  | .cpustress - .stressng)) as $dif
     | fig(5; "contention_difference"; ($dif | median | if . == null then null else rnd(3) end);
	 "ratio";
	 "median over the repetitions of (cpustress's ratio − stress-ng's ratio), both read in the same shared window: how far cpustress's reading of a shared CPU is from what the competing task itself sees";
	 {reps: $reps};
	 "differences \($dif | map(rnd(3)) | join(" ")); medians cpustress \($c) vs stress-ng \($s)")),

# --- 6. stability ------------------------------------------------------------
# The coefficient of variation of each round's samples, median over the
# rounds (the designs took turns: drift of the machine between rounds is
# not any design's).
  (R("stab") | group_by(.design)
   | sort_by({"kernel": 0, "user": 1, "seed": 2}[.[0].design] // 3)[]
   | map((.samples | if type == "array" then . else [.] end
	  | map(select(type == "number"))) as $x
	 | select($x | length > 1)
	 | {round: (.round // 1), samples: $x, mean: ($x | mean | rnd(2)),
	    sd: ($x | sd | rnd(2)), cv: (($x | sd) / ($x | mean) * 100 | rnd(2)),
	    hostCpu: hostcpu(.mark), hostWait: hostwait(.mark), design})
   | select(length > 0)
   | .[0].design as $d
   | (map(.samples) | add) as $all
   | (($all | sd) / ($all | mean) * 100 | rnd(2)) as $cvall
   | fig(6; "stability_cv_\($d)"; (map(.cv) | median | rnd(2)); "%";
	 (if $d == "seed" then "coefficient of variation (sd ÷ mean) of 1-s samples, median over rounds of 10 samples: seed-style design (\($n) unpinned threads adding to one shared atomic counter, a sampler that sleeps 1 s and takes the count, csbench seed)"
	  else "coefficient of variation (sd ÷ mean) of 1-s samples, median over rounds of 10 samples: \($d) engine at busy 100 % (cpustress top --json\(if $d == "user" then " --engine user" else "" end)), otherwise idle guest; the designs take turns" end);
	 {rounds: ., cvAllSamples: $cvall, samples: ($all | length)};
	 "\(length) rounds, CVs \(map(.cv) | join(" ")) %; means \(map(.mean | rnd(0)) | join(" ")); over all \($all | length) samples \($cvall) %")),

# --- 7. the exporter under load ---------------------------------------------------
  (R("http") as $h
   | ($h | map(select(.state == "idle"))) as $i
   | ($h | map(select(.state == "loaded"))) as $l
   | select(($i | length) > 0 and ($l | length) > 0)
   | {idle: $i | map({rep, p50_us, p99_us, max_us, requests, ok, errors, hostCpu: hostcpu("http-idle-\(.rep)"), hostWait: hostwait("http-idle-\(.rep)")}),
      loaded: $l | map({rep, p50_us, p99_us, max_us, requests, ok, errors, hostCpu: hostcpu("http-loaded-\(.rep)"), hostWait: hostwait("http-loaded-\(.rep)")}),
      ratePerSec: $i[0].rate} as $raw
   | (fig(7; "exporter_p50_loaded_vs_idle";
	  (ratio($l | map(.p50_us) | median; $i | map(.p50_us) | median) | rnd(2)); "ratio";
	  "median latency of GET /cpu-perf at \($raw.ratePerSec) requests/s (open loop, from the due time) with every CPU at busy 100 % ÷ the same with the CPUs idle, client in the guest";
	  $raw;
	  "p50 \($l | map(.p50_us) | median) vs \($i | map(.p50_us) | median) µs; errors \($h | map(.errors) | add)"),
      fig(7; "exporter_p99_loaded_vs_idle";
	  (ratio($l | map(.p99_us) | median; $i | map(.p99_us) | median) | rnd(2)); "ratio";
	  "99th percentile latency of GET /cpu-perf, loaded ÷ idle, as above";
	  $raw;
	  "p99 \($l | map(.p99_us) | median) vs \($i | map(.p99_us) | median) µs"))),

# --- 8. overprovisioning ---------------------------------------------------------
  (R("overprov") as $o
   | ($o | map(. + {med: (.samples | if type == "array" then . else [.] end | map(select(type == "number")) | median),
		    hostCpu: (if .host_ns > 0 and .nvcpus > 0 then .vcpu_ns / (.host_ns * .nvcpus) | rnd(3) else null end),
		    hostWait: (if .host_ns > 0 and .nvcpus > 0 and .vcpu_wait_ns != null then .vcpu_wait_ns / (.host_ns * .nvcpus) | rnd(3) else null end)})) as $o
   | ($o | map(select(.vms == 1))) as $single
   | ($single | map(.med) | map(select(. != null)) | mean) as $base
   | ($single | map(.hostCpu) | map(select(. != null)) | mean) as $basecpu
   | select($base != null)
   | ($o | map(.vms) | unique | map(select(. > 1)))[] as $k
   | ($o | map(select(.vms == $k))) as $vms
   | ($vms | map({vm, unitsPerSec: .med, ratio: (ratio(.med; $base) | rnd(3)),
		  hostCpu, hostWait, samples,
		  perHostCpuVsSingle: (if .hostCpu and $basecpu and .hostCpu > 0
			then ratio(.med / .hostCpu; $base / $basecpu) | rnd(3) else null end)})) as $each
   | fig(8; "overprovisioning_\($k)vm"; ($each | map(.ratio) | map(select(. != null)) | mean | rnd(3));
	 "ratio";
	 "each VM's units/s (its GET /cpu-perf, read once a second on a forwarded port) with \($k) VMs of \($env.ncpus // 2) vCPUs at once ÷ the single-VM figure (measured before and after); mean over the VMs; expected \(1 / $k | rnd(2))";
	 {singleVmUnitsPerSec: ($single | map(.med)), singleVmHostCpu: ($single | map(.hostCpu)), vms: $each};
	 "per VM \($each | map(.ratio) | join(" ")); host CPU share per vCPU \($each | map(.hostCpu) | join(" ")) vs \($basecpu | rnd(3)) alone")),

# --- 9. footprint ------------------------------------------------------------------
  (R("footprint_mem") | map({key: .phase, value: .}) | from_entries) as $m
  | (R("footprint_module") | first) as $mod
  | select($mod != null and $m.running != null and $m.stopped != null and $m.loaded != null and $m.before != null)
  | (($m.running.vmalloc - $m.stopped.vmalloc) + ($m.running.kstack - $m.stopped.kstack)
     + ($m.running.slab - $m.stopped.slab)) as $run
  | (($m.loaded.vmalloc - $m.before.vmalloc) + ($m.loaded.slab - $m.before.slab)
     + ($m.loaded.percpu - $m.before.percpu)) as $static
  | ($mod.workers // $mod.ncpus) as $w
  | (fig(9; "footprint_module_per_cpu"; ($run / $w | rnd(1)); "KiB";
	 "memory a running CPU adds (Slab + KernelStack + VmallocUsed, running − stopped, /proc/meminfo) ÷ workers: the work-unit buffer (kvzalloc: kmalloc'd pages, counted as Slab), the kthread's stack, its bookkeeping";
	 {workers: $w, wuKib: $mod.wu_kib,
	  slabKib: ($m.running.slab - $m.stopped.slab),
	  kernelStackKib: ($m.running.kstack - $m.stopped.kstack),
	  vmallocKib: ($m.running.vmalloc - $m.stopped.vmalloc),
	  memFreeDropKib: ($m.stopped.free - $m.running.free),
	  meminfo: $m};
	 "per CPU: slab \(($m.running.slab - $m.stopped.slab) / $w) KiB (buffer \($mod.wu_kib) KiB), stack \(($m.running.kstack - $m.stopped.kstack) / $w) KiB; MemFree drop \(($m.stopped.free - $m.running.free) / $w) KiB"),
     fig(9; "footprint_module_loaded"; $static; "KiB";
	 "memory the loaded, idle module takes (VmallocUsed + Slab + Percpu, loaded − before insmod): its image and the per-possible-CPU state";
	 {moduleSizeBytes: $mod.modsize, possibleCpus: $mod.possible};
	 "module image \($mod.modsize / 1024 | rnd(0)) KiB (/proc/modules), possible CPUs \($mod.possible)")),

  (R("footprint_serve") | first | select(. != null)
   | fig(9; "footprint_exporter_rss"; .VmRSS; "KiB";
	 "resident memory of cpustress serve (kernel engine) after serving the latency runs of measurement 7";
	 {VmRSS: .VmRSS, VmHWM: .VmHWM, RssAnon: .RssAnon, RssFile: .RssFile, threads: .threads};
	 "RSS \(.VmRSS) KiB (peak \(.VmHWM), anon \(.RssAnon), file \(.RssFile)), \(.threads) threads"))
] as $figures
| {meta: ($stamp + {hostCpu: $hcpu, ncpus: $n, clocksource: ($env.clocksource // null),
		    windowSec: ($env.dur // null), warmupSec: ($env.warm // null),
		    pairs: ($env.pairs // null), reps: ($env.reps // null),
		    complete: ($all | map(select(.t == "R" and .m == "done")) | length > 0)}),
   figures: $figures}
