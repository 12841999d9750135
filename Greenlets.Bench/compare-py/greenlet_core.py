"""Python greenlet twins of Greenlets.Bench/Compare/GreenletCoreWorkloads.cs.

Prints one line per workload: name<TAB>median<TAB>unit, the median of REPEATS measurements.
Run with Debian's /usr/bin/python3 (python3-greenlet); compare.sh does.
"""
import gc
import os
import subprocess
import sys
import time

from greenlet import getcurrent, greenlet

REPEATS = int(os.environ.get("COMPARE_REPEATS", "5"))
SCALE = float(os.environ.get("COMPARE_SCALE", "1"))


def scaled(n):
    return max(1, int(n * SCALE))


def switch_pingpong():
    main = getcurrent()

    def run():
        while True:
            main.switch()

    echo = greenlet(run)
    echo.switch()
    n = scaled(1_000_000)
    sw = echo.switch
    for _ in range(n // 4):
        sw()
    t0 = time.perf_counter_ns()
    for _ in range(n):
        sw()
    return (time.perf_counter_ns() - t0) / (2 * n)


def ring100():
    size = 100
    main = getcurrent()
    members = []
    remaining = [0]

    def make(i):
        def run():
            main.switch()
            nxt = members[(i + 1) % size]
            while True:
                remaining[0] -= 1
                if remaining[0] <= 0:
                    main.switch()
                else:
                    nxt.switch()
        return run

    for i in range(size):
        members.append(greenlet(make(i)))
    for g in members:
        g.switch()
    n = scaled(1_000_000)
    remaining[0] = n // 4
    members[0].switch()
    remaining[0] = n
    t0 = time.perf_counter_ns()
    members[0].switch()
    return (time.perf_counter_ns() - t0) / n


def link(next_greenlet):
    value = getcurrent().parent.switch()
    while True:
        value = next_greenlet.switch(value + 1)


def chain(n):
    # greenlet's benchmarks/chain.py; the links are returned so that their teardown is not timed.
    links = []
    start_node = getcurrent()
    for _ in range(n):
        g = greenlet(link)
        g.switch(start_node)
        links.append(g)
        start_node = g
    return links, start_node.switch(0)


def chain10000():
    n = 10_000
    t0 = time.perf_counter_ns()
    links, result = chain(n)
    elapsed = time.perf_counter_ns() - t0
    assert result == n
    del links
    gc.collect()
    return elapsed / n


def create_switch_finish():
    def f():
        return None

    n = scaled(200_000)
    for _ in range(n // 10):
        greenlet(f).switch()
    t0 = time.perf_counter_ns()
    for _ in range(n):
        greenlet(f).switch()
    return (time.perf_counter_ns() - t0) / n


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def memory_child(count):
    main = getcurrent()
    gc.collect()
    before = rss_bytes()
    def body():
        main.switch()

    alive = []
    for _ in range(count):
        g = greenlet(body)
        g.switch()
        alive.append(g)
    after = rss_bytes()
    return (after - before) / count


def memory_suspended(count):
    # A fresh process per sample: freed greenlet memory is reused, so a second sample in one process would read ~0.
    def measure():
        out = subprocess.run([sys.executable, __file__, "--memory-child", str(count)],
                             check=True, capture_output=True, text=True).stdout
        return float(out)
    return measure


WORKLOADS = [
    ("switch_pingpong", switch_pingpong, "ns/op"),
    ("ring100", ring100, "ns/op"),
    ("chain10000", chain10000, "ns/op"),
    ("create_switch_finish", create_switch_finish, "ns/op"),
    ("memory_suspended_1000", memory_suspended(1_000), "B/greenlet"),
    ("memory_suspended_10000", memory_suspended(10_000), "B/greenlet"),
]


# AsyncGreenlet rows have the same Python peer as the thread-fiber rows: greenlet's own switch, create and memory
# per suspended greenlet (measured at 10,000; per-greenlet bytes do not depend on the count).
ALIASES = {
    "switch_pingpong": ["async_switch_pingpong"],
    "create_switch_finish": ["async_create_switch_finish"],
    "memory_suspended_10000": ["async_memory_suspended"],
}


def main(names):
    for name, fn, unit in WORKLOADS:
        aliases = ALIASES.get(name, [])
        if names and name not in names and not any(a in names for a in aliases):
            continue
        samples = sorted(fn() for _ in range(REPEATS))
        value = samples[len(samples) // 2]
        for printed in [name] + aliases:
            if not names or printed in names:
                print(f"{printed}\t{value:.3f}\t{unit}", flush=True)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--memory-child"]:
        print(memory_child(int(sys.argv[2])))
    else:
        main(sys.argv[1:])
