#!/usr/bin/env bash
# Event-loop latency while streams publish and a transcoded stream ends.
#
#   bench/loop_latency.sh
#
# Every event loop runs a timer probe (10 ms period) that records how late it
# fires, i.e. how long the loop was busy with something else; the server logs
# the worst lateness of each loop when it exits. Two runs in one invocation:
#   idle:   a server with no streams (the machine's own timer jitter: the reference)
#   loaded: PUBLISHERS passthrough publishers (720p30, ~4.7 Mbit/s, looping) and
#           one `standard` (transcoded, 360p source) stream whose publisher stops after
#           ENDING_SECONDS, so its session ends (encoder flush, worker join,
#           ENDLIST) while the others publish; the server stops HOLD_S later.
# Goal: loaded worst < 20 ms on the ingest/API loop.
#
# Environment: ANTCDN_BIN (default build/antcdn), BENCH_CACHE, PUBLISHERS
# (default 8), ENDING_SECONDS (default 10), HOLD_S (default 4).
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/common.sh
BIN=${ANTCDN_BIN:-build/antcdn}
CACHE=${BENCH_CACHE:-${TMPDIR:-/tmp}/antcdn-bench}
PUBLISHERS=${PUBLISHERS:-8}
ENDING_SECONDS=${ENDING_SECONDS:-10}
HOLD_S=${HOLD_S:-4}
for tool in ffmpeg curl python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
[[ -x $BIN ]] || { echo "no binary at $BIN (build first or set ANTCDN_BIN)" >&2; exit 1; }

pin_cpus

CLIP=$(cached_720p_clip "$CACHE" 30)

# The transcoded stream's source: 640x360, so that transcoding it keeps up on a
# small machine and what is measured is the loop, not a saturated CPU.
SMALL=$CACHE/360p30_30s.flv
if [[ ! -s $SMALL ]]; then
  nice ffmpeg -hide_banner -nostdin -loglevel error -y \
    -f lavfi -i "testsrc2=size=640x360:rate=30:duration=30" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=30" \
    -c:v libx264 -preset veryfast -pix_fmt yuv420p -b:v 1200k -g 60 -keyint_min 60 \
    -sc_threshold 0 -c:a aac -b:a 128k -ac 2 -f flv "$SMALL.tmp"
  mv "$SMALL.tmp" "$SMALL"
fi

WORK=$(mktemp -d "${TMPDIR:-/tmp}/antcdn-loop-XXXXXX")
SERVER_PID=
PUB_PIDS=()
cleanup() {
  for p in "${PUB_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  [[ -n ${KEEP:-} ]] && echo "kept $WORK" >&2 || rm -rf "$WORK"
}
trap cleanup EXIT
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

start_server() {
  local dir=$1
  mkdir -p "$dir"
  "${SERVER_CPU[@]}" "$BIN" serve --log-level debug --data-dir "$dir" --api-listen 127.0.0.1:0 --edge-listen 127.0.0.1:0 \
    --rtmp-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 $NO_PER_IP_CAPS >"$dir/out.log" 2>"$dir/err.log" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    grep -q '^Try: ' "$dir/out.log" 2>/dev/null && break
    sleep 0.1
  done
  API=$(awk '$1=="API:"{print $2}' "$dir/out.log" | sed 's#/v1/live-streams$##')
  KEY=$(awk '$1=="API" && $2=="key:"{print $3}' "$dir/out.log")
}

# Stops the server (in this shell: only it can wait for its child).
stop_server() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" || true
  SERVER_PID=
}

# "ingest_ms edge_ms" from the server's exit log line.
lateness() {
  sed -nE 's/.*worst timer lateness ([0-9.]+) ms \(ingest\/API\), ([0-9.]+) ms \(edge\).*/\1 \2/p' \
    "$1/err.log"
}

create() {
  curl -fsS -X POST "$API/v1/live-streams" -H "X-Api-Key: $KEY" \
    -H 'Content-Type: application/json' -d "{\"name\":\"$1\",\"quality\":\"$2\"}" |
    json 'd["streamId"] + " " + d["ingest"]["rtmpFullUrl"]'
}

wait_state() {
  local id=$1 want=$2 deadline=$((SECONDS + 60))
  until curl -fsS "$API/v1/live-streams/$id" -H "X-Api-Key: $KEY" | grep -q "\"state\":\"$want\""; do
    ((SECONDS < deadline)) || { echo "stream $id never reached $want" >&2; tail -20 "$WORK/loaded/err.log" >&2; exit 1; }
    sleep 0.2
  done
}

start_server "$WORK/idle"
sleep $((ENDING_SECONDS + HOLD_S))
stop_server
read -r idle_ingest idle_edge <<<"$(lateness "$WORK/idle")"

start_server "$WORK/loaded"
for i in $(seq "$PUBLISHERS"); do
  read -r id url < <(create "copy $i" passthrough)
  "${PUB_CPU[@]}" ffmpeg -hide_banner -nostdin -loglevel error -re -stream_loop -1 -i "$CLIP" -c copy \
    -f flv "$url" 2>/dev/null &
  PUB_PIDS+=($!)
done
read -r tid turl < <(create "transcoded" standard)
"${PUB_CPU[@]}" ffmpeg -hide_banner -nostdin -loglevel error -re -t "$ENDING_SECONDS" -i "$SMALL" -c copy \
  -f flv "$turl" 2>/dev/null &
wait_state "$tid" live
window_start=$(date '+%Y-%m-%d %H:%M:%S.%3N')
wait_state "$tid" ended
sleep "$HOLD_S"
stop_server
read -r loaded_ingest loaded_edge <<<"$(lateness "$WORK/loaded")"
# The window: from the transcoded stream going live until the server stops.
window_worst() {
  awk -v from="[$window_start]" -v loop="$1" '
    { stamp = $1 " " $2 }
    stamp >= from && $0 ~ (loop " loop: a timer fired") {
      for (i = 1; i <= NF; i++) if ($i == "fired") { v = $(i + 1) + 0; if (v > m) m = v }
    }
    END { if (m > 0) print m; else print "<10" }' "$WORK/loaded/err.log"
}
window_ingest=$(window_worst ingest)
window_edge=$(window_worst edge)
for p in "${PUB_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
PUB_PIDS=()

echo "worst event-loop lateness (10 ms timer probe), ms; $(nproc) cores;" \
  "${SERVER_CPU[*]:-server not pinned}"
printf '%-44s  %-12s  %s\n' run ingest/API edge
printf '%-44s  %-12s  %s\n' "idle (reference)" "$idle_ingest" "$idle_edge"
printf '%-44s  %-12s  %s\n' "$PUBLISHERS passthrough + 1 standard, whole run" "$loaded_ingest" \
  "$loaded_edge"
printf '%-44s  %-12s  %s\n' "  window: transcoded stream live -> ended -> +${HOLD_S}s" \
  "$window_ingest" "$window_edge"
awk -v a="$window_ingest" -v b="$idle_ingest" \
  'BEGIN { printf "goal: ingest/API worst in the window < 20 ms: %s (idle reference %s ms)\n", (a + 0 < 20 ? "met" : "NOT met"), b }'
