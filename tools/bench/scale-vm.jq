# SPDX-License-Identifier: GPL-2.0
# tools/bench/scale-vm's records (one object per "R"/"E" line of
# build/bench/scale-vm/raw.txt, slurped) into bench/scale-vm.json.
def rec($r; $n): [.[] | select(.rec == $r and .ncpus == $n)];
def one($r; $n): rec($r; $n)[0] // {};
def kib($p): ($p.slab + $p.kstack + $p.vmalloc + $p.percpu);
def num: if type == "number" then . else null end;
def per($n): if . == null then null else (. / $n * 100 | round / 100) end;
. as $all
| ([.[] | select(.rec == "mem") | .ncpus] | unique) as $ns
| [$ns[] as $n
   | ($all | rec("mem_phase"; $n)) as $ph
   | ($ph | map(select(.phase == "before"))[0]) as $b
   | ($ph | map(select(.phase == "loaded"))[0]) as $l
   | ($ph | map(select(.phase == "running"))[0]) as $u
   | ($all | one("mem"; $n)) as $m
   | ($all | one("sampler"; $n)) as $s
   | ($all | one("dump_time"; $n)) as $d
   | ($all | one("dump"; $n)) as $db
   | ($all | rec("metrics"; $n)) as $mx
   | ($mx | map(select(.hist == "default"))[0] // {}) as $md
   | ($mx | map(select(.hist == "per-cpu"))[0] // {}) as $mp
   | ($all | one("rmmod"; $n)) as $rm
   | ($all | one("boot"; $n)) as $bt
   | {
       ncpus: $n,
       bootSecs: $bt.secs,
       day: $bt.day,
       memory: {
         moduleBytes: $m.modsize,
         kernelKiBLoaded: (if $b and $l then kib($l) - kib($b) else null end),
         kernelKiBRunning: (if $b and $u then kib($u) - kib($b) else null end),
         memFreeDropKiBRunning: (if $b and $u then $b.free - $u.free else null end),
         workUnitKiBPerCpu: $m.wu_kib
       },
       sampler: {calls: $s.calls, medianUs: ($s.median_us | num), maxUs: ($s.max_us | num)},
       getStats: {
         bytes: $db.bytes, procBytes: $db.proc_bytes,
         statusUs: $d.status_us, bareProcessUs: $d.bare_us,
         dumpUs: (if $d.status_us != null then $d.status_us - $d.bare_us else null end)
       },
       metrics: {
         bytes: $md.bytes, series: $md.series,
         perCpuHistogramBytes: $mp.bytes, perCpuHistogramSeries: $mp.series,
         exporterMsPerPoll: (if ($md.polls // 0) > 0 then ($md.idle_ticks * 10 / $md.polls * 10 | round / 10) else null end),
         scrapeUs: $md.scrape_us
       },
       rmmodMs: $rm.ms
     }
   | . + {perCpu: {
       kernelKiBRunning: (.memory.kernelKiBRunning | per($n)),
       samplerUs: (.sampler.medianUs | per($n)),
       statusUs: (.getStats.statusUs | per($n)),
       metricsBytes: (.metrics.bytes | per($n)),
       metricsSeries: (.metrics.series | per($n)),
       perCpuHistogramSeries: (.metrics.perCpuHistogramSeries | per($n)),
       exporterMsPerPoll: (.metrics.exporterMsPerPoll | per($n))
     }}
  ] as $rows
| ($rows[0].perCpu) as $base
| {
    date: $date, guestKernel: $kernel, qemu: $qemu, hostCpus: $hostcpus,
    core: ($all | map(select(.rec == "core"))[0] // null),
    counts: [$rows[] | . + {perCpuRelative: (.perCpu | with_entries(
      .value = (if .value != null and $base[.key] != null and $base[.key] > 0
        then (.value / $base[.key] * 100 | round / 100) else null end)))}]
  }
