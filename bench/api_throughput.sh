#!/usr/bin/env bash
# GET /v1/live-streams/{id} with a keep-alive load generator (wrk) on loopback,
# and the server's RSS at rest before and after.
#   bench/api_throughput.sh [SECONDS=10] [CONNECTIONS=64]
set -euo pipefail
cd "$(dirname "$0")/.."
source bench/common.sh
secs=${1:-10}
conns=${2:-64}
data=$(mktemp -d)
out=$data/serve.out
./build/antcdn serve --data-dir "$data" --api-listen 127.0.0.1:0 --edge-listen 127.0.0.1:0 \
  --rtmp-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 $NO_PER_IP_CAPS >"$out" 2>"$data/serve.err" &
pid=$!
trap 'kill $pid 2>/dev/null; wait $pid 2>/dev/null; rm -rf "$data"' EXIT
until grep -q '^Try:' "$out"; do sleep 0.1; done
api=$(sed -n 's/^  API: *\(\S*\)/\1/p' "$out")
key=$(sed -n 's/^  API key: *\(ak_\S*\)/\1/p' "$out")
id=$(curl -s -X POST "$api" -H "X-Api-Key: $key" -H "Content-Type: application/json" \
  -d '{"name":"bench"}' | sed 's/.*"streamId":"\([^"]*\)".*/\1/')
rss() { awk '/VmRSS/ {print $2 / 1024 " MB"}' "/proc/$pid/status"; }
echo "RSS at rest: $(rss)"
wrk -t2 -c"$conns" -d"${secs}s" -H "X-Api-Key: $key" "$api/$id" | sed -n '/Requests\/sec/p;/Latency/p;/requests in/p'
echo "RSS after: $(rss)"
