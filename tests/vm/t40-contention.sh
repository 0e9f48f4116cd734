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
echo "# alone: $(echo $base)  with hog on cpu0: $(echo $loaded)  cpu0 wait% $wait_base -> $wait_hog"
b0=$(rate_of "$base" 0)
l0=$(rate_of "$loaded" 0)
timed_check "contention: cpu0 rate drops to about half ($l0 of $b0)" \
	fcmp "$l0 < 0.7 * $b0 && $l0 > 0.3 * $b0"
timed_check "contention: cpu0 wait_pct rises ($wait_base -> $wait_hog)" \
	fcmp "$wait_hog >= $wait_base + 20"
for c in $(cpu_online_list); do
	[ "$c" = 0 ] && continue
	b=$(rate_of "$base" "$c")
	l=$(rate_of "$loaded" "$c")
	timed_check "contention: cpu$c rate unchanged within 10 % ($l vs $b)" \
		fcmp "$l >= 0.9 * $b && $l <= 1.1 * $b"
done
echo 0 > $CS/running
unload
