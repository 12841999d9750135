#!/usr/bin/env bash
# Side-by-side comparison with Python's greenlet/gevent, in one run on this machine.
#
#   Greenlets.Bench/compare.sh [workload names...]
#
# Runs every compare-py/*.py with Debian's /usr/bin/python3 (python3-greenlet, python3-gevent; installed with apt-get
# when missing) and the C# twins (`dotnet run -c Release --project Greenlets.Bench -- --compare`), joins their
# "name<TAB>value<TAB>unit" lines by name and prints: workload, Python, Greenlets, unit, ratio (Greenlets / Python).
# For ns/op and B/greenlet lower is better; for req/s and other rates higher is better.
# COMPARE_REPEATS (default 5) and COMPARE_SCALE (default 1) shrink the Python runs, e.g. for a smoke run.
set -euo pipefail
here="$(cd "$(dirname "$0")" && pwd)"
py=/usr/bin/python3

if ! "$py" -c 'import greenlet, gevent' >/dev/null 2>&1; then
  echo "installing python3-greenlet python3-gevent (apt-get)" >&2
  sudo_cmd=""
  if [ "$(id -u)" -ne 0 ]; then sudo_cmd="sudo"; fi
  $sudo_cmd apt-get update -qq >&2 || true
  $sudo_cmd apt-get install -y python3-greenlet python3-gevent >&2
fi

work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

echo "== machine: $(nproc) CPUs, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), Linux $(uname -r)," \
  "dotnet $(dotnet --version), $("$py" --version 2>&1), greenlet $("$py" -c 'import greenlet; print(greenlet.__version__)')," \
  "gevent $("$py" -c 'import gevent; print(gevent.__version__)'), $(date -u '+%Y-%m-%d %H:%M UTC')" >&2

# Every script that speaks the protocol prints name<TAB>value<TAB>unit lines; one that does not (a server that needs a
# port, say) fails at once or prints nothing usable, and is skipped with a warning.
for script in "$here"/compare-py/*.py; do
  echo "== python: $(basename "$script")" >&2
  if ! timeout 900 "$py" "$script" "$@" >"$work/one.tsv" 2>"$work/one.err"; then
    echo "   (skipped: $(tail -n 1 "$work/one.err"))" >&2
  fi
  grep -P '^[A-Za-z0-9_]+\t[-0-9.eE+]+\t' "$work/one.tsv" | tee -a "$work/python.tsv" >&2 || true
done

echo "== greenlets: dotnet run -c Release -- --compare" >&2
dotnet build -c Release "$here/Greenlets.Bench.csproj" >/dev/null
dotnet run -c Release --no-build --project "$here/Greenlets.Bench.csproj" -- --compare "$@" | tee "$work/csharp.tsv" >&2

# Join by name: every name seen on either side gets a row; a missing side shows as "-".
awk -F'\t' '
  FNR == NR { py[$1] = $2; unit[$1] = $3; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } next }
  { cs[$1] = $2; if (unit[$1] == "") unit[$1] = $3; if (!($1 in seen)) { seen[$1] = 1; order[++n] = $1 } }
  END {
    printf "| %-24s | %12s | %12s | %-10s | %8s |\n", "workload", "Python", "Greenlets", "unit", "ratio"
    printf "|%s|%s|%s|%s|%s|\n", "--------------------------", "-------------:", "-------------:", "------------", "---------:"
    for (i = 1; i <= n; i++) {
      k = order[i]; p = (k in py) ? py[k] : "-"; c = (k in cs) ? cs[k] : "-"
      r = (k in py && k in cs && py[k] + 0 != 0) ? sprintf("%.2fx", c / py[k]) : "-"
      printf "| %-24s | %12s | %12s | %-10s | %8s |\n", k, p, c, unit[k], r
    }
  }' "$work/python.tsv" "$work/csharp.tsv"
