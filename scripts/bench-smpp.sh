#!/usr/bin/env bash
# SMS throughput end to end through SMPP: webhook → submit_sm → receipt →
# delivered stored, against the node-smpp SMSC of carrier/smpp/testdata.
# Each round starts a fresh node and SMSC, loads the webhook for the given
# time, then waits until every accepted message is delivered, and reports
#   delivered msg/s = messages delivered / (load time + drain time).
# Usage: scripts/bench-smpp.sh [concurrency] [seconds] [rounds] [-- extra serve flags]
set -euo pipefail
cd "$(dirname "$0")/.."
c=${1:-64}; secs=${2:-10}; rounds=${3:-3}
shift $(( $# < 3 ? $# : 3 )); [ "${1:-}" = "--" ] && shift
extra=("$@")
bin=./hookline
go build -o "$bin" ./cmd/hookline
export NODE_PATH=$PWD/testdata/node/node_modules
[ -f "$NODE_PATH/smpp/package.json" ] || { echo "npm package smpp missing: (cd testdata/node && npm ci)" >&2; exit 1; }
echo "SMS through SMPP: concurrency $c, ${secs}s of load per round, $rounds rounds, $(nproc) cores"
results=()
for r in $(seq "$rounds"); do
  dir=$(mktemp -d)
  port=$(( 20000 + RANDOM % 10000 )); sport=$((port + 1)) # below the ephemeral ports the load opens
  node carrier/smpp/testdata/smsc.js --port "$sport" > "$dir/smsc.log" 2>&1 &
  npid=$!
  for _ in $(seq 100); do grep -q listening "$dir/smsc.log" && break; sleep 0.1; done
  "$bin" serve --data-dir "$dir" --addr 127.0.0.1:$port --log-level warn \
    --sms-carrier smpp --smpp-addr 127.0.0.1:$sport --smpp-system-id hook --smpp-password secret \
    --smpp-source-addr 12345 --smpp-window 64 ${extra[@]+"${extra[@]}"} > "$dir/serve.log" 2>&1 &
  spid=$!
  trap 'kill $spid $npid 2>/dev/null; wait $spid $npid 2>/dev/null; rm -rf "$dir"' EXIT
  for _ in $(seq 100); do curl -sf "http://127.0.0.1:$port/healthz" >/dev/null && break; sleep 0.1; done
  key=$("$bin" keys create --data-dir "$dir")
  hook=$("$bin" triggers create --data-dir "$dir" --addr 127.0.0.1:$port --name Bench --body 'Hi {first|there}, your code is {last}.' --send-window off)
  start=$(date +%s.%N)
  out=$("$bin" bench --url "$hook?phone={phone}&first=Ann&last={n}" -c "$c" -d "${secs}s" --api-key "$key" --json)
  # The bench waited for a sample; count every message in the database.
  res=$(python3 - "$dir/hookline.db" "$start" "$out" <<'PY'
import json, sqlite3, sys, time
db, start, out = sys.argv[1], float(sys.argv[2]), json.loads(sys.argv[3])
con = sqlite3.connect("file:%s?mode=ro" % db, uri=True, timeout=30)
deadline = time.time() + 300
while True:
    counts = dict(con.execute("SELECT status, COUNT(*) FROM messages GROUP BY status").fetchall())
    total = sum(counts.values()); done = counts.get("delivered", 0) + counts.get("failed", 0) + counts.get("undelivered", 0)
    if done >= total or time.time() > deadline:
        break
    time.sleep(0.05)
end = time.time()
accepted = int(out.get("by_status", {}).get("200", 0))
print(json.dumps({"accepted": accepted, "statuses": counts, "webhook_rps": round(out["rps"]), "p99_ms": out["p99_ms"],
                  "load_s": round(out["seconds"], 2), "total_s": round(end - start, 2),
                  "delivered_per_s": round(counts.get("delivered", 0) / (end - start))}))
PY
)
  echo "round $r: $res"
  results+=("$(echo "$res" | sed -E 's/.*"delivered_per_s": ([0-9]+).*/\1/')")
  kill $spid $npid 2>/dev/null; wait $spid $npid 2>/dev/null || true; rm -rf "$dir"; trap - EXIT
done
echo "delivered msg/s per round: ${results[*]}"
