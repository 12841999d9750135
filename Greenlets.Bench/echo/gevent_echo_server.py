"""gevent twin of `examples/EchoServer --serve PORT`: a greeting line, then every line echoed back.

    /usr/bin/python3 gevent_echo_server.py PORT
"""
import sys

from gevent.server import StreamServer


def echo(sock, address):
    f = sock.makefile("rwb")
    f.write(b"hello %s, I echo every line\n" % str(address).encode())
    f.flush()
    while True:
        line = f.readline()
        if not line:
            break
        f.write(line)
        f.flush()
    sock.close()


if __name__ == "__main__":
    server = StreamServer(("127.0.0.1", int(sys.argv[1])), echo, backlog=4096)
    server.serve_forever()
