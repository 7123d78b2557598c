#!/usr/bin/env bash
# Fails when an #include crosses the layering of STYLE.md:
#   common <- media <- format, and common <- metrics <- net <- web  (the foundation)
#   foundation <- stages <- app
# A stage includes another stage only through that stage's seam headers, the
# narrow interfaces listed below. Only src/app (and main.cc) includes everything.
set -euo pipefail
cd "$(dirname "$0")/../src"

# folder: the foundation folders it may include from (besides itself)
declare -A foundation=(
  [common]=""
  [media]="common"
  [format]="common media"
  [metrics]="common"
  [net]="common metrics"
  [web]="common net"
)
stages=(ingest transcode package storage edge lifecycle store api webhooks thumbnail record)
all_foundation="common media format metrics net web"
seams=(
  storage/object_store.h    # put/get/remove/remove_prefix
  storage/object_reader.h   # get_async (edge)
  storage/object_writer.h   # queued put/remove (package)
  storage/staged_file.h     # a temp file to build a large object in for put_file (record)
  lifecycle/publish_gate.h  # authorize/started/segment ready/stopped (ingest, package)
  lifecycle/session_control.h  # end a publish (api: key rotation, delete)
  store/repositories.h      # StreamRepository, ApiKeyRepository
  store/live_stats_repository.h  # health and viewer figures shared between nodes
  store/webhook_repository.h  # WebhookRepository, the event outbox (api, webhooks)
  store/recording_repository.h  # recordings of live sessions (record, api)
  store/stream_events.h     # the event types a stream change makes (api)
  store/event_feed.h        # live event feeds for server-sent events (api, edge)
  thumbnail/thumbnail_source.h  # JPEG thumbnails of a playlist's keyframes (edge)
)
# Beyond the seams, a stage may borrow another's internals only where listed:
# folder prefixes, with the reason.
declare -A borrows=(
  [thumbnail]="transcode/av/"  # the FFmpeg RAII wrappers: decode one keyframe, scale it
)

status=0
fail() {
  echo "layering: $1"
  status=1
}
check_dir() {
  local dir=$1 allowed=$2 seams_ok=$3
  while IFS= read -r line; do
    local file=${line%%:*}
    local path
    path=$(sed -E 's/.*#include "([^"]+)".*/\1/' <<<"$line")
    local top=${path%%/*}
    [[ $top == "$dir" ]] && continue
    [[ " $allowed " == *" $top "* ]] && continue
    if ((seams_ok)); then
      local s
      for s in "${seams[@]}"; do [[ $path == "$s" ]] && continue 2; done
      for s in ${borrows[$dir]:-}; do [[ $path == "$s"* ]] && continue 2; done
      fail "$file includes $path (a stage includes other stages only through their seam headers)"
    else
      fail "$file includes $path (allowed from $dir: ${allowed:-nothing})"
    fi
  done < <(grep -rnE '^#include "[a-z_]+/' "$dir" || true)
}
for dir in "${!foundation[@]}"; do check_dir "$dir" "${foundation[$dir]}" 0; done
for dir in "${stages[@]}"; do check_dir "$dir" "$all_foundation" 1; done
for dir in */; do
  dir=${dir%/}
  [[ $dir == app || -v foundation[$dir] || " ${stages[*]} " == *" $dir "* ]] ||
    fail "src/$dir is neither foundation, stage nor app: add it to tools/check_layering.sh"
done
# Sans-I/O code never sees sockets, Asio, FFmpeg or SQLite.
if grep -rnE '#include <(boost/asio|boost/beast|libav|sqlite3|sys/socket)' common media format; then
  fail "I/O library included in sans-I/O code"
fi
[[ $status -eq 0 ]] && echo "layering: ok"
exit $status
