#!/usr/bin/env bash
# HTTP/1.1 hello world: GreenServer (examples/HelloHttp) against gevent's pywsgi, each under
# `wrk -t2 -c100 -d10s` (Debian: apt-get install -y wrk python3-gevent). Prints name<TAB>req/s lines.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${DURATION:-10s}"
dotnet build -c Release examples/HelloHttp >/dev/null

bench() {
  local name="$1" port="$2"; shift 2
  "$@" >/dev/null 2>&1 &
  local pid=$!
  for _ in $(seq 1 100); do
    if curl -s "http://127.0.0.1:$port/" >/dev/null 2>&1; then break; fi
    sleep 0.1
  done
  local rps
  rps=$(wrk -t2 -c100 -d"$duration" "http://127.0.0.1:$port/" | awk '/Requests\/sec/ {print $2}')
  kill "$pid" 2>/dev/null || true
  wait "$pid" 2>/dev/null || true
  printf '%s\t%s\treq/s\n' "$name" "$rps"
}

bench http_hello_greenserver 18081 dotnet examples/HelloHttp/bin/Release/net10.0/HelloHttp.dll --serve 18081
bench http_hello_gevent_pywsgi 18082 /usr/bin/python3 Greenlets.Bench/compare-py/gevent_pywsgi.py 18082
