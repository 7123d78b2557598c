# Shared by the shell benchmarks (source it): CPU pinning, the cached clip and
# the flags that lift the per-address connection caps (every benchmark client
# connects from 127.0.0.1; the RTMP default of 16 would refuse publisher 17).

NO_PER_IP_CAPS="--rtmp-max-connections-per-ip 0 --api-max-connections-per-ip 0 --edge-max-connections-per-ip 0"

# Sets SERVER_CPU and PUB_CPU (taskset prefixes: server on CPU 0, publishers on
# CPU 1, so ffmpeg's own work does not land on the server's core) and PINNING.
pin_cpus() {
  SERVER_CPU=() PUB_CPU=()
  if command -v taskset >/dev/null && [[ $(nproc) -ge 2 ]]; then
    SERVER_CPU=(taskset -c 0) PUB_CPU=(taskset -c 1)
    PINNING="server on CPU 0, publishers on CPU 1"
  else
    PINNING="not pinned (needs taskset and 2+ cores)"
  fi
}

# cached_720p_clip DIR SECONDS: prints the path of a 1280x720 30 fps H.264 (High,
# ~4.5 Mbit/s, 2 s GOP) + AAC 48 kHz FLV clip in DIR, generated once.
cached_720p_clip() {
  local dir=$1 seconds=$2
  local clip=$dir/720p30_4500k_${seconds}s.flv
  mkdir -p "$dir"
  if [[ ! -s $clip ]]; then
    echo "generating $clip (once) ..." >&2
    nice ffmpeg -hide_banner -nostdin -loglevel error -y \
      -f lavfi -i "testsrc2=size=1280x720:rate=30:duration=$seconds" \
      -f lavfi -i "sine=frequency=440:sample_rate=48000:duration=$seconds" \
      -c:v libx264 -preset veryfast -profile:v high -pix_fmt yuv420p \
      -b:v 4500k -maxrate 4500k -bufsize 9000k -g 60 -keyint_min 60 -sc_threshold 0 \
      -c:a aac -b:a 128k -ac 2 -f flv "$clip.tmp"
    mv "$clip.tmp" "$clip"
  fi
  echo "$clip"
}
