# Sourced by loaded-compare.sh and pin-compare.sh: the build, a scratch folder, two CPU-bound competitors on demand
# (killed on exit, and bounded by timeout in case the trap never runs) and the median of a workload over runs.
# Each script sets `runs` and `workloads` before sourcing this file.
dotnet build -c Release Greenlets.Bench.csproj >/dev/null
out=$(mktemp -d)
competitors=()
trap 'kill "${competitors[@]}" 2>/dev/null || true; rm -rf "$out"' EXIT

# Starts the two busy-looping competitors.
start_competitors() {
  for _ in 1 2; do
    timeout 900 sh -c 'while :; do :; done' &
    competitors+=("$!")
  done
}

# Calls "$1 LOAD RUN" for RUNS runs idle (LOAD=idle), then for RUNS runs beside the competitors (LOAD=loaded).
for_each_load_and_run() {
  local load run
  for load in idle loaded; do
    if [ "$load" = loaded ]; then
      start_competitors
    fi
    for run in $(seq "$runs"); do
      "$1" "$load" "$run"
    done
  done
}

# Runs the side-by-side workloads once into $out/NAME, with any extra environment given as NAME=VALUE arguments.
compare_once() { # name [VAR=value...]
  local name=$1
  shift
  env COMPARE_REPEATS="${COMPARE_REPEATS:-5}" "$@" dotnet run -c Release --no-build --project Greenlets.Bench.csproj -- \
    --compare "${workloads[@]}" >"$out/$name"
}

# Prints the median figure of workload $2 over the files $out/$1.*.
median() { cat "$out/$1".* | awk -v w="$2" '$1 == w { print $2 }' | sort -g | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }
