#!/usr/bin/env bash
# GreenletOptions.PinFiberThreads on against off (issue 14): the side-by-side workloads that switch between fiber
# threads, idle and beside two CPU-bound competitors, runs interleaved (on, off, on, off, ...) so that a change in
# the machine's load hits both alike. Each run prints the median of COMPARE_REPEATS samples; the table shows the median
# of RUNS runs. About a minute and a half with the defaults.
# Usage: Greenlets.Bench/pin-compare.sh [RUNS]   (default 3)
set -euo pipefail
cd "$(dirname "$0")"
runs=${1:-3}
workloads=(switch_pingpong ring100 hub_sleep0_2 create_switch_finish)
. ./compare-common.sh

# Pinned and not pinned interleaved, so that a change in the machine's load hits both alike.
measure() {
  compare_once "$1.1.$2" COMPARE_PIN=1
  compare_once "$1.0.$2" COMPARE_PIN=0
}
for_each_load_and_run measure

printf '| workload | idle, pinned | idle, not pinned | 2 competitors, pinned | 2 competitors, not pinned |\n|---|---:|---:|---:|---:|\n'
for w in "${workloads[@]}"; do
  row="| $w"
  for cfg in idle.1 idle.0 loaded.1 loaded.0; do
    m=$(median "$cfg" "$w")
    row="$row | $m"
  done
  echo "$row |"
done
echo "(ns per operation, median of $runs runs of ${COMPARE_REPEATS:-5} samples each; $(nproc) CPUs)"
