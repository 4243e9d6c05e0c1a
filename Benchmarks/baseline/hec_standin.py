#!/usr/bin/env python3
"""An independent Splunk HEC stand-in for benchmarks (not ccrelay's emulator): it parses every event
of `/services/collector/event` (gzip or not), counts distinct `event_id`s, and with a
`X-Splunk-Request-Channel` header answers an `ackId` per channel that turns true `--ack-delay`
seconds later, as an indexer acknowledges once the data is replicated. `--never-ack-percent P`
leaves P % of ack ids false for ever (their batches are resent after ccrelay's ack timeout).

Control and statistics (for the benchmark, not part of HEC):
  GET  /stats    -> {"events": received, "unique": distinct event_id, "requests": n, "ack_queries": n}
  POST /hold     -> event requests wait (unanswered) until /release
  POST /release
Prints its port on the first line of standard output."""
import argparse
import gzip
import json
import random
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--ack-delay", type=float, default=2.0)
    parser.add_argument("--never-ack-percent", type=float, default=0.0)
    args = parser.parse_args()
    lock = threading.Lock()
    released = threading.Event()
    released.set()
    seen = set()
    counts = {"events": 0, "requests": 0, "ack_queries": 0}
    channels = {}  # channel -> {"next": int, "ready": {ack_id: time or None}}
    decoder = json.JSONDecoder()
    chance = random.Random(20)

    def event_ids(text):
        ids = []
        index, end = 0, len(text)
        while True:
            while index < end and text[index] in " \t\r\n":
                index += 1
            if index >= end:
                return ids
            start = index
            envelope, index = decoder.raw_decode(text, index)
            fields = envelope.get("fields") or {}
            event = envelope.get("event")
            found = fields.get("event_id") or (event.get("event_id") if isinstance(event, dict) else None)
            # Without an event_id (the Python way sends none), each envelope counts as its own event.
            ids.append(found or text[start:index])

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *_):
            pass

        def body(self):
            data = self.rfile.read(int(self.headers.get("Content-Length") or 0))
            if self.headers.get("Content-Encoding") == "gzip":
                data = gzip.decompress(data)
            return data

        def do_GET(self):
            if self.path == "/stats":
                with lock:
                    return self.answer(200, dict(counts, unique=len(seen)))
            self.answer(404, {"text": "Not found", "code": 404})

        def do_POST(self):
            path = self.path.split("?", 1)[0]
            if path == "/hold":
                released.clear()
                return self.answer(200, {})
            if path == "/release":
                released.set()
                return self.answer(200, {})
            if not (self.headers.get("Authorization") or "").startswith("Splunk "):
                return self.answer(401, {"text": "Token is required", "code": 2})
            data = self.body()
            channel = self.headers.get("X-Splunk-Request-Channel")
            if path == "/services/collector/event":
                released.wait()
                try:
                    ids = event_ids(data.decode("utf-8"))
                except (ValueError, UnicodeDecodeError):
                    return self.answer(400, {"text": "Invalid data format", "code": 6})
                if not ids:
                    return self.answer(400, {"text": "No data", "code": 5})
                with lock:
                    counts["requests"] += 1
                    counts["events"] += len(ids)
                    seen.update(ids)
                    if channel is None:
                        return self.answer(200, {"text": "Success", "code": 0})
                    state = channels.setdefault(channel, {"next": 0, "ready": {}})
                    ack_id = state["next"]
                    state["next"] += 1
                    never = chance.random() * 100 < args.never_ack_percent
                    state["ready"][ack_id] = None if never else time.monotonic() + args.ack_delay
                return self.answer(200, {"text": "Success", "code": 0, "ackId": ack_id})
            if path == "/services/collector/ack":
                if channel is None:
                    return self.answer(400, {"text": "Data channel is missing", "code": 10})
                try:
                    asked = json.loads(data)["acks"]
                except (ValueError, KeyError, TypeError):
                    return self.answer(400, {"text": "Invalid data format", "code": 6})
                now = time.monotonic()
                with lock:
                    counts["ack_queries"] += 1
                    ready = channels.get(channel, {"ready": {}})["ready"]
                    acks = {}
                    for ack_id in asked:
                        at = ready.get(ack_id)
                        done = at is not None and at <= now
                        if done:
                            del ready[ack_id]
                        acks[str(ack_id)] = done
                return self.answer(200, {"acks": acks})
            self.answer(404, {"text": "Not found", "code": 404})

        # Headers and body in one write. Unbuffered, http.server sends them as two segments; Nagle
        # holds the second until the client acknowledges the first, which a client delays by up to
        # 40 ms: every answer took about 50 ms, which no HEC does, and bounded any client by its
        # requests in flight. BaseHTTPRequestHandler flushes after each request.
        wbufsize = -1

        def answer(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    ThreadingHTTPServer.daemon_threads = True
    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
