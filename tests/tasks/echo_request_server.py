#!/usr/bin/env python3
"""A small HTTP server on 127.0.0.1 for the http:invoke tests. Prints its port, then serves
until stdin closes. Every method answers with the request it got as JSON (method, path with
query, headers it was asked about, body); /missing answers 404 with the same; /text answers
200 with plain text; /slow sleeps 3 s first."""
import http.server
import json
import sys
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def answer(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0))).decode()
        if self.path.startswith("/slow"):
            time.sleep(3)
        if self.path.startswith("/text"):
            data, ctype = b"plain words", "text/plain"
        else:
            data = json.dumps({"method": self.command, "path": self.path, "body": body,
                               "contentType": self.headers.get("Content-Type"),
                               "token": self.headers.get("X-Token")}).encode()
            ctype = "application/json"
        self.send_response(404 if self.path.startswith("/missing") else 200)
        self.send_header("Content-Type", ctype)
        self.send_header("X-Reply", "one")
        self.send_header("X-Reply", "two")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (the timeout test)

    do_GET = do_POST = do_PUT = do_PATCH = do_DELETE = answer


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
server.shutdown()
