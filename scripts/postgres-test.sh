#!/usr/bin/env bash
# A throwaway PostgreSQL server for tests and benchmarks: a new cluster in a folder, on a free loopback port, trust
# authentication for the `postgres` role on loopback only, a database named `promptgate`. Prints the URL.
#   scripts/postgres-test.sh start [DIR]   start (DIR defaults to a new temporary folder); prints postgres://…
#   scripts/postgres-test.sh stop DIR      stop it (the folder stays; remove it yourself)
#   scripts/postgres-test.sh restart DIR   stop fast, start again on the same port
# Uses Debian's PostgreSQL server (/usr/lib/postgresql/<version>/bin, `scripts/setup.sh --test` installs it). As root
# the cluster runs as the `postgres` user, since PostgreSQL refuses to run as root.
set -euo pipefail
bindir=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
if [ -z "$bindir" ] || [ ! -x "$bindir/initdb" ]; then
  echo "postgres-test: no PostgreSQL server binaries under /usr/lib/postgresql; run scripts/setup.sh --test" >&2
  exit 1
fi
as_owner() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}
cmd=${1:-}
case "$cmd" in
start)
  dir=${2:-$(mktemp -d /tmp/promptgate-pg.XXXXXX)}
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir"
  chmod 0700 "$dir"
  port=$(python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])')
  as_owner "$bindir/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --no-locale >"$dir/initdb.log" 2>&1 \
    || { cat "$dir/initdb.log" >&2; exit 1; }
  echo "$port" > "$dir/port"
  [ "$(id -u)" -eq 0 ] && chown postgres: "$dir/port"
  as_owner "$bindir/pg_ctl" -D "$dir/data" -l "$dir/server.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null \
    || { cat "$dir/server.log" >&2; exit 1; }
  as_owner "$bindir/psql" -q -h 127.0.0.1 -p "$port" -U postgres -d postgres -c "CREATE DATABASE promptgate" >/dev/null
  echo "postgres://postgres@127.0.0.1:$port/promptgate"
  ;;
stop)
  as_owner "$bindir/pg_ctl" -D "$2/data" -m fast -w stop >/dev/null
  ;;
restart)
  port=$(cat "$2/port")
  as_owner "$bindir/pg_ctl" -D "$2/data" -m immediate -w stop >/dev/null || true
  as_owner "$bindir/pg_ctl" -D "$2/data" -l "$2/server.log" -w -t 60 \
    -o "-p $port -k $2 -c listen_addresses=127.0.0.1 -c max_connections=200" start >/dev/null
  ;;
*)
  echo "usage: scripts/postgres-test.sh start [DIR] | stop DIR | restart DIR" >&2
  exit 2
  ;;
esac
