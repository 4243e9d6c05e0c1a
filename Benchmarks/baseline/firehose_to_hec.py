#!/usr/bin/env python3
"""The usual script for the same job, as a baseline: a Firehose HTTP-endpoint receiver built on
http.server that decodes each batch, wraps every EventBridge event in a HEC envelope with json,
and forwards the batch to Splunk HEC with requests before answering 200. No durability, no
normalization beyond the envelope: what teams glue together today."""
import argparse
import base64
import gzip
import json
import sys
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import requests


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--hec", required=True)
    parser.add_argument("--token", required=True)
    parser.add_argument("--access-key", required=True)
    args = parser.parse_args()
    session = requests.Session()
    url = args.hec.rstrip("/") + "/services/collector/event"

    class Handler(BaseHTTPRequestHandler):
        # Headers and body in one write: unbuffered, the answer's two segments meet Nagle and the
        # client's delayed acknowledgement (about 40 ms per request), which would slow the baseline
        # for a reason that has nothing to do with its work.
        wbufsize = -1

        def log_message(self, *_):
            pass

        def do_POST(self):
            body = self.rfile.read(int(self.headers["Content-Length"]))
            if self.headers.get("X-Amz-Firehose-Access-Key") != args.access_key:
                return self.answer(401, {"errorMessage": "bad key"})
            if self.headers.get("Content-Encoding") == "gzip":
                body = gzip.decompress(body)
            request = json.loads(body)
            envelopes = []
            for record in request["records"]:
                for line in base64.b64decode(record["data"]).splitlines():
                    event = json.loads(line)
                    detail = event.get("detail", {})
                    envelopes.append(json.dumps({
                        "time": time.time(),
                        "sourcetype": "genesys:eventbridge",
                        "event": detail.get("eventBody", event),
                        "fields": {"topic": detail.get("topicName", "")},
                    }))
            response = session.post(url, data="".join(envelopes), headers={"Authorization": "Splunk " + args.token})
            if response.status_code != 200:
                return self.answer(500, {"errorMessage": response.text})
            self.answer(200, {"requestId": request["requestId"], "timestamp": int(time.time() * 1000)})

        def answer(self, status, payload):
            data = json.dumps(payload).encode()
            self.send_response(status)
            self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    print(server.server_address[1], flush=True)
    server.serve_forever()


if __name__ == "__main__":
    sys.exit(main())
