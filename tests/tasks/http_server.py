#!/usr/bin/env python3
"""A small Lambda-like HTTP endpoint on 127.0.0.1 for the Task binding tests. Prints its port,
then serves until stdin closes. POST /echo returns the input; /fail answers 200 with
X-Amz-Function-Error; /error answers 500; /notjson answers 200 with text;
/notutf8 with JSON that is not UTF-8; /slow sleeps 3 s, /slower 10 s."""
import http.server
import json
import sys
import threading
import time


class Handler(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def reply(self, status, body, headers=()):
        data = body if isinstance(body, bytes) else body.encode()
        self.send_response(status)
        for k, v in headers:
            self.send_header(k, v)
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        try:
            self.wfile.write(data)
        except (BrokenPipeError, ConnectionResetError):
            pass  # the client gave up (a timeout test)

    def do_POST(self):
        body = self.rfile.read(int(self.headers.get("Content-Length", 0)))
        if self.path == "/echo":
            self.reply(200, json.dumps({"echo": json.loads(body)}))
        elif self.path == "/fail":
            self.reply(200, json.dumps({"errorType": "Remote.Failure", "errorMessage": "it broke"}),
                       [("X-Amz-Function-Error", "Unhandled")])
        elif self.path == "/error":
            self.reply(500, "internal error")
        elif self.path == "/notjson":
            self.reply(200, "hello")
        elif self.path == "/notutf8":
            self.reply(200, b'{"a": "\xff"}')
        elif self.path == "/slow":
            time.sleep(3)
            self.reply(200, "{}")
        elif self.path == "/slower":
            time.sleep(10)
            self.reply(200, "{}")
        else:
            self.reply(404, "not found")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
print(server.server_address[1], flush=True)
threading.Thread(target=server.serve_forever, daemon=True).start()
sys.stdin.read()
server.shutdown()
