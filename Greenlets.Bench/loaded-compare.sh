#!/usr/bin/env bash
# The hubs beside two CPU-bound competitors (issue 12's "loaded <= 3x idle" row): each workload idle, then with two
# busy-looping processes, RUNS runs each (median of COMPARE_REPEATS samples per run); the table gives the median run
# and the loaded / idle ratio. A thread hub waits for a scheduler slice at each cold handoff; the async hub never
# hands off between threads, so only the competitors' share of the two CPUs slows it.
# Usage: Greenlets.Bench/loaded-compare.sh [RUNS]   (default 3; about two minutes)
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-3}
workloads=(async_hub_sleep0_2 async_hub_sleep0_1000 hub_sleep0_2 hub_sleep0_1000)
. ./compare-common.sh

measure() { compare_once "$1.$2"; }
for_each_load_and_run measure

echo "$(date -u '+%Y-%m-%d %H:%M UTC'), load before the competitors: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '| workload | idle (ns) | 2 competitors (ns) | loaded / idle |\n|---|---:|---:|---:|\n'
for w in "${workloads[@]}"; do
  idle=$(median idle "$w")
  loaded=$(median loaded "$w")
  printf '| %s | %s | %s | %.2fx |\n' "$w" "$idle" "$loaded" "$(awk -v a="$loaded" -v b="$idle" 'BEGIN { print a / b }')"
done
