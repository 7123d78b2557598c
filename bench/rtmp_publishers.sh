#!/usr/bin/env bash
# RTMP (or SRT) ingest under N concurrent publishers: server CPU and memory.
#
#   bench/rtmp_publishers.sh [N ...]          (default: 1 2 4 8 16)
#   PROTOCOL=srt bench/rtmp_publishers.sh [N ...]
#
# PROTOCOL=srt publishes the same clip remuxed to MPEG-TS over SRT (streamid =
# the key, 1316-byte packets) to --srt-listen instead of FLV over RTMP.
#
# For each N: starts a fresh `antcdn serve` (temporary data dir), creates N
# passthrough streams, publishes N copies of one pre-generated 30 s 720p30
# H.264 (~4.5 Mbps) + AAC FLV clip with `ffmpeg -re -c copy`, samples the
# server's CPU time (/proc/PID/stat utime+stime) and RSS (/proc/PID/status)
# every SAMPLE_S while all N publish, then checks every frame arrived (the
# server's "ended (unpublished; V video, A audio frames)" log lines) and that
# the publishers kept real time (wall s = time until the last publisher ended,
# ~CLIP_SECONDS when they did).
#
# On a machine with 2+ cores the server is pinned to CPU 0 and the publishers
# to CPU 1 (taskset), so ffmpeg's own work does not count against the server.
# The streams are `passthrough`: the server runs ingest, CMAF packaging, the
# write queue to its data dir on disk and the edge's memory cache (which fills
# during the run), so this is the whole cost of a stream that nobody watches.
#
# Environment: ANTCDN_BIN (default build/antcdn), BENCH_CACHE (clip cache dir,
# default ${TMPDIR:-/tmp}/antcdn-bench), SAMPLE_S (default 0.5),
# CLIP_SECONDS (default 30).
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/common.sh
BIN=${ANTCDN_BIN:-build/antcdn}
CACHE=${BENCH_CACHE:-${TMPDIR:-/tmp}/antcdn-bench}
SAMPLE_S=${SAMPLE_S:-0.5}
CLIP_SECONDS=${CLIP_SECONDS:-30}
PROTOCOL=${PROTOCOL:-rtmp}
[[ $PROTOCOL == rtmp || $PROTOCOL == srt ]] || { echo "PROTOCOL: rtmp or srt" >&2; exit 1; }
COUNTS=("$@")
[[ ${#COUNTS[@]} -gt 0 ]] || COUNTS=(1 2 4 8 16)

for tool in ffmpeg ffprobe curl python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool" >&2; exit 1; }
done
[[ -x $BIN ]] || { echo "no binary at $BIN (build first or set ANTCDN_BIN)" >&2; exit 1; }

pin_cpus

# ------------------------------------------------------------------ the clip
CLIP=$(cached_720p_clip "$CACHE" "$CLIP_SECONDS")
read -r VFRAMES AFRAMES < <(ffprobe -v error -count_packets \
  -show_entries stream=codec_type,nb_read_packets -of csv=p=0 "$CLIP" |
  awk -F, '$1=="video"{v=$2} $1=="audio"{a=$2} END{print v, a}')
if [[ $PROTOCOL == srt ]]; then
  TS_CLIP=${CLIP%.flv}.ts
  [[ -s $TS_CLIP ]] || ffmpeg -hide_banner -nostdin -loglevel error -y -i "$CLIP" -c copy -f mpegts "$TS_CLIP"
fi
MBPS=$(ffprobe -v error -show_entries format=bit_rate -of csv=p=0 "$CLIP" |
  awk '{printf "%.1f", $1/1e6}')

TICKS=$(getconf CLK_TCK)
WORK=$(mktemp -d "${TMPDIR:-/tmp}/antcdn-bench-XXXXXX")
SERVER_PID=
PUB_PIDS=()
cleanup() {
  for p in "${PUB_PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  if [[ -n $SERVER_PID ]]; then kill "$SERVER_PID" 2>/dev/null || true; wait "$SERVER_PID" 2>/dev/null || true; fi
  rm -rf "$WORK"
}
trap cleanup EXIT

cpu_ticks() { awk '{print $14 + $15}' "/proc/$1/stat"; }   # utime + stime
rss_kb() { awk '/^VmRSS:/{print $2}' "/proc/$1/status"; }
json() { python3 -c "import json,sys; d=json.load(sys.stdin); print($1)"; }

# Starts a server; sets SERVER_PID, API, KEY.
start_server() {
  local dir=$1
  "${SERVER_CPU[@]}" "$BIN" serve --data-dir "$dir" --api-listen 127.0.0.1:0 \
    --edge-listen 127.0.0.1:0 --rtmp-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 $NO_PER_IP_CAPS \
    $([[ $PROTOCOL == srt ]] && echo --srt-listen 127.0.0.1:0) >"$dir/out.log" 2>"$dir/err.log" &
  SERVER_PID=$!
  for _ in $(seq 100); do
    grep -q '^Try: ' "$dir/out.log" 2>/dev/null && break
    kill -0 "$SERVER_PID" 2>/dev/null || { cat "$dir/err.log" >&2; exit 1; }
    sleep 0.1
  done
  API=$(awk '$1=="API:"{print $2}' "$dir/out.log" | sed 's#/v1/live-streams$##')
  KEY=$(awk '$1=="API" && $2=="key:"{print $3}' "$dir/out.log")
  [[ $KEY == ak_* ]] || { echo "no API key in server output" >&2; exit 1; }
}

stop_server() {
  kill "$SERVER_PID"
  wait "$SERVER_PID" 2>/dev/null || true
  SERVER_PID=
}

state_of() {
  curl -fsS "$API/v1/live-streams/$1" -H "X-Api-Key: $KEY" | json 'd["state"]'
}

echo "$PROTOCOL; clip: 1280x720 30 fps, ${MBPS} Mbit/s, ${VFRAMES} video + ${AFRAMES} audio frames, ${CLIP_SECONDS} s; $PINNING" >&2
printf '%-10s  %-20s  %-11s  %-11s  %-20s  %-9s  %s\n' publishers "server CPU% (1 core)" "RSS MB idle" "RSS MB peak" "RSS MB per publisher" "frames ok" "wall s"
for n in "${COUNTS[@]}"; do
  dir=$WORK/n$n
  mkdir -p "$dir"
  start_server "$dir"
  ids=() urls=()
  for i in $(seq "$n"); do
    body=$(curl -fsS -X POST "$API/v1/live-streams" -H "X-Api-Key: $KEY" \
      -H 'Content-Type: application/json' -d "{\"name\":\"bench $i\",\"quality\":\"passthrough\"}")
    ids+=("$(json 'd["streamId"]' <<<"$body")")
    if [[ $PROTOCOL == srt ]]; then
      urls+=("$(json 'd["ingest"]["srtFullUrl"]' <<<"$body")&pkt_size=1316")
    else
      urls+=("$(json 'd["ingest"]["rtmpFullUrl"]' <<<"$body")")
    fi
  done
  sleep 1
  rss_idle=$(rss_kb "$SERVER_PID")

  PUB_PIDS=()
  start=$(date +%s.%N)
  for i in $(seq 0 $((n - 1))); do
    if [[ $PROTOCOL == srt ]]; then
      "${PUB_CPU[@]}" ffmpeg -hide_banner -nostdin -loglevel error -re -i "$TS_CLIP" -c copy \
        -f mpegts "${urls[$i]}" 2>"$dir/pub$i.log" &
    else
      "${PUB_CPU[@]}" ffmpeg -hide_banner -nostdin -loglevel error -re -i "$CLIP" -c copy \
        -f flv "${urls[$i]}" 2>"$dir/pub$i.log" &
    fi
    PUB_PIDS+=($!)
  done
  # Measure from the moment every stream is on air until the first publisher ends.
  deadline=$((SECONDS + 30))
  for id in "${ids[@]}"; do
    until [[ $(state_of "$id") =~ ^(connecting|live)$ ]]; do
      ((SECONDS < deadline)) || { echo "stream $id never connected" >&2; exit 1; }
      sleep 0.1
    done
  done
  t0=$(date +%s.%N) c0=$(cpu_ticks "$SERVER_PID") rss_peak=0
  while :; do
    all_running=1
    for p in "${PUB_PIDS[@]}"; do kill -0 "$p" 2>/dev/null || all_running=0; done
    ((all_running)) || break
    r=$(rss_kb "$SERVER_PID")
    ((r > rss_peak)) && rss_peak=$r
    t1=$(date +%s.%N) c1=$(cpu_ticks "$SERVER_PID")
    sleep "$SAMPLE_S"
  done
  failed=0
  for p in "${PUB_PIDS[@]}"; do wait "$p" || failed=$((failed + 1)); done
  PUB_PIDS=()
  wall=$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN{printf "%.1f", b - a}')
  # Every session must have ended cleanly with every frame. SRT: the caller
  # drops what it has not sent when it closes (live mode has no linger), so
  # a session counts when at most 5 video frames of the end are missing.
  ended_line='ended (unpublished;'
  [[ $PROTOCOL == srt ]] && ended_line='ingest.srt .* ended ('
  deadline=$((SECONDS + 10))
  while (( $(grep -c "$ended_line" "$dir/err.log" || true) < n )) && ((SECONDS < deadline)); do
    sleep 0.2
  done
  if [[ $PROTOCOL == srt ]]; then
    ok=$(grep -o 'ingest.srt .* ended ([0-9]* video' "$dir/err.log" |
      awk -v v="$VFRAMES" '{gsub(/.*\(/, ""); if ($1 >= v - 5) n++} END{print n + 0}')
  else
    ok=$(grep -c "ended (unpublished; $VFRAMES video, $AFRAMES audio frames)" "$dir/err.log" || true)
  fi
  stop_server

  cpu=$(awk -v c0="$c0" -v c1="$c1" -v t0="$t0" -v t1="$t1" -v hz="$TICKS" \
    'BEGIN { printf "%.1f", (t1 > t0) ? 100 * (c1 - c0) / hz / (t1 - t0) : 0 }')
  printf '%-10s  %-20s  %-11s  %-11s  %-20s  %-9s  %s\n' "$n" "$cpu" \
    "$(awk -v k="$rss_idle" 'BEGIN{printf "%.1f", k/1024}')" \
    "$(awk -v k="$rss_peak" 'BEGIN{printf "%.1f", k/1024}')" \
    "$(awk -v a="$rss_peak" -v b="$rss_idle" -v n="$n" 'BEGIN{printf "%.2f", (a-b)/1024/n}')" \
    "$ok/$n" "$wall$( ((failed)) && echo " ($failed publishers failed)")"
done
