#!/usr/bin/env python3
"""Echo server for bench/tasks.sh: answers every POST with its body as application/json.

    python3 echo_server.py --max-requests N [--idle SECONDS] [--port-file FILE]

Binds 127.0.0.1 on a free port (chosen by the kernel) and writes the port number to FILE (or
stdout) once it is listening.  It stops by itself after N requests, or when no request has come
for --idle seconds (default 30), whichever is first, and then prints the number of requests it
served to stderr.  Single-threaded; HTTP/1.1 with keep-alive, though aslc's libcurl binding
opens one connection per Task call."""
import argparse
import http.server
import os
import sys


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def do_POST(self):
        n = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(n) if n else b"null"
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
        self.server.served += 1
        if self.server.served >= self.server.max_requests:
            self.close_connection = True

    def log_message(self, *args):  # no per-request logging
        pass


class Server(http.server.HTTPServer):
    def handle_timeout(self):
        self.idle = True


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--max-requests", type=int, required=True)
    ap.add_argument("--idle", type=float, default=30.0)
    ap.add_argument("--port-file")
    a = ap.parse_args()
    Handler.timeout = a.idle  # a connection left open without a request does not hang us
    srv = Server(("127.0.0.1", 0), Handler)
    srv.served, srv.max_requests, srv.idle, srv.timeout = 0, a.max_requests, False, a.idle
    port = str(srv.server_address[1])
    if a.port_file:  # written whole, then renamed: a reader never sees a partial number
        with open(a.port_file + ".tmp", "w") as f:
            f.write(port + "\n")
        os.replace(a.port_file + ".tmp", a.port_file)
    else:
        print(port, flush=True)
    try:
        while srv.served < srv.max_requests and not srv.idle:
            srv.handle_request()
    finally:
        srv.server_close()
    print(f"echo_server: served {srv.served} requests"
          + (" (stopped idle)" if srv.idle else ""), file=sys.stderr)


if __name__ == "__main__":
    main()
