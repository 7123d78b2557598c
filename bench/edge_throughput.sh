#!/usr/bin/env bash
# Edge throughput: requests/s for a master playlist, a media playlist and a
# ~1 MB segment, from antcdn's edge and from nginx serving the same files.
#
#   bench/edge_throughput.sh            (nice -n 10 bench/edge_throughput.sh on a shared box)
#
# 1. Starts `antcdn serve` (temporary data dir, loopback ports), creates a
#    passthrough stream and publishes a cached 1280x720 30 fps clip at ~4 Mbit/s
#    with a 2 s GOP (so a segment is ~1 MB) with `ffmpeg -re -c copy`, then waits
#    for `ended`: every object is final, nothing changes under the load.
# 2. Copies the stream's media tree into a temp dir and starts nginx on a free
#    loopback port as the current user (`-p` prefix, `daemon off`, pid, logs and
#    temp paths all in the temp dir), with the same Content-Type, Cache-Control
#    and CORS headers, sendfile on, access log off, and as many workers as
#    antcdn has HTTP threads (NGINX_WORKERS, default 1).
# 3. Checks both serve identical bytes, then runs wrk (HTTP/1.1 keep-alive,
#    THREADS threads, CONNECTIONS connections, DURATION) against each object on
#    each server and prints requests/s, transfer rate and ours/nginx.
# wrk, the server and nginx share the machine's cores: numbers are comparative.
#
# Environment: ANTCDN_BIN (default build/antcdn), BENCH_CACHE (clip cache,
# default ${TMPDIR:-/tmp}/antcdn-bench), THREADS (2), CONNECTIONS (64),
# DURATION (10s), NGINX_WORKERS (1), CLIP_SECONDS (8), VIDEO_BITRATE (4M).
set -euo pipefail

cd "$(dirname "$0")/.."
source bench/common.sh
BIN=${ANTCDN_BIN:-build/antcdn}
CACHE=${BENCH_CACHE:-${TMPDIR:-/tmp}/antcdn-bench}
THREADS=${THREADS:-2}
CONNECTIONS=${CONNECTIONS:-64}
DURATION=${DURATION:-10s}
NGINX_WORKERS=${NGINX_WORKERS:-1}
CLIP_SECONDS=${CLIP_SECONDS:-8}
VIDEO_BITRATE=${VIDEO_BITRATE:-4M}

for tool in ffmpeg curl wrk nginx python3; do
  command -v "$tool" >/dev/null || { echo "missing: $tool (apt-get install wrk nginx-light ffmpeg curl python3)" >&2; exit 1; }
done
[[ -x $BIN ]] || { echo "no binary at $BIN (build first or set ANTCDN_BIN)" >&2; exit 1; }

TMP=$(mktemp -d "${TMPDIR:-/tmp}/antcdn-edge-bench.XXXXXX")
SERVER_PID="" NGINX_PID=""
cleanup() {
  [[ -n $NGINX_PID ]] && kill "$NGINX_PID" 2>/dev/null && wait "$NGINX_PID" 2>/dev/null || true
  [[ -n $SERVER_PID ]] && kill "$SERVER_PID" 2>/dev/null && wait "$SERVER_PID" 2>/dev/null || true
  rm -rf "$TMP"
}
trap cleanup EXIT

