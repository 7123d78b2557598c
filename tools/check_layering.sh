#!/usr/bin/env bash
# Fails when an #include crosses the layering of STYLE.md: common <- media <-
# format <- stages <- app. Stages may include only the seam headers of others.
set -euo pipefail
cd "$(dirname "$0")/../src"

# folder: the folders it may include from (besides itself)
declare -A allowed=(
  [common]=""
  [media]="common"
  [format]="common media"
  [net]="common"
  [lifecycle]="common media net store"
  [store]="common media lifecycle"
  [storage]="common media format"
  [ingest]="common media format net lifecycle"
  [transcode]="common media format"
  [package]="common media format storage lifecycle"
  [web]="common net"
  [edge]="common media format net storage store lifecycle web"
  [api]="common media net store lifecycle web"
)
status=0
for dir in "${!allowed[@]}"; do
  [[ -d $dir ]] || continue
  while IFS= read -r line; do
    file=${line%%:*}
    inc=$(sed -E 's/.*#include "([^/"]+)\/.*/\1/' <<<"$line")
    [[ $inc == "$dir" ]] && continue
    ok=0
    for a in ${allowed[$dir]}; do [[ $inc == "$a" ]] && ok=1; done
    if ((!ok)); then
      echo "layering: $file includes $inc/ (allowed from $dir: ${allowed[$dir]:-nothing})"
      status=1
    fi
  done < <(grep -rnE '^#include "[a-z_]+/' "$dir" || true)
done
# Sans-I/O code never sees sockets, Asio, FFmpeg or SQLite.
if grep -rnE '#include <(boost/asio|boost/beast|libav|sqlite3|sys/socket)' common media format; then
  echo "layering: I/O library included in sans-I/O code"
  status=1
fi
[[ $status -eq 0 ]] && echo "layering: ok"
exit $status
