#!/usr/bin/env bash
# Our transcoder vs. one ffmpeg process doing the identical ladder, on the same
# generated sources, in one invocation. Prints CPU-seconds per media-second,
# speed vs. real time, peak RSS and PSNR of each rendition against the source
# scaled to that size, and the CPU ratio ours/ffmpeg.
#
#   bench/transcode_vs_ffmpeg.sh [SECONDS=30] [PRESET=veryfast] [RUNS=3]
#
# Two variants of ours: "cascade" (the service's default: small rungs scaled
# from a larger rung) and "direct" (every rung scaled from the source, exactly
# the CLI's split + scale). Each configuration runs RUNS times, the three
# contenders taking turns, and the least CPU of each is compared: this VM's
# neighbours only ever add time, and they move single runs by 25 % and more.
#
# transcode_bench runs with glibc's transparent huge pages, as the service does
# when its service manager sets the tunable (docs/operations.md);
# FFMPEG_HUGE_PAGES=1 gives the CLI the same.
#
# Needs build/transcode_bench (built by tools/dev.sh build).
set -euo pipefail
cd "$(dirname "$0")/.."
secs=${1:-30}
preset=${2:-veryfast}
runs=${3:-3}
bench=build/transcode_bench
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
q=(-hide_banner -nostdin -loglevel error)

make_source() {  # height width kbps
  ffmpeg "${q[@]}" -f lavfi -i "testsrc2=size=$2x$1:rate=30" -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -t "$secs" -c:v libx264 -preset veryfast -b:v "$3k" -maxrate "$3k" -bufsize "$(($3 * 2))k" \
    -x264-params nal-hrd=cbr -g 60 -keyint_min 60 -sc_threshold 0 -pix_fmt yuv420p \
    -c:a aac -b:a 128k -f flv "$work/src$1.flv"
}

# Our ladder table (docs/transcoding.md), largest first, never above the source.
rungs() {  # quality source_height -> "h:kbps ..."
  local all
  if [[ $1 == standard ]]; then all="720:3000 480:1400 360:800"; else all="1080:5000 720:3000 480:1400"; fi
  for r in $all; do (( ${r%%:*} <= $2 )) && printf '%s ' "$r"; done
}

width_for() { echo $(( ($1 * 16 / 9 + 1) / 2 * 2 )); }  # 16:9 sources, even widths

psnr() {  # playlist source height
  # The two outputs carry the source's start offset differently (ffmpeg's HLS
  # muxer shifts timestamps, ours keeps the ingest clock), so pairing frames by
  # time is tried both as-is and with both sides starting at 0; a one-frame
  # misalignment costs ~20 dB, so the larger value is the aligned comparison.
  local w best=0 v
  w=$(width_for "$3")
  for norm in "" ",setpts=PTS-STARTPTS"; do
    v=$(ffmpeg -nostdin -i "$1" -i "$2" -lavfi \
      "[0:v]null${norm}[out];[1:v]scale=$w:$3:flags=bicubic${norm}[ref];[out][ref]psnr" \
      -f null - 2>&1 | sed -n 's/.*PSNR.*average:\([0-9.]*\).*/\1/p' | tail -1)
    [[ -n $v ]] && (($(echo "$v > $best" | bc -l))) && best=$v
  done
  echo "$best"
}

