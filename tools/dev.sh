#!/usr/bin/env bash
# One entry point for people and CI:
#   tools/dev.sh run [serve flags...]   install what is missing, build, run `antcdn serve`
#   tools/dev.sh test                   install what is missing, build, run every test
#   tools/dev.sh build                  install what is missing and build
#   tools/dev.sh sanitize               build with ASan+UBSan (build-asan/) and run
#                                       every suite there (CI)
set -euo pipefail
cd "$(dirname "$0")/.."

# What building and running needs.
APT_PACKAGES=(
  build-essential cmake pkg-config ninja-build ccache
  libboost1.81-dev libboost-json1.81-dev libboost-url1.81-dev
  libavcodec-dev libavformat-dev libavutil-dev libswscale-dev libswresample-dev libx264-dev
  libsrt-gnutls-dev  # SRT ingest; the GnuTLS build is the one Debian's libavformat links
  libsqlite3-dev libpq-dev libssl-dev libcurl4-openssl-dev libspdlog-dev libfmt-dev libcli11-dev
  libgtest-dev libgmock-dev ffmpeg curl nodejs npm
)
# What only the tests, benchmarks and fuzzers need (real peers: PostgreSQL, Swift,
# Chromium, GStreamer, nginx), so that `run` stays a small install.
TEST_PACKAGES=(
  libbenchmark-dev clang libclang-rt-14-dev clang-format sqlite3 bc time wrk nginx-light procps
  gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good
  gstreamer1.0-plugins-bad gstreamer1.0-plugins-ugly gstreamer1.0-libav
  postgresql swift-proxy swift-account swift-container swift-object chromium
  prometheus  # promtool: test/integration/metrics.test.mjs checks the /metrics exposition
  openssl  # the RTMPS test makes its certificates with the CLI
)

# install_deps PACKAGE...: apt-get installs those that are missing.
install_deps() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
  done
  # node may come from outside Debian (e.g. a preinstalled newer one); that is fine.
  if command -v node >/dev/null && command -v npm >/dev/null; then
    local kept=()
    for p in "${missing[@]}"; do [[ $p == nodejs || $p == npm ]] || kept+=("$p"); done
    missing=("${kept[@]}")
  fi
  if ((${#missing[@]})); then
    echo "installing: ${missing[*]}"
    local sudo=""
    [[ $(id -u) -eq 0 ]] || sudo="sudo"
    $sudo apt-get update -q
    DEBIAN_FRONTEND=noninteractive $sudo apt-get -o DPkg::Lock::Timeout=900 install -y \
      --no-install-recommends "${missing[@]}"
  fi
}

# hls.js is embedded into the binary, playwright-core drives Chromium in the
# browser tests, and ajv with an OpenAPI validator check the API contract test;
# all come from the lock file (no browser download: Debian's chromium is used).
install_npm() {
  if [[ ! -d node_modules || package-lock.json -nt node_modules/.package-lock.json ]]; then
    npm ci --no-audit --no-fund
  fi
}

build() {
  install_npm
  export CCACHE_SLOPPINESS=pch_defines,time_macros,include_file_mtime,include_file_ctime
  # Paths relative to the checkout's parent: worktrees beside it share the cache.
  export CCACHE_BASEDIR=${CCACHE_BASEDIR:-$(dirname "$PWD")}
  cmake --preset "${1:-release}" >/dev/null
  cmake --build --preset "${1:-release}"
}

cmd=${1:-run}
shift || true
case "$cmd" in
  run)
    install_deps "${APT_PACKAGES[@]}"
    build
    exec ./build/antcdn serve "$@"
    ;;
  build)
    install_deps "${APT_PACKAGES[@]}"
    build
    ;;
  test)
    install_deps "${APT_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    build
    tools/check_layering.sh
    export ANTCDN_CHECK_BLOCKING=1  # blocking calls on event loops abort (docs/architecture.md)
    ctest --test-dir build --output-on-failure -j2 --timeout 900
    ;;
  sanitize)
    install_deps "${APT_PACKAGES[@]}" "${TEST_PACKAGES[@]}"
    build asan
    # Leaks are not checked: the FFmpeg and x264 libraries keep process-lifetime
    # allocations that would drown real reports; memory errors and UB abort.
    export ASAN_OPTIONS=detect_leaks=0:abort_on_error=1 UBSAN_OPTIONS=print_stacktrace=1
    export ANTCDN_CHECK_BLOCKING=1
    # Every suite. One case skips itself here: faults_connections' out-of-
    # descriptors test, because UBSan's vptr check needs a pipe() and reports a
    # false "invalid vptr" when the process has no descriptor left.
    export ANTCDN_SANITIZED=1
    ctest --test-dir build-asan --output-on-failure -j2 --timeout 1800
    ;;
  *)
    echo "usage: tools/dev.sh run|test|build|sanitize" >&2
    exit 2
    ;;
esac
