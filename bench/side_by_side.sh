#!/usr/bin/env bash
# Runs two commands at the same time, N times, and prints each one's CPU seconds
# (user + sys) and the ratio A/B. Both share whatever the VM's neighbours do to
# the machine, so the ratio is steadier than that of runs taken in turn (A/A
# runs of the transcoder land within about 5 % of 1.0, where runs in turn move
# by up to 25 %); absolute figures are inflated by the two sharing the cores.
#
#   bench/side_by_side.sh N "COMMAND A" "COMMAND B"
#
# e.g. our transcoder against the CLI's ladder, both on the same source:
#   bench/side_by_side.sh 3 "build/transcode_bench SRC.flv standard veryfast /tmp/a" \
#     "ffmpeg -i SRC.flv ... /tmp/b/%v/index.m3u8"
set -euo pipefail
n=$1
a=$2
b=$3
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
printf '%8s %8s %6s\n' cpu_a cpu_b a/b
for ((i = 0; i < n; i++)); do
  /usr/bin/time -o "$work/a" -f "%U %S" bash -c "$a" >/dev/null 2>&1 &
  /usr/bin/time -o "$work/b" -f "%U %S" bash -c "$b" >/dev/null 2>&1 &
  wait
  ca=$(awk '{print $1 + $2}' "$work/a")
  cb=$(awk '{print $1 + $2}' "$work/b")
  printf '%8.2f %8.2f %6.3f\n' "$ca" "$cb" "$(echo "$ca / $cb" | bc -l)"
done
