#!/usr/bin/python3
"""Generates random greenlet programs, runs them with Python's greenlet, and writes programs.json.

The C# test ConformanceTests replays every program with Greenlets and expects the same log. Run with Debian's
python3 after `apt-get install -y python3-greenlet`:  /usr/bin/python3 generate.py [count] [seed]
"""
import json
import random
import sys

import greenlet
from greenlet import GreenletExit, getcurrent


class E(Exception):
    def __init__(self, v):
        super().__init__(v)
        self.v = v


def fmt(x):
    if x is None:
        return "None"
    if isinstance(x, GreenletExit):
        return "GreenletExit"
    if isinstance(x, E):
        return "E:%d" % x.v
    if isinstance(x, int):
        return str(x)
    if isinstance(x, tuple) and x == ():
        return "None"
    return "?" + type(x).__name__


def exc_name(e):
    if isinstance(e, E):
        return "E:%d" % e.v
    if isinstance(e, GreenletExit):
        return "GreenletExit"
    if isinstance(e, (ValueError, AttributeError)):
        return "ParentError"
    return type(e).__name__


def gen_action(rng, n, last):
    if last:
        return {"op": rng.choice(["return", "return", "raise"]), "value": rng.randrange(100)}
    op = rng.choices(["switch", "throw", "kill", "reparent", "raise", "return"], [10, 3, 2, 2, 1, 1])[0]
    return {
        "op": op,
        "target": rng.randrange(n + 1),
        "parent": rng.randrange(n + 1),
        "value": rng.randrange(100),
        "catch": rng.random() < 0.6,
    }


def gen_program(rng):
    n = rng.randint(1, 6)
    parents = [rng.randrange(i) for i in range(1, n + 1)]  # greenlet i's parent is main or an earlier one
    scripts = []
    for k in range(n + 1):
        length = rng.randint(1, 8)
        script = [gen_action(rng, n, False) for _ in range(length)]
        if k > 0:
            script.append(gen_action(rng, n, True))
        scripts.append(script)
    return {"parents": parents, "scripts": scripts}


def run_program(prog):
    log = []
    n = len(prog["parents"])
    gs = [getcurrent()]
    names = {id(gs[0]): "main"}

    def name(g):
        return names.get(id(g), "?")

    def tracer(event, args):
        log.append("trace %s %s %s" % (event, name(args[0]), name(args[1])))

    def execute(k, action):
        op = action["op"]
        me = "g%d" % k if k else "main"
        if op == "return":
            return ("return", action["value"])
        if op == "raise":
            raise E(action["value"])
        target = gs[action["target"]]

        def body():
            if op == "switch":
                log.append("%s got %s" % (me, fmt(target.switch(action["value"]))))
            elif op == "throw":
                log.append("%s got %s" % (me, fmt(target.throw(E(action["value"])))))
            elif op == "kill":
                log.append("%s got %s" % (me, fmt(target.throw())))
            elif op == "reparent":
                target.parent = gs[action["parent"]]
                log.append("%s reparented g%d" % (me, action["target"]))

        if action["catch"] or op == "reparent":
            try:
                body()
            except BaseException as e:
                log.append("%s caught %s" % (me, exc_name(e)))
        else:
            body()
        return None

    def make_run(k):
        def run(*args):
            log.append("g%d start %s" % (k, fmt(args[0]) if args else "None"))
            for action in prog["scripts"][k]:
                r = execute(k, action)
                if r is not None:
                    return r[1]
            return None
        return run

    for k in range(1, n + 1):
        g = greenlet.greenlet(make_run(k), gs[prog["parents"][k - 1]])
        names[id(g)] = "g%d" % k
        gs.append(g)

    greenlet.settrace(tracer)
    try:
        for action in prog["scripts"][0]:
            if execute(0, action) is not None:
                break
    except BaseException as e:
        log.append("main escaped %s" % exc_name(e))
    greenlet.settrace(None)
    for k in range(1, n + 1):
        g = gs[k]
        log.append("g%d %s" % (k, "dead" if g.dead else ("active" if g else "pending")))
    # Finish every greenlet left suspended so nothing leaks into the next program.
    for g in gs[1:]:
        if g:
            g.parent = gs[0]
            try:
                g.throw()
            except BaseException:
                pass
    return log


def main():
    count = int(sys.argv[1]) if len(sys.argv) > 1 else 1500
    seed = int(sys.argv[2]) if len(sys.argv) > 2 else 20261125
    rng = random.Random(seed)
    out = []
    for _ in range(count):
        prog = gen_program(rng)
        prog["log"] = run_program(prog)
        out.append(prog)
    with open("programs.json", "w") as f:
        json.dump({"greenlet": greenlet.__version__, "seed": seed, "programs": out}, f, separators=(",", ":"))
    print("wrote %d programs (greenlet %s)" % (len(out), greenlet.__version__))


if __name__ == "__main__":
    main()