run_ffmpeg() {  # source quality height outdir
  local src=$1 out=$4 i=0 split="" maps=() streams=""
  mkdir -p "$out"
  local rs; rs=$(rungs "$2" "$3")
  local n; n=$(wc -w <<<"$rs")
  local fc="[0:v]split=$n"
  for r in $rs; do fc+="[s$i]"; i=$((i + 1)); done
  fc+=";"
  i=0
  for r in $rs; do
    local h=${r%%:*} k=${r##*:}
    fc+="[s$i]scale=$(width_for "$h"):$h:flags=bicubic[v$i];"
    maps+=(-map "[v$i]" "-c:v:$i" libx264 "-b:v:$i" "${k}k" "-maxrate:v:$i" "$((k * 107 / 100))k"
      "-bufsize:v:$i" "$((k * 3 / 2))k")
    streams+="v:$i,agroup:a "
    i=$((i + 1))
  done
  local tunables=()
  [[ ${FFMPEG_HUGE_PAGES:-0} == 1 ]] && tunables=(env GLIBC_TUNABLES=glibc.malloc.hugetlb=1)
  /usr/bin/time -f "%U %S %e %M" -o "$out/time" "${tunables[@]}" ffmpeg "${q[@]}" -i "$src" -filter_complex "${fc%;}" "${maps[@]}" \
    -preset "$preset" -profile:v high -pix_fmt yuv420p -force_key_frames "expr:gte(t,n_forced*2)" \
    -sc_threshold 0 -g 600 -map 0:a -c:a copy \
    -f hls -hls_time 2 -hls_playlist_type vod -hls_segment_type fmp4 -master_pl_name master.m3u8 \
    -var_stream_map "${streams}a:0,agroup:a" "$out/%v/index.m3u8"
}

field() { sed "s/.*\"$2\":\([0-9.]*\).*/\1/" <<<"$1"; }

# One run as a JSON line like transcode_bench's: {"media_s","cpu_s","wall_s","peak_rss_mb"}.
run_ffmpeg_json() {  # source quality height outdir media_s
  rm -rf "$4"
  run_ffmpeg "$1" "$2" "$3" "$4"
  read -r fu fs fe fm <"$4/time"
  printf '{"media_s":%s,"cpu_s":%s,"wall_s":%s,"peak_rss_mb":%s}\n' "$5" \
    "$(echo "$fu + $fs" | bc -l)" "$fe" "$((fm / 1024))"
}

run_ours_json() {  # source quality outdir scaling
  rm -rf "$3"
  mkdir -p "$3"
  GLIBC_TUNABLES=glibc.malloc.hugetlb=1 "$bench" "$1" "$2" "$preset" "$3" "$4" | tail -1
}

printf '%-6s %-9s %-8s %9s %7s %8s %8s %7s  %s\n' source ladder who cpu/media spread speed \
  rss_MB ratio "PSNR per rendition (dB)"
for src_h in 1080 720; do
  kbps=$([[ $src_h == 1080 ]] && echo 6000 || echo 4500)
  make_source "$src_h" "$(width_for "$src_h")" "$kbps"
  src="$work/src$src_h.flv"
  for quality in standard high; do
    declare -A best=() worst=()
    for ((run = 0; run < runs; run++)); do
      for who in cascade direct ffmpeg; do
        if [[ $who == ffmpeg ]]; then
          j=$(run_ffmpeg_json "$src" "$quality" "$src_h" "$work/ffmpeg" "$media")
        else
          j=$(run_ours_json "$src" "$quality" "$work/$who" "$who")
          media=$(field "$j" media_s)
        fi
        c=$(field "$j" cpu_s)
        if [[ -z ${best[$who]:-} ]] || (($(echo "$c < $(field "${best[$who]}" cpu_s)" | bc -l))); then
          best[$who]=$j
        fi
        if [[ -z ${worst[$who]:-} ]] || (($(echo "$c > ${worst[$who]}" | bc -l))); then
          worst[$who]=$c
        fi
      done
    done
    ff_cpu=$(field "${best[ffmpeg]}" cpu_s)
    for who in cascade direct ffmpeg; do
      j=${best[$who]}
      cpu=$(field "$j" cpu_s)
      psnrs="" i=0
      for r in $(rungs "$quality" "$src_h"); do
        h=${r%%:*}
        if [[ $who == ffmpeg ]]; then out="$work/ffmpeg/$i/index.m3u8"; else out="$work/$who/bench/${h}p/index.m3u8"; fi
        psnrs+="${h}p=$(psnr "$out" "$src" "$h") "
        i=$((i + 1))
      done
      ratio=$([[ $who == ffmpeg ]] && echo "" || printf '%.2f' "$(echo "$cpu / $ff_cpu" | bc -l)")
      printf '%-6s %-9s %-8s %9.3f %6.0f%% %7.2fx %8.0f %7s  %s\n' "${src_h}p" "$quality" "$who" \
        "$(echo "$cpu / $media" | bc -l)" "$(echo "(${worst[$who]} / $cpu - 1) * 100" | bc -l)" \
        "$(echo "$media / $(field "$j" wall_s)" | bc -l)" "$(field "$j" peak_rss_mb)" "$ratio" "$psnrs"
    done
  done
done
