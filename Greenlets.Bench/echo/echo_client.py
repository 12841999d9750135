"""Load client for echo-compare.sh: holds N concurrent connections to an echo server and checks every echo.

    /usr/bin/python3 echo_client.py PORT N SERVER_PID

Opens N connections (spread over source addresses 127.0.0.2, .3, ... so that 50,000 fit in the ephemeral port
range), each reading the server's greeting line; reports the time until all N are connected and greeted, the
server's RSS with all N held, and then sends one line on every connection and checks every echo. Prints
name<TAB>value<TAB>unit lines.
"""
import resource
import socket
import sys
import time

import gevent
from gevent import socket as gsocket
from gevent.pool import Pool

PER_SOURCE = 20000


def rss_bytes(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
    return 0


def threads(pid):
    with open(f"/proc/{pid}/status") as f:
        for line in f:
            if line.startswith("Threads:"):
                return int(line.split()[1])
    return 0


def main():
    port, n, pid = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3])
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    baseline = rss_bytes(pid)
    conns = [None] * n
    failures = []

    def connect(i):
        for attempt in range(50):
            s = gsocket.socket(socket.AF_INET, socket.SOCK_STREAM)
            try:
                s.bind((f"127.0.0.{2 + i // PER_SOURCE}", 0))
                s.connect(("127.0.0.1", port))
                f = s.makefile("rwb")
                if not f.readline():
                    raise ConnectionError("no greeting")
                conns[i] = (s, f)
                return
            except OSError as e:
                s.close()
                if attempt == 49:
                    failures.append(f"{i}: {e}")
                gevent.sleep(0.05 * (attempt + 1))

    pool = Pool(1000)
    start = time.perf_counter()
    for i in range(n):
        pool.spawn(connect, i)
    pool.join()
    connect_s = time.perf_counter() - start
    held = sum(c is not None for c in conns)
    rss = rss_bytes(pid)
    nthreads = threads(pid)

    wrong = 0

    def echo(i):
        nonlocal wrong
        s, f = conns[i]
        line = b"client %d: the quick brown fox\n" % i
        f.write(line)
        f.flush()
        if f.readline() != line:
            wrong += 1

    for i in range(n):
        if conns[i] is not None:
            pool.spawn(echo, i)
    pool.join()
    for c in conns:
        if c is not None:
            c[1].close()
            c[0].close()
    tag = f"{n // 1000}k"
    print(f"echo_connect_{tag}\t{connect_s:.3f}\ts")
    print(f"echo_held_{tag}\t{held}\tconnections")
    print(f"echo_correct_{tag}\t{held - wrong}\techoes")
    print(f"echo_rss_per_conn_{tag}\t{(rss - baseline) / max(held, 1):.0f}\tB/connection")
    print(f"echo_rss_{tag}\t{rss / 2**20:.1f}\tMiB")
    print(f"echo_threads_{tag}\t{nthreads}\tthreads")
    if failures:
        print(f"{len(failures)} connections failed, first: {failures[0]}", file=sys.stderr)


if __name__ == "__main__":
    main()
