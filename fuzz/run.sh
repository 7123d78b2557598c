#!/usr/bin/env bash
# Builds the libFuzzer targets (one per fuzz/*.cc) and runs each for a while on
# a scratch copy of its seed corpus fuzz/corpus/<target>/, so the checked-in
# seeds stay small. Crash inputs are kept in build-fuzz/artifacts/<target>/.
#
# usage: fuzz/run.sh [SECONDS_PER_TARGET=60] [TARGET...]
#   env: ANTCDN_FUZZ_BUILD_DIR (default build-fuzz), ANTCDN_FUZZ_JOBS (build jobs, default 1)
# exit status: 0 if every target ran clean, 1 if any crashed, timed out or failed to build.
set -euo pipefail

seconds="${1:-60}"
shift || true
root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
build="${ANTCDN_FUZZ_BUILD_DIR:-$root/build-fuzz}"

if [[ $# -gt 0 ]]; then
  targets=("$@")
else
  targets=()
  for src in "$root"/fuzz/*.cc; do
    targets+=("$(basename "$src" .cc)")
  done
fi

echo "== building ${#targets[@]} fuzz targets in $build"
cmake -S "$root" -B "$build" -G Ninja -DCMAKE_CXX_COMPILER=clang++ -DANTCDN_FUZZ=ON >/dev/null
nice cmake --build "$build" --parallel "${ANTCDN_FUZZ_JOBS:-1}" --target "${targets[@]}"

scratch="$(mktemp -d)"
trap 'rm -rf "$scratch"' EXIT
status=0
for t in "${targets[@]}"; do
  corpus="$scratch/$t"
  artifacts="$build/artifacts/$t"
  mkdir -p "$corpus" "$artifacts"
  if [[ -d "$root/fuzz/corpus/$t" ]]; then
    cp -r "$root/fuzz/corpus/$t/." "$corpus/"
  fi
  log="$scratch/$t.log"
  echo "== $t: ${seconds}s"
  rc=0
  nice "$build/$t" -max_total_time="$seconds" -timeout=25 -print_final_stats=1 \
    -artifact_prefix="$artifacts/" "$corpus" >"$log" 2>&1 || rc=$?
  execs="$(awk '/stat::number_of_executed_units/ {print $2}' "$log")"
  added="$(awk '/stat::new_units_added/ {print $2}' "$log")"
  if [[ $rc -eq 0 ]]; then
    echo "   ok: ${execs:-?} executions, ${added:-?} new inputs"
  else
    status=1
    echo "   FAILED (exit $rc) after ${execs:-?} executions; log tail:"
    grep -E 'ERROR|SUMMARY|Test unit written|deadly|timeout|==[0-9]+==' "$log" | head -20 | sed 's/^/   | /'
    tail -n 5 "$log" | sed 's/^/   | /'
    echo "   reproduce: $build/$t $artifacts/<crash-file>"
  fi
done
exit $status
