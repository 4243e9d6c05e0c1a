#!/usr/bin/env python3
"""The usual script's normalize step, as a baseline for `ccrelay-bench normalize`: for each line of an
NDJSON file (Genesys REST AuditLogMessages or EventBridge events), json.loads, pick the common
fields, flatten the rest into dotted or snake_case attributes, derive an event id with hashlib, and
json.dumps the result. One thread, no validation beyond what json and datetime do.

Usage: normalize.py --kind rest|eventbridge --input FILE [--repeats N]
Prints: events=<n> seconds=<s>"""
import argparse
import datetime
import hashlib
import json
import re
import time

CAMEL = re.compile(r"(?<=[a-z0-9])([A-Z])")


def snake(name):
    return CAMEL.sub(r"_\1", name).replace("-", "_").lower()


def flatten(value, prefix, out, key=lambda k: k):
    if isinstance(value, dict):
        for k, v in value.items():
            flatten(v, f"{prefix}.{key(k)}" if prefix else key(k), out, key)
    else:
        out[prefix] = value


def iso_utc(text):
    moment = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    return moment.astimezone(datetime.timezone.utc).isoformat(timespec="milliseconds").replace("+00:00", "Z")


def rest(record):
    attributes = {}
    for name, value in record.items():
        if name not in ("id", "eventDate", "action", "entityType", "user", "entity", "propertyChanges"):
            flatten(value, name, attributes)
    user = record.get("user") or {}
    entity = record.get("entity") or {}
    changes = record.get("propertyChanges") or []
    return {
        "event_id": hashlib.sha256(("genesys:" + record["id"]).encode()).hexdigest()[:32],
        "timestamp": iso_utc(record["eventDate"]),
        "platform": "genesys",
        "source_kind": "audit",
        "event_type": f"{record.get('entityType', '')}_{record.get('action', '')}".upper(),
        "actor_id": user.get("id"),
        "actor_name": user.get("name"),
        "target_id": entity.get("id"),
        "target_type": record.get("entityType"),
        "old_value": json.dumps({c["property"]: c.get("oldValues") for c in changes}) if changes else None,
        "new_value": json.dumps({c["property"]: c.get("newValues") for c in changes}) if changes else None,
        "attributes": attributes,
    }


def eventbridge(event):
    detail = event.get("detail") or {}
    body = detail.get("eventBody") or {}
    attributes = {}
    flatten(body, "", attributes, key=snake)
    topic = detail.get("topicName", "")
    return {
        "event_id": hashlib.sha256(("genesys:" + event["id"] + ":" + topic).encode()).hexdigest()[:32],
        "timestamp": iso_utc(event["time"]),
        "platform": "genesys",
        "source_kind": "event",
        "event_type": snake(topic.split(".")[-1] if topic else event.get("detail-type", "")).upper(),
        "topic": topic,
        "attributes": attributes,
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--kind", choices=["rest", "eventbridge"], required=True)
    parser.add_argument("--input", required=True)
    parser.add_argument("--repeats", type=int, default=1)
    args = parser.parse_args()
    with open(args.input, "rb") as handle:
        lines = [line for line in handle.read().split(b"\n") if line]
    normalize = rest if args.kind == "rest" else eventbridge
    total = 0
    start = time.perf_counter()
    for _ in range(args.repeats):
        for line in lines:
            total += len(json.dumps(normalize(json.loads(line)), separators=(",", ":")))
    seconds = time.perf_counter() - start
    assert total > 0
    print(f"events={len(lines) * args.repeats} seconds={seconds:.3f}")


if __name__ == "__main__":
    main()
