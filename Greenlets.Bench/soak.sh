#!/usr/bin/env bash
# The soak run (for people, not CI): 1,000 greenlets switching under the hub for MINUTES (default 10),
# sampling RSS, managed heap, thread count and operation rate every 10 seconds.
set -euo pipefail
cd "$(dirname "$0")/.."
minutes="${1:-10}"
dotnet run -c Release --project Greenlets.Bench -- --soak "$minutes"
