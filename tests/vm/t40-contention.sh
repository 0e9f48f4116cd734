# SPDX-License-Identifier: GPL-2.0
# Contention: a CPU hog on CPU 0 halves cpu0's rate and shows as run-queue
# wait, and leaves the other CPUs alone.

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

load
echo 1 > $CS/running
sleep 1.5
base=$(rates)
wait_base=$(cat $CS/cpu0/wait_pct)
taskset -c 0 sh -c 'while :; do :; done' &
hog=$!
sleep 1.5
loaded=$(rates)
wait_hog=$(cat $CS/cpu0/wait_pct)
kill $hog
wait $hog 2>/dev/null
sleep 1.5
after=$(rates)
echo "# alone: $(echo $base)  with hog on cpu0: $(echo $loaded)  alone again: $(echo $after)  cpu0 wait% $wait_base -> $wait_hog"
# The machine under the emulated VM changes speed by 5-35 % from one
# window to the next, the same for every vCPU or not. So cpu0 is measured
# against a CPU without the hog in the same window, and the other CPUs
# against the mean of the windows before and after the hog's.
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
timed_check "contention: cpu0 wait_pct rises ($wait_base -> $wait_hog)" \
	fcmp "$wait_hog >= $wait_base + 20"
for c in $(cpu_online_list); do
	[ "$c" = 0 ] && continue
	b=$(rate_of "$base" "$c")
	l=$(rate_of "$loaded" "$c")
	a=$(rate_of "$after" "$c")
	timed_check "contention: cpu$c rate unchanged within 20 % ($l vs $b and $a)" \
		fcmp "$l >= 0.8 * ($b + $a) / 2 && $l <= 1.2 * ($b + $a) / 2"
done
echo 0 > $CS/running
unload
