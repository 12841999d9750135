"""gevent pywsgi hello world, the twin of examples/HelloHttp (see http-compare.sh).

/usr/bin/python3 gevent_pywsgi.py PORT
"""
import sys

from gevent.pywsgi import WSGIServer


def app(environ, start_response):
    start_response("200 OK", [("Content-Type", "text/plain"), ("Content-Length", "12")])
    return [b"Hello World\n"]


if __name__ == "__main__":
    WSGIServer(("127.0.0.1", int(sys.argv[1])), app, log=None).serve_forever()
