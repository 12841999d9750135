#!/usr/bin/env bash
# CI smoke run of the benchmarks: every BenchmarkDotNet benchmark once (--job Dry), then every side-by-side workload
# once at a small scale (the Python twins too, when Debian's python3 has greenlet). It checks that they build and run;
# the numbers mean nothing. Finishes in a few minutes. MemoryBenchmarks runs at its 1,000 size only (GREENLETS_BENCH_SMOKE).
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
cd "$here"
export DOTNET_CLI_TELEMETRY_OPTOUT=1 DOTNET_NOLOGO=1
# MemoryBenchmarks reads this: its own three-process job and its 10,000 size are left out of the smoke run.
export GREENLETS_BENCH_SMOKE=1

dotnet build -c Release Greenlets.Bench.csproj >/dev/null
artifacts="$here/../artifacts/bench-smoke"
rm -rf "$artifacts"

echo "== BenchmarkDotNet, --job Dry"
timeout 900 dotnet run -c Release --no-build --project Greenlets.Bench.csproj -- \
  --filter '*' --job Dry --artifacts "$artifacts" --stopOnFirstError true

echo "== side-by-side workloads, one sample each"
COMPARE_REPEATS=1 timeout 120 dotnet run -c Release --no-build --project Greenlets.Bench.csproj -- --compare
if /usr/bin/python3 -c 'import greenlet' >/dev/null 2>&1; then
  for script in compare-py/*.py; do
    # Scripts outside the compare protocol (a server that needs a port) fail at once: skip them.
    COMPARE_REPEATS=1 COMPARE_SCALE=0.01 timeout 120 /usr/bin/python3 "$script" 2>/dev/null \
      || echo "(skipped $script)"
  done
fi
