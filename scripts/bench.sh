#!/usr/bin/env bash
# make bench: the webhook's throughput and latency against a bare net/http
# handler on the same machine, in the same run, alternating so both see the
# same conditions. Delivery (simulator carrier) runs during the load.
# Usage: scripts/bench.sh [concurrency] [seconds] [rounds]
set -euo pipefail
cd "$(dirname "$0")/.."
c=${1:-64}; secs=${2:-10}; rounds=${3:-2}
bin=./hookline
[ -x "$bin" ] || go build -o "$bin" ./cmd/hookline
dir=$(mktemp -d)
port=$(( 20000 + RANDOM % 10000 )); bport=$((port + 1)) # below the ephemeral ports the load opens
"$bin" serve --data-dir "$dir" --addr 127.0.0.1:$port --log-level warn --sim-receipt-delay 100ms > "$dir/serve.log" 2>&1 &
spid=$!
"$bin" bench baseline --addr 127.0.0.1:$bport > "$dir/baseline.log" 2>&1 &
bpid=$!
trap 'kill $spid $bpid 2>/dev/null; wait $spid $bpid 2>/dev/null; rm -rf "$dir"' EXIT
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
for _ in $(seq 50); do curl -sf "http://127.0.0.1:$bport/" >/dev/null && break; sleep 0.1; done
key=$("$bin" keys create --data-dir "$dir")
hook=$("$bin" triggers create --data-dir "$dir" --addr 127.0.0.1:$port --name Bench --body 'Hi {first|there}, your code is {last}.' --send-window off)
echo "webhook: $hook   concurrency $c, ${secs}s per run, $rounds rounds"
declare -a wr br
# steal: the share of the machine's CPU time that the host gave to other
# tenants since the last call (/proc/stat); a run with a high share measured
# a smaller machine, and its ratio is no evidence either way.
steal() {
  local f total=0
  read -r -a f < /proc/stat # cpu user nice system idle iowait irq softirq steal ...
  for x in "${f[@]:1:8}"; do total=$((total + x)); done
  [ -n "${last_total:-}" ] && stolen=$(( 100 * (f[8] - last_st) / (total - last_total) ))
  last_total=$total last_st=${f[8]}
}
steal
for r in $(seq "$rounds"); do
  b=$("$bin" bench --url "http://127.0.0.1:$bport/webhook/Custom/x?phone={phone}&first=Ann&last={n}" -c "$c" -d "${secs}s" --json)
  steal; bst=$stolen
  w=$("$bin" bench --url "$hook?phone={phone}&first=Ann&last={n}" -c "$c" -d "${secs}s" --api-key "$key" --json)
  steal; wst=$stolen
  for j in "$b" "$w"; do
    echo "$j" | grep -q '"errors":0,' || { echo "errors in a run: $j" >&2; exit 1; }
  done
  echo "round $r baseline (host stole ${bst}% of the CPU): $b"
  echo "round $r webhook  (host stole ${wst}% of the CPU): $w"
  br+=("$(echo "$b" | sed -E 's/.*"rps":([0-9.]+).*/\1/')")
  wr+=("$(echo "$w" | sed -E 's/.*"rps":([0-9.]+).*/\1/')")
done
python3 - "${br[*]}" "${wr[*]}" <<'PY'
import sys
b=[float(x) for x in sys.argv[1].split()]; w=[float(x) for x in sys.argv[2].split()]
if not b or not w or min(b) <= 0 or min(w) <= 0:
    sys.exit("a run measured nothing")
print("baseline req/s: " + ", ".join("%.0f" % x for x in b))
print("webhook  req/s: " + ", ".join("%.0f" % x for x in w))
print("ratio webhook/baseline per round: " + ", ".join("%.2f" % (y / x) for x, y in zip(b, w)))
print("ratio of means: %.2f" % ((sum(w) / len(w)) / (sum(b) / len(b))))
PY
