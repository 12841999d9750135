#!/usr/bin/env bash
# HTTP/1.1 hello world under `wrk -t2 -c100 -d10s` (Debian: apt-get install -y wrk python3-gevent), one after the other
# in one run: GreenServer on the thread hub and on the async hub (examples/HelloHttp --serve / --serve-async, one hub
# and HUBS=2 hubs), gevent's pywsgi, and a Kestrel minimal API (Greenlets.Bench/KestrelHello), the .NET peer.
# Prints name<TAB>req/s lines.
set -euo pipefail
cd "$(dirname "$0")/.."
duration="${DURATION:-10s}"
dotnet build -c Release examples/HelloHttp >/dev/null
dotnet build -c Release Greenlets.Bench/KestrelHello >/dev/null
hello=examples/HelloHttp/bin/Release/net10.0/HelloHttp.dll

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

echo "== load before: $(cut -d' ' -f1-3 /proc/loadavg), $(nproc) CPUs" >&2
bench http_hello_greenserver 18081 dotnet "$hello" --serve 18081
bench http_hello_asynchub 18084 dotnet "$hello" --serve-async 18084
bench http_hello_asynchub_2hubs 18085 dotnet "$hello" --serve-async 18085 --hubs 2
bench http_hello_gevent_pywsgi 18082 /usr/bin/python3 Greenlets.Bench/compare-py/gevent_pywsgi.py 18082
bench http_hello_kestrel 18083 dotnet Greenlets.Bench/KestrelHello/bin/Release/net10.0/KestrelHello.dll 18083
