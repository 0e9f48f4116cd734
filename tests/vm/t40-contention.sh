# SPDX-License-Identifier: GPL-2.0
# Contention: a CPU hog on CPU 0 halves cpu0's rate and shows as run-queue
# wait, and leaves the other CPUs alone: their workers keep their CPU.

WINDOW=4

# Units per second of every online CPU over WINDOW seconds: "cpu rate ...".
rates() {
	for c in $(cpu_online_list); do echo "$c $(cpu_units $c)"; done > /tmp/u0
	w0=$(now_ms)
	sleep $WINDOW
	w1=$(now_ms)
	for c in $(cpu_online_list); do echo "$c $(cpu_units $c)"; done > /tmp/u1
	paste /tmp/u0 /tmp/u1 | awk -v w=$((w1 - w0)) '{ printf "%s %.1f\n", $1, ($4 - $2) * 1000 / w }'
}
rate_of() { echo "$1" | awk -v c="$2" '$1 == c { print $2 }'; }

# "cpu run_ns wait_ns" of every online CPU's worker (schedstat).
sched_all() {
	for c in $(cpu_online_list); do
		read -r r w x < "/proc/$(worker_pid $c)/schedstat"
		echo "$c $r $w"
	done
}

load
echo 1 > $CS/running
sleep 1.5
base=$(rates)
wait_base=$(cat $CS/cpu0/wait_pct)
taskset -c 0 sh -c 'while :; do :; done' &
hog=$!
sleep 1.5
sched_all > /tmp/s0
h0=$(now_ms)
loaded=$(rates)
h1=$(now_ms)
sched_all > /tmp/s1
wait_hog=$(cat $CS/cpu0/wait_pct)
kill $hog
wait $hog 2>/dev/null
sleep 1.5
after=$(rates)
echo "# alone: $(echo $base)  with hog on cpu0: $(echo $loaded)  alone again: $(echo $after)  cpu0 wait% $wait_base -> $wait_hog"
# The machine under the emulated VM changes speed by 5-35 % from one
# window to the next, the same for every vCPU or not. So cpu0 is measured
# against a CPU without the hog in the same window (that ratio, with the
# hog and without, about 0.5), and its worker's run time in the hog's
# window, its own clock, must be about half of it (CFS shares the CPU).
first_other=$(cpu_online_list | awk '$1 != 0 { print; exit }')
if [ -n "$first_other" ]; then
	b0=$(rate_of "$base" 0)
	l0=$(rate_of "$loaded" 0)
	bo=$(rate_of "$base" "$first_other")
	lo=$(rate_of "$loaded" "$first_other")
	share=$(awk -v b0="$b0" -v l0="$l0" -v bo="$bo" -v lo="$lo" \
		'BEGIN { printf "%.3f", (l0 / lo) / (b0 / bo) }')
	timed_check "contention: cpu0 rate drops to about half, $share of cpu$first_other's ($l0 of $b0)" \
		fcmp "$share < 0.7 && $share > 0.3"
fi
run0=$(paste /tmp/s0 /tmp/s1 | awk -v w=$((h1 - h0)) '$1 == 0 { printf "%.1f", ($5 - $2) / (w * 1e4) }')
timed_check "contention: cpu0's worker runs about half the hog's window ($run0 %)" \
	fcmp "$run0 >= 30 && $run0 <= 70"
timed_check "contention: cpu0 wait_pct rises ($wait_base -> $wait_hog)" \
	fcmp "$wait_hog >= $wait_base + 20"
# The other CPUs: their rate across windows is the host's speed as much
# as the hog's effect (343.6 units/s with the hog against 542.9 before
# and 358.8 after has been seen), so it is only shown. What the hog must
# not take is their CPU: in the hog's window each other worker runs at
# least 90 % of the wall time and waits at most 5 % (its own clocks, one
# window; a slower host slows its work, not its share).
paste /tmp/s0 /tmp/s1 | awk -v w=$((h1 - h0)) '$1 != 0 {
	printf "%s %.1f %.1f\n", $1, ($5 - $2) / (w * 1e4), ($6 - $3) / (w * 1e4) }' > /tmp/share
for c in $(cpu_online_list); do
	[ "$c" = 0 ] && continue
	b=$(rate_of "$base" "$c")
	l=$(rate_of "$loaded" "$c")
	a=$(rate_of "$after" "$c")
	run=$(awk -v c="$c" '$1 == c { print $2 }' /tmp/share)
	wt=$(awk -v c="$c" '$1 == c { print $3 }' /tmp/share)
	echo "# cpu$c: $l units/s with the hog, $b before, $a after (not compared: different windows)"
	timed_check "contention: cpu$c keeps its CPU with the hog on cpu0 (run $run %, wait $wt % of the window)" \
		fcmp "$run >= 90 && $wt <= 5"
done
echo 0 > $CS/running
unload
