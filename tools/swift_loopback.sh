#!/usr/bin/env bash
# A throwaway OpenStack Swift with the S3 API (s3api + tempauth) on 127.0.0.1,
# so S3Store's tests talk to a server that really checks SigV4 signatures
# (s3rver does not; see /work/shared/deps.md, pitfalls 8 and 9).
#
#   tools/swift_loopback.sh start DIR   # prints the endpoint, e.g. http://127.0.0.1:41234
#   tools/swift_loopback.sh stop DIR    # kills the servers started in DIR, by PID
#   tools/swift_loopback.sh kill-proxy DIR / restart-proxy DIR   # an outage, same port after
#
# Everything lives in DIR: configs, rings, the object data (needs user xattrs,
# which tmpfs and ext4 have), one log per server, DIR/endpoint and DIR/pids.
# S3 credentials: access key "test:tester", secret "testing", region us-east-1.
# Needs the Debian packages swift-proxy swift-account swift-container swift-object.
set -euo pipefail

usage() {
  echo "usage: $0 start|stop|kill-proxy|restart-proxy DIR" >&2
  exit 2
}
(($# == 2)) || usage
cmd=$1
dir=$2

# Swift's own scripts run on Debian's python3; a pyenv shim first on PATH would
# not have the swift package.
py=/usr/bin/python3

# Whether PID is still one of our servers: a stale pids file must not make us
# kill whatever process later got the same number.
ours() {
  [[ -r /proc/$1/cmdline ]] && tr '\0' ' ' <"/proc/$1/cmdline" | grep -qF -- "$dir/"
}

stop() {
  [[ -f $dir/pids ]] || return 0
  local pid pids=()
  while read -r pid; do
    if [[ $pid =~ ^[0-9]+$ ]] && ours "$pid"; then
      pids+=("$pid")
    fi
  done <"$dir/pids"
  if ((${#pids[@]})); then
    kill "${pids[@]}" 2>/dev/null || true
  fi
  # Give them a moment to close their sockets, then insist.
  for _ in $(seq 50); do
    local alive=0
    for pid in "${pids[@]}"; do
      ours "$pid" && alive=1
    done
    ((alive)) || break
    sleep 0.1
  done
  for pid in "${pids[@]}"; do
    if ours "$pid"; then
      kill -9 "$pid" 2>/dev/null || true
    fi
  done
  rm -f "$dir/pids" "$dir/endpoint"
}

# Five distinct free ports: all bound at once so none repeats, then released.
free_ports() {
  "$py" - <<'EOF'
import socket
socks = [socket.socket() for _ in range(5)]
for s in socks:
    s.bind(("127.0.0.1", 0))
print(" ".join(str(s.getsockname()[1]) for s in socks))
for s in socks:
    s.close()
EOF
}

write_configs() {
  local proxy=$1 account=$2 container=$3 object=$4 memcache=$5
  cat >"$dir/swift.conf" <<EOF
[swift-hash]
swift_hash_path_prefix = antcdn-test
swift_hash_path_suffix = antcdn-test

[storage-policy:0]
name = Policy-0
default = yes
EOF
  # workers = 0: one process per server that does not fork, so its PID is the
  # one to kill. Logs go to stdout (-v), captured per server below.
  local user common
  user=$(id -un)
  common="[DEFAULT]
devices = $dir/node
mount_check = false
bind_ip = 127.0.0.1
workers = 0
user = $user
swift_dir = $dir
log_level = WARNING"
  local kind port
  for kind in account container object; do
    case $kind in
      account) port=$account ;;
      container) port=$container ;;
      object) port=$object ;;
    esac
    cat >"$dir/$kind-server.conf" <<EOF
$common
bind_port = $port

[pipeline:main]
pipeline = $kind-server

[app:$kind-server]
use = egg:swift#$kind

[$kind-replicator]
[$kind-updater]
[$kind-auditor]
EOF
  done
  cat >"$dir/proxy-server.conf" <<EOF
$common
bind_port = $proxy

[pipeline:main]
pipeline = catch_errors gatekeeper healthcheck proxy-logging cache listing_formats s3api tempauth copy slo proxy-logging proxy-server

[app:proxy-server]
use = egg:swift#proxy
account_autocreate = true

[filter:s3api]
use = egg:swift#s3api
location = us-east-1

[filter:tempauth]
use = egg:swift#tempauth
user_test_tester = testing .admin

[filter:catch_errors]
use = egg:swift#catch_errors

[filter:gatekeeper]
use = egg:swift#gatekeeper

[filter:healthcheck]
use = egg:swift#healthcheck

[filter:proxy-logging]
use = egg:swift#proxy_logging

# tempauth refuses to run without the cache middleware, but nothing needs a
# real memcached: point it at a port nobody listens on, so that this Swift never
# shares account/container info with a memcached (or another test Swift) that
# happens to run on the default 11211.
[filter:cache]
use = egg:swift#memcache
memcache_servers = 127.0.0.1:$memcache

[filter:listing_formats]
use = egg:swift#listing_formats

[filter:copy]
use = egg:swift#copy

# s3api's multipart uploads are Static Large Objects (parts of at least 5 MiB
# but the last, as on S3); without it s3api refuses them.
[filter:slo]
use = egg:swift#slo
EOF
}

# One python process builds the three rings (swift-ring-builder would start
# nine): one device each, one replica, 2^6 partitions.
build_rings() {
  local account=$1 container=$2 object=$3
  "$py" - "$dir" "$account" "$container" "$object" <<'EOF'
import sys
from swift.common.ring import RingBuilder
d = sys.argv[1]
for name, port in zip(("account", "container", "object"), sys.argv[2:]):
    b = RingBuilder(6, 1, 1)
    b.add_dev({"id": 0, "region": 1, "zone": 1, "ip": "127.0.0.1", "port": int(port),
               "device": "sdb1", "weight": 1})
    b.rebalance()
    b.save(f"{d}/{name}.builder")
    b.get_ring().save(f"{d}/{name}.ring.gz")
EOF
}

# Any HTTP status at all (storage servers answer 400 to a bare GET /).
answers() {
  [[ $(curl -s -o /dev/null --max-time 1 -w '%{http_code}' "http://127.0.0.1:$1/" 2>/dev/null) != 000 ]]
}

start() {
  stop
  mkdir -p "$dir/node/sdb1"
  local proxy account container object memcache
  read -r proxy account container object memcache <<<"$(free_ports)"
  write_configs "$proxy" "$account" "$container" "$object" "$memcache"
  build_rings "$account" "$container" "$object"
  : >"$dir/pids"
  local kind
  for kind in account container object proxy; do
    # setsid: the servers leave with `stop`, not with this script's session.
    setsid "/usr/bin/swift-$kind-server" "$dir/$kind-server.conf" -v \
      >"$dir/$kind.log" 2>&1 </dev/null &
    echo $! >>"$dir/pids"
  done
  local endpoint="http://127.0.0.1:$proxy"
  # About 3 s on an idle 2-core machine (each server imports all of Swift);
  # much longer while a parallel build competes for the cores.
  local deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    # The proxy's /healthcheck says nothing of the servers behind it; a first
    # request before they listen would get 503, so wait for every port.
    if [[ $(curl -s --max-time 1 "$endpoint/healthcheck" 2>/dev/null) == OK ]] &&
      answers "$account" && answers "$container" && answers "$object"; then
      echo "$endpoint" >"$dir/endpoint"
      echo "$endpoint"
      return 0
    fi
    # A server that died at start (bad config, port taken) will not come back.
    while read -r pid; do
      if ! kill -0 "$pid" 2>/dev/null; then
        echo "swift_loopback: a server exited at start; logs in $dir/*.log" >&2
        tail -n 20 "$dir"/*.log >&2 || true
        stop
        return 1
      fi
    done <"$dir/pids"
    sleep 0.1
  done
  echo "swift_loopback: $endpoint not ready after 60 s; logs in $dir/*.log" >&2
  stop
  return 1
}

# An outage for tests: the proxy (the S3 endpoint; last in DIR/pids) dies
# abruptly and later comes back on the same port with the same data.
kill_proxy() {
  local pid
  pid=$(tail -n 1 "$dir/pids")
  if ours "$pid"; then
    kill -9 "$pid"
  fi
}

restart_proxy() {
  local endpoint
  endpoint=$(cat "$dir/endpoint")
  setsid /usr/bin/swift-proxy-server "$dir/proxy-server.conf" -v \
    >>"$dir/proxy.log" 2>&1 </dev/null &
  sed -i '$d' "$dir/pids"
  echo $! >>"$dir/pids"
  local deadline=$((SECONDS + 60))
  while ((SECONDS < deadline)); do
    if [[ $(curl -s --max-time 1 "$endpoint/healthcheck" 2>/dev/null) == OK ]]; then
      return 0
    fi
    sleep 0.1
  done
  echo "swift_loopback: the proxy did not come back; see $dir/proxy.log" >&2
  return 1
}

case $cmd in
  start) mkdir -p "$dir" && dir=$(cd "$dir" && pwd) && start ;;
  stop) [[ ! -d $dir ]] || { dir=$(cd "$dir" && pwd) && stop; } ;;
  kill-proxy) dir=$(cd "$dir" && pwd) && kill_proxy ;;
  restart-proxy) dir=$(cd "$dir" && pwd) && restart_proxy ;;
  *) usage ;;
esac