json() { python3 -c 'import json,sys; d=json.load(sys.stdin)
for k in sys.argv[1].split("."): d=d[k]
print(d)' "$1"; }
free_port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
# wait_until SECONDS CMD...: polls CMD every 0.1 s until it succeeds.
wait_until() {
  local deadline=$((SECONDS + $1)); shift
  until "$@"; do
    ((SECONDS < deadline)) || return 1
    sleep 0.1
  done
}

# ---- the clip: noise keeps x264 at the target rate, so a 2 s segment is ~1 MB
mkdir -p "$CACHE"
CLIP="$CACHE/edge-720p30-g60-${VIDEO_BITRATE}-${CLIP_SECONDS}s.flv"
if [[ ! -s $CLIP ]]; then
  echo "generating $CLIP ..."
  ffmpeg -hide_banner -nostdin -loglevel error -y \
    -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=$CLIP_SECONDS" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$CLIP_SECONDS" \
    -vf "noise=alls=30:allf=t" \
    -c:v libx264 -preset ultrafast -g 60 -keyint_min 60 -sc_threshold 0 -pix_fmt yuv420p \
    -b:v "$VIDEO_BITRATE" -minrate "$VIDEO_BITRATE" -maxrate "$VIDEO_BITRATE" -bufsize "$VIDEO_BITRATE" \
    -c:a aac -b:a 128k -ar 48000 -f flv "$CLIP.tmp" && mv "$CLIP.tmp" "$CLIP"
fi

# ---- antcdn: publish once, wait for `ended`
mkdir -p "$TMP/data"
"$BIN" serve --data-dir "$TMP/data" --api-listen 127.0.0.1:0 --edge-listen 127.0.0.1:0 \
  --rtmp-listen 127.0.0.1:0 --metrics-listen 127.0.0.1:0 $NO_PER_IP_CAPS >"$TMP/server.out" 2>"$TMP/server.log" &
SERVER_PID=$!
wait_until 15 grep -q '^Try: ' "$TMP/server.out" || { cat "$TMP/server.log" >&2; exit 1; }
grab() { sed -n "s/^ *$1: *\([^ ]*\).*/\1/p" "$TMP/server.out" | head -1; }
API=$(grab API); API=${API%/v1/live-streams}
EDGE=$(grab Playback); EDGE=${EDGE%/live/\{edgeId\}/master.m3u8}
KEY=$(grab 'API key')
STREAM=$(curl -sf -X POST "$API/v1/live-streams" -H "X-Api-Key: $KEY" -H 'Content-Type: application/json' \
  -d '{"name": "edge bench", "quality": "passthrough", "reconnectWindowSeconds": 0}')
ID=$(json streamId <<<"$STREAM")
EDGE_ID=$(json edgeId <<<"$STREAM")
URL=$(json ingest.rtmpFullUrl <<<"$STREAM")
echo "publishing $CLIP_SECONDS s to stream $ID ..."
ffmpeg -hide_banner -nostdin -loglevel error -re -i "$CLIP" -c copy -f flv "$URL"
state() { curl -sf "$API/v1/live-streams/$ID" -H "X-Api-Key: $KEY" | json state; }
is_ended() { [[ $(state) == ended ]]; }
wait_until 10 is_ended || { echo "stream did not end; state $(state)" >&2; exit 1; }
has_endlist() { curl -sf "$EDGE/live/$EDGE_ID/source/index.m3u8" | grep -q EXT-X-ENDLIST; }
wait_until 10 has_endlist || { echo "no ENDLIST" >&2; exit 1; }

MEDIA="$TMP/data/media/$EDGE_ID"
SEGMENT=$(cd "$MEDIA/source" && ls -S -- *.m4s | head -1)
declare -A PATHS=(
  [master]="$EDGE_ID/master.m3u8"
  [playlist]="$EDGE_ID/source/index.m3u8"
  [segment]="$EDGE_ID/source/$SEGMENT"
)
ORDER=(master playlist segment)

# ---- nginx on a copy of the media tree
NGX="$TMP/nginx"
mkdir -p "$NGX/www/live" "$NGX/tmp"
cp -r "$MEDIA" "$NGX/www/live/"
PORT=$(free_port)
USER_LINE=""
[[ $(id -u) -eq 0 ]] && USER_LINE="user $(id -un) $(id -gn);"  # workers would drop to nobody otherwise
cat >"$NGX/nginx.conf" <<EOF
$USER_LINE
worker_processes $NGINX_WORKERS;
daemon off;
pid $NGX/nginx.pid;
error_log $NGX/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  tcp_nodelay on;
  keepalive_timeout 65;
  keepalive_requests 1000000;
  client_body_temp_path $NGX/tmp/body;
  proxy_temp_path $NGX/tmp/proxy;
  fastcgi_temp_path $NGX/tmp/fastcgi;
  uwsgi_temp_path $NGX/tmp/uwsgi;
  scgi_temp_path $NGX/tmp/scgi;
  types {
    application/vnd.apple.mpegurl m3u8;
    video/iso.segment m4s;
    video/mp4 mp4;
  }
  default_type application/octet-stream;
  server {
    listen 127.0.0.1:$PORT;
    root $NGX/www;
    location ~ \.m3u8\$ {
      add_header Cache-Control "public, max-age=1";
      add_header Access-Control-Allow-Origin "*";
    }
    location ~ \.(m4s|mp4)\$ {
      add_header Cache-Control "public, max-age=31536000, immutable";
      add_header Access-Control-Allow-Origin "*";
    }
  }
}
EOF
nginx -p "$NGX/" -c "$NGX/nginx.conf" -e "$NGX/error.log" &
NGINX_PID=$!
NGINX="http://127.0.0.1:$PORT"
wait_until 10 curl -sf -o /dev/null "$NGINX/live/${PATHS[master]}" || { cat "$NGX/error.log" >&2; exit 1; }

# Same bytes from both (so both benchmarks move the same payload).
for k in "${ORDER[@]}"; do
  curl -sf "$EDGE/live/${PATHS[$k]}" -o "$TMP/ours.$k"
  curl -sf "$NGINX/live/${PATHS[$k]}" -o "$TMP/nginx.$k"
  cmp -s "$TMP/ours.$k" "$TMP/nginx.$k" || { echo "$k differs between antcdn and nginx" >&2; exit 1; }
done

# run_wrk URL -> "requests/s transfer/s" ; fails on errors or non-2xx answers.
run_wrk() {
  local out
  out=$(wrk -t"$THREADS" -c"$CONNECTIONS" -d"$DURATION" "$1")
  if grep -q 'Non-2xx' <<<"$out"; then echo "$out" >&2; echo "non-2xx answers from $1" >&2; return 1; fi
  if grep -Eq 'Socket errors: .*(connect|read|write|timeout) [1-9]' <<<"$out"; then
    echo "$out" | grep 'Socket errors' >&2
  fi
  echo "$(awk '/^Requests\/sec:/ {print $2}' <<<"$out") $(awk '/^Transfer\/sec:/ {print $2}' <<<"$out")"
}

echo
echo "wrk -t$THREADS -c$CONNECTIONS -d$DURATION (keep-alive); antcdn edge (1 HTTP thread) vs nginx $(nginx -v 2>&1 | sed 's/.*nginx\///') ($NGINX_WORKERS worker); $(nproc) cores shared by all"
printf '%-10s %10s %14s %14s %8s %14s %14s\n' object bytes "antcdn req/s" "nginx req/s" ratio "antcdn xfer/s" "nginx xfer/s"
for k in "${ORDER[@]}"; do
  bytes=$(stat -c %s "$TMP/ours.$k")
  ours=$(run_wrk "$EDGE/live/${PATHS[$k]}")
  ngx=$(run_wrk "$NGINX/live/${PATHS[$k]}")
  read -r ours_rps ours_xfer <<<"$ours"
  read -r ngx_rps ngx_xfer <<<"$ngx"
  ratio=$(python3 -c "print(f'{$ours_rps / $ngx_rps:.2f}')")
  printf '%-10s %10s %14s %14s %8s %14s %14s\n' "$k" "$bytes" "$ours_rps" "$ngx_rps" "$ratio" "$ours_xfer" "$ngx_xfer"
done
