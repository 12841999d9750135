"""gevent twin of Greenlets.Bench/Compare/HubCompareWorkloads.cs.

Prints name<TAB>median<TAB>unit lines: hub_sleep0_2, hub_sleep0_1000 (ns per sleep(0)) and spawn_join_10000
(ns per greenlet), hub_timer_lateness_1ms (ns a 1 ms sleep wakes late), async_hub_event_1m (RSS bytes per greenlet,
1,000,000 greenlets waiting on one Event, then all released and joined; measured once). Run with Debian's python3 and python3-gevent:  /usr/bin/python3 gevent_hub.py
"""
import statistics
import sys
import time

import gevent
from gevent.event import Event

REPEATS = 5


def sleep0(greenlets, rounds):
    go = Event()

    def worker():
        go.wait()
        for _ in range(rounds):
            gevent.sleep(0)

    tasks = [gevent.spawn(worker) for _ in range(greenlets)]
    gevent.sleep(0)
    start = time.perf_counter()
    go.set()
    gevent.joinall(tasks)
    return (time.perf_counter() - start) / (greenlets * rounds) * 1e9


def spawn_join(count):
    def nothing():
        pass

    start = time.perf_counter()
    tasks = [gevent.spawn(nothing) for _ in range(count)]
    gevent.joinall(tasks)
    return (time.perf_counter() - start) / count * 1e9


def timer_lateness(sleeps=200):
    gevent.sleep(0.001)
    start = time.perf_counter()
    for _ in range(sleeps):
        gevent.sleep(0.001)
    return ((time.perf_counter() - start) / sleeps - 0.001) * 1e9


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * 4096


def event_million(count=1_000_000):
    import gc
    gc.collect()
    before = rss_bytes()
    go = Event()
    finished = 0

    def waiter():
        nonlocal finished
        go.wait()
        finished += 1

    tasks = [gevent.spawn(waiter) for _ in range(count)]
    gevent.sleep(0)
    waiting = rss_bytes()
    go.set()
    gevent.joinall(tasks)
    if finished != count:
        raise RuntimeError(f"only {finished} of {count} greenlets finished")
    return (waiting - before) / count


# name: (measure, unit, repeats)
WORKLOADS = {
    "hub_sleep0_2": (lambda: (sleep0(2, 2000), sleep0(2, 20000))[1], "ns/op", REPEATS),
    "hub_sleep0_1000": (lambda: (sleep0(1000, 2), sleep0(1000, 20))[1], "ns/op", REPEATS),
    "spawn_join_10000": (lambda: (spawn_join(1000), spawn_join(10000))[1], "ns/op", REPEATS),
    "hub_timer_lateness_1ms": (timer_lateness, "ns/op", REPEATS),
    "async_hub_event_1m": (event_million, "B/task", 1),
}

# The async hub's rows (Compare/AsyncHubCompareWorkloads.cs) are the same gevent programs, joined by their own names.
ALIASES = {
    "async_hub_sleep0_2": "hub_sleep0_2",
    "async_hub_sleep0_1000": "hub_sleep0_1000",
    "async_spawn_join_10000": "spawn_join_10000",
}


def main(names):
    for name, (measure, unit, repeats) in WORKLOADS.items():
        aliases = [a for a, of in ALIASES.items() if of == name]
        wanted = [n for n in [name, *aliases] if not names or n in names]
        if not wanted:
            continue
        median = statistics.median(measure() for _ in range(repeats))
        for n in wanted:
            print(f"{n}\t{median:.3f}\t{unit}")


if __name__ == "__main__":
    main(sys.argv[1:])
