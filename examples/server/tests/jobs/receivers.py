#!/usr/bin/python3
# SPDX-License-Identifier: Apache-2.0
"""Notification receivers for the jobs tests, on loopback: a real SMTP sink (aiosmtpd, writing a
Maildir) and a webhook receiver (http.server) that records every POST and verifies its signature.

  receivers.py start STATE_DIR   start both, write STATE_DIR/{smtp_port,webhook_port,pids}
  receivers.py stop STATE_DIR    stop both (by the recorded pids)
  receivers.py webhook STATE_DIR serve webhooks (started by `start`)

Webhook paths: /ok answers 200; /fail-first answers 500 to the first delivery of each
X-Energy-Delivery id, then 200; /always-500 answers 500. `?secret=KEY` makes the receiver check
X-Energy-Signature (HMAC-SHA256 of the raw body, hex) itself and record `signature_valid`.
Each request becomes STATE_DIR/webhooks/<n>.json: path, status, headers, body, signature_valid.
Run with /usr/bin/python3 (the pyenv python3 has no aiosmtpd).
"""
import hashlib
import hmac
import http.server
import json
import os
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse


def free_port():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for_port(port, seconds=20):
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.5):
                return True
        except OSError:
            time.sleep(0.1)
    return False


def serve_webhooks(state):
    log_dir = os.path.join(state, "webhooks")
    os.makedirs(log_dir, exist_ok=True)
    seen = set()
    lock = threading.Lock()
    counter = [0]

    class Handler(http.server.BaseHTTPRequestHandler):
        def do_POST(self):
            length = int(self.headers.get("Content-Length", "0"))
            body = self.rfile.read(length)
            url = urllib.parse.urlsplit(self.path)
            query = urllib.parse.parse_qs(url.query)
            delivery = self.headers.get("X-Energy-Delivery", "")
            with lock:
                if url.path == "/always-500":
                    status = 500
                elif url.path == "/fail-first" and delivery not in seen:
                    seen.add(delivery)
                    status = 500
                else:
                    status = 200
                counter[0] += 1
                n = counter[0]
            valid = None
            if "secret" in query:
                expected = "sha256=" + hmac.new(query["secret"][0].encode(), body,
                                                hashlib.sha256).hexdigest()
                valid = hmac.compare_digest(expected, self.headers.get("X-Energy-Signature", ""))
            record = {"n": n, "path": url.path, "status": status,
                      "headers": {k.lower(): v for k, v in self.headers.items()},
                      "body": body.decode("utf-8", "replace"), "signature_valid": valid}
            tmp = os.path.join(log_dir, f".{n}.tmp")
            with open(tmp, "w") as f:
                json.dump(record, f)
            os.rename(tmp, os.path.join(log_dir, f"{n:06d}.json"))
            self.send_response(status)
            self.send_header("Content-Length", "0")
            self.end_headers()

        def log_message(self, *args):
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    with open(os.path.join(state, "webhook_port.tmp"), "w") as f:
        f.write(str(server.server_address[1]))
    os.rename(os.path.join(state, "webhook_port.tmp"), os.path.join(state, "webhook_port"))
    server.serve_forever()


def start(state):
    for sub in ("tmp", "new", "cur"):  # a Maildir aiosmtpd can write into
        os.makedirs(os.path.join(state, "maildir", sub), exist_ok=True)
    for name in ("webhook_port", "smtp_port", "pids"):
        if os.path.exists(os.path.join(state, name)):
            os.remove(os.path.join(state, name))
    smtp_port = free_port()
    log = open(os.path.join(state, "receivers.log"), "a")
    smtp = subprocess.Popen(["/usr/bin/python3", "-m", "aiosmtpd", "-n", "-l",
                             f"127.0.0.1:{smtp_port}", "-c", "aiosmtpd.handlers.Mailbox",
                             os.path.join(state, "maildir")],
                            stdout=log, stderr=log, start_new_session=True)
    hook = subprocess.Popen(["/usr/bin/python3", os.path.abspath(__file__), "webhook", state],
                            stdout=log, stderr=log, start_new_session=True)
    with open(os.path.join(state, "pids"), "w") as f:
        f.write(f"{smtp.pid} {hook.pid}\n")
    if not wait_for_port(smtp_port):
        sys.exit(f"aiosmtpd did not listen on {smtp_port}; see {state}/receivers.log")
    deadline = time.time() + 20
    while not os.path.exists(os.path.join(state, "webhook_port")) and time.time() < deadline:
        time.sleep(0.1)
    if not os.path.exists(os.path.join(state, "webhook_port")):
        sys.exit(f"webhook receiver did not start; see {state}/receivers.log")
    with open(os.path.join(state, "smtp_port"), "w") as f:
        f.write(str(smtp_port))


def stop(state):
    try:
        with open(os.path.join(state, "pids")) as f:
            pids = [int(p) for p in f.read().split()]
    except FileNotFoundError:
        return
    for pid in pids:
        try:
            os.kill(pid, signal.SIGTERM)
        except ProcessLookupError:
            pass
    os.remove(os.path.join(state, "pids"))


if __name__ == "__main__":
    if len(sys.argv) != 3 or sys.argv[1] not in ("start", "stop", "webhook"):
        sys.exit(__doc__)
    {"start": start, "stop": stop, "webhook": serve_webhooks}[sys.argv[1]](sys.argv[2])
