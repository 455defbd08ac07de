# SPDX-License-Identifier: Apache-2.0
"""A small Green Button Connect resource server for tests: HTTPS on 127.0.0.1 (self-signed cert
made by the test), bearer-token check, ESPI resource paths serving the shared sample files, and
endpoints that fail on purpose (503 twice, always 503, slow, 403). Writes its port to --port-file
and every request line to --log."""
import argparse
import http.server
import re
import ssl
import sys
import threading
import time

ap = argparse.ArgumentParser()
ap.add_argument("--cert", required=True)
ap.add_argument("--key", required=True)
ap.add_argument("--feed", required=True)  # the Inland sample (one UsagePoint "1", Subscription "83e269c1")
ap.add_argument("--token", required=True)
ap.add_argument("--port-file", required=True)
ap.add_argument("--log", required=True)
args = ap.parse_args()

with open(args.feed, "rb") as f:
    FEED = f.read()
# The usage-summary collection: the feed's summary entry alone.
m = re.search(rb"<entry>(?:(?!</entry>).)*?ElectricPowerUsageSummary/01\"/>.*?</entry>", FEED, re.S)
SUMMARIES = b'<?xml version="1.0"?>\n<feed xmlns="http://www.w3.org/2005/Atom">' + m.group(0) + b"</feed>"

BASE = "/DataCustodian/espi/1_1/resource"
attempts = {}
lock = threading.Lock()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *a):
        pass

    def reply(self, status, body=b"", ctype="application/atom+xml"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)

    def do_GET(self):
        with open(args.log, "a") as log:
            log.write(self.path + "\n")
        auth = self.headers.get("Authorization", "")
        if auth == "Bearer other-customer":
            return self.reply(403, b"forbidden", "text/plain")
        if auth != "Bearer " + args.token:
            return self.reply(401, b"unauthorized", "text/plain")
        path = self.path.split("?", 1)[0]
        if path == BASE + "/Batch/Subscription/83e269c1/UsagePoint/1" or path == BASE + "/Batch/Subscription/83e269c1":
            return self.reply(200, FEED)
        if path == BASE + "/Subscription/83e269c1/UsagePoint/1/ElectricPowerUsageSummary":
            return self.reply(200, SUMMARIES)
        if path == BASE + "/Batch/Subscription/flaky/UsagePoint/1":
            with lock:
                attempts[path] = attempts.get(path, 0) + 1
                n = attempts[path]
            return self.reply(503, b"busy", "text/plain") if n <= 2 else self.reply(200, FEED)
        if path == BASE + "/Batch/Subscription/down/UsagePoint/1":
            return self.reply(503, b"down", "text/plain")
        if path == BASE + "/Batch/Subscription/slow/UsagePoint/1":
            time.sleep(3)
            return self.reply(200, FEED)
        if path == BASE + "/Batch/Subscription/garbage/UsagePoint/1":
            return self.reply(200, b"<feed><entry><content><IntervalBlock></content></entry></feed>")
        return self.reply(404, b"not found", "text/plain")


server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
server.daemon_threads = True
ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
ctx.load_cert_chain(args.cert, args.key)
server.socket = ctx.wrap_socket(server.socket, server_side=True)
with open(args.port_file + ".tmp", "w") as f:
    f.write(str(server.server_address[1]))
import os
os.replace(args.port_file + ".tmp", args.port_file)
try:
    server.serve_forever()
except KeyboardInterrupt:
    sys.exit(0)
