#!/usr/bin/env bash
# A throw-away PostgreSQL cluster on 127.0.0.1 for tests (the PostgreSQL store suite).
#
#   tools/pg_loopback.sh start DIR   # initdb (first time), start on a free port (the last one
#                                    # if still free, so a restart keeps the URL); prints the URL
#   tools/pg_loopback.sh stop DIR    # fast shutdown; DIR stays (delete it yourself)
#   tools/pg_loopback.sh url DIR     # prints the URL of a started cluster
#
# start writes DIR/url (postgres://postgres@127.0.0.1:PORT/antcdn, trust auth, so no
# password) and DIR/log (or /tmp/antcdn-pg.*/log when postgres cannot reach DIR). Unix sockets are off: everything goes over TCP loopback,
# which also avoids the 107-byte socket path limit for deep DIRs. Durability is
# off (fsync, full_page_writes): the data is disposable and tests create and drop
# databases often. PostgreSQL refuses to run as root; as root, the server runs as
# the `postgres` user and DIR is handed to it.
#
# Example (what a CI fixture does):
#   export ANTCDN_TEST_POSTGRES_URL=$(tools/pg_loopback.sh start "$PWD/build/pg")
#   ./build/unit_tests --gtest_filter='*postgres*:*Pg*'
#   tools/pg_loopback.sh stop "$PWD/build/pg"
set -euo pipefail

die() {
  echo "pg_loopback: $*" >&2
  exit 1
}
usage() {
  die "usage: $0 start|stop|url|freeze|thaw DIR"
}

(($# == 2)) || usage
command=$1
[[ $command =~ ^(start|stop|url|freeze|thaw)$ ]] || usage
[[ -n $2 ]] || usage
command -v pg_config >/dev/null || die "pg_config not found (apt-get install postgresql libpq-dev)"
bindir=$(pg_config --bindir)
[[ -x $bindir/pg_ctl && -x $bindir/initdb ]] || die "no initdb/pg_ctl in $bindir (apt-get install postgresql)"

as_root=0
[[ $(id -u) -eq 0 ]] && as_root=1
# Runs a server binary as the user that owns the cluster.
as_owner() {
  if ((as_root)); then
    runuser -u postgres -- "$@"
  else
    "$@"
  fi
}

dir=$(mkdir -p "$2" && cd "$2" && pwd)
# The server's own files (data, logs) live in DIR, or, when the postgres user
# cannot reach DIR (a checkout under /root, say), in a folder under /tmp whose
# path DIR/home records.
home=$dir
[[ -f $dir/home ]] && home=$(<"$dir/home")
data=$home/data

running() {
  [[ -f $data/postmaster.pid ]] && as_owner "$bindir/pg_ctl" -D "$data" status >/dev/null 2>&1
}

port_is_free() {
  ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null
}

# A port nothing listens on yet: the cluster's previous one if possible, so that
# a stop/start keeps the URL (a "server restart" for clients). The server may
# still lose a race for it; start retries.
free_port() {
  local port
  if [[ -f $dir/port ]] && port=$(<"$dir/port") && port_is_free "$port"; then
    echo "$port"
    return 0
  fi
  for _ in $(seq 50); do
    port=$((20000 + RANDOM % 40000))
    if port_is_free "$port"; then
      echo "$port"
      return 0
    fi
  done
  die "no free port found"
}

start() {
  if running && [[ -f $dir/url ]]; then
    cat "$dir/url"
    return 0
  fi
  if ((as_root)); then
    getent passwd postgres >/dev/null || die "running as root needs a 'postgres' user (apt-get install postgresql)"
    chown postgres: "$dir"
    if ! runuser -u postgres -- test -w "$home"; then
      home=$(mktemp -d "${TMPDIR:-/tmp}/antcdn-pg.XXXXXX")
      chmod 755 "$home"
      chown postgres: "$home"
      echo "$home" >"$dir/home"
      data=$home/data
    fi
  fi
  if [[ ! -f $data/PG_VERSION ]]; then
    rm -rf "$data"
    # --no-sync: a crash loses the cluster, which is disposable anyway.
    as_owner "$bindir/initdb" -D "$data" -U postgres -A trust -E UTF8 --locale=C --no-sync \
      >"$home/initdb.log" 2>&1 || die "initdb failed; see $home/initdb.log"
  fi
  local port
  for _ in 1 2 3 4 5; do
    port=$(free_port)
    if as_owner "$bindir/pg_ctl" -D "$data" -l "$home/log" -w -t 30 -o \
      "-p $port -c listen_addresses=127.0.0.1 -c unix_socket_directories='' -c fsync=off -c full_page_writes=off -c synchronous_commit=off" \
      start >/dev/null 2>&1; then
      break
    fi
    rm -f "$dir/port"
    port=
  done
  [[ -n $port ]] || die "the server did not start; see $home/log"
  for _ in $(seq 100); do
    "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres && break
    sleep 0.1
  done
  "$bindir/pg_isready" -q -h 127.0.0.1 -p "$port" -U postgres || die "the server does not accept connections; see $home/log"
  if [[ -z $("$bindir/psql" -h 127.0.0.1 -p "$port" -U postgres -d postgres -Atc \
    "SELECT 1 FROM pg_database WHERE datname = 'antcdn'") ]]; then
    "$bindir/createdb" -h 127.0.0.1 -p "$port" -U postgres antcdn
  fi
  echo "$port" >"$dir/port"
  echo "postgres://postgres@127.0.0.1:$port/antcdn" >"$dir/url"
  cat "$dir/url"
}

stop() {
  if running; then
    as_owner "$bindir/pg_ctl" -D "$data" -m fast -w -t 30 stop >/dev/null
  fi
  rm -f "$dir/url"
  if [[ $home != "$dir" ]]; then
    rm -rf "$home"  # outside DIR: nobody else would clean it up
    rm -f "$dir/home"
  fi
}

# freeze/thaw: SIGSTOP/SIGCONT the server and its backends, so that clients
# see a database that accepts nothing and answers nothing (a partition).
signal_cluster() {
  running || die "no cluster running in $dir"
  local main
  main=$(head -1 "$data/postmaster.pid")
  kill "-$1" "$main" $(pgrep -P "$main") 2>/dev/null || true
}

case $command in
  start) start ;;
  stop) stop ;;
  freeze) signal_cluster STOP ;;
  thaw) signal_cluster CONT ;;
  url)
    if ! running || [[ ! -f $dir/url ]]; then
      die "no cluster running in $dir"
    fi
    cat "$dir/url"
    ;;
  *) usage ;;
esac
