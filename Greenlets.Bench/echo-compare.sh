#!/usr/bin/env bash
# Echo servers holding many concurrent loopback connections: the Greenlets async hub (examples/EchoServer
# --serve-async), the thread hub (--serve) and gevent's StreamServer, each loaded by the same gevent client
# (echo/echo_client.py): time until all N connections are connected and greeted, server RSS per connection, threads,
# and every echo checked. For people, not CI (it raises `ulimit -n` to the hard limit and needs a few minutes).
# Each side needs one descriptor per connection: N is capped by the hard `ulimit -n` (20,000 in this sandbox, which
# cannot raise it: no CAP_SYS_RESOURCE), so 50,000 needs a machine whose hard limit allows it.
#
#   Greenlets.Bench/echo-compare.sh [N ...]        default: 10000 19000
set -euo pipefail
cd "$(dirname "$0")/.."
counts=("$@")
if [ "$#" -eq 0 ]; then counts=(10000 19000); fi
ulimit -n "$(ulimit -Hn)"
dotnet build -c Release examples/EchoServer >/dev/null
py=/usr/bin/python3

run() {
  local name="$1" port="$2" n="$3"; shift 3
  "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    if "$py" -c "import socket; socket.create_connection(('127.0.0.1', $port), 1).close()" 2>/dev/null; then break; fi
    sleep 0.1
  done
  echo "== $name, $n connections (load $(cut -d' ' -f1-3 /proc/loadavg))" >&2
  timeout 900 "$py" Greenlets.Bench/echo/echo_client.py "$port" "$n" "$pid" | sed "s/^/${name}_/" || echo "${name}: client failed" >&2
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
}

for n in "${counts[@]}"; do
  run asynchub 18091 "$n" dotnet examples/EchoServer/bin/Release/net10.0/EchoServer.dll --serve-async 18091
  run gevent 18092 "$n" "$py" Greenlets.Bench/echo/gevent_echo_server.py 18092
  if [ "$n" -le 10000 ]; then
    run threadhub 18093 "$n" dotnet examples/EchoServer/bin/Release/net10.0/EchoServer.dll --serve 18093
  fi
done
