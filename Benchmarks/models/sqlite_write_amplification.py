#!/usr/bin/env python3
"""WAL bytes that SQLite writes for ccrelay's state-store patterns, in a model of its schema.

SQLite's WAL holds whole pages, so the bytes an operation writes depend on how many distinct
pages it touches, not on how many bytes change. This model measures it with Python's sqlite3
(the same SQLite library the store uses), WAL mode, automatic checkpoints off:

  ledger   WAL bytes per dedup-ledger insert, in transactions of 500, as the ledger grows,
           keyed by event_id alone (a hash: random pages) and by (event time, event_id).
  outbox   WAL bytes per event for insert, claim (the lease column update) and delete of
           ~900-byte payloads, in batches of 1,000, with secure_delete ON (Debian's build
           default: freed pages are zero-filled) and FAST (what the store sets).

Usage: python3 Benchmarks/models/sqlite_write_amplification.py [ledger|outbox]
"""
import os
import random
import sqlite3
import sys
import tempfile


def open_database(directory, name, schema):
    path = os.path.join(directory, name)
    db = sqlite3.connect(path, isolation_level=None)
    db.execute("PRAGMA journal_mode=WAL")
    db.execute("PRAGMA wal_autocheckpoint=0")
    db.executescript(schema)
    return db, path + "-wal"


def wal_size(path):
    return os.path.getsize(path) if os.path.exists(path) else 0


def ledger(directory):
    schemas = {
        "event_id": "CREATE TABLE ledger (event_id TEXT PRIMARY KEY, accepted_at_ms INTEGER) WITHOUT ROWID;",
        "time_then_event_id": (
            "CREATE TABLE ledger (timestamp_ms INTEGER, event_id TEXT, accepted_at_ms INTEGER,"
            " PRIMARY KEY (timestamp_ms, event_id)) WITHOUT ROWID;"
        ),
    }
    for key, schema in schemas.items():
        db, wal = open_database(directory, "ledger-" + key + ".db", schema)
        clock_ms = 1_767_225_600_000
        size = 0
        for _ in range(5):
            before = wal_size(wal)
            for _ in range(200):
                db.execute("BEGIN")
                for _ in range(500):
                    clock_ms += random.randint(0, 20)
                    event_id = "%032x" % random.getrandbits(128)
                    if key == "event_id":
                        db.execute("INSERT INTO ledger VALUES (?, ?) ON CONFLICT DO NOTHING", (event_id, clock_ms))
                    else:
                        # Records of a batch are up to a minute apart in event time.
                        event_ms = clock_ms - random.randint(0, 60_000)
                        db.execute("INSERT INTO ledger VALUES (?, ?, ?) ON CONFLICT DO NOTHING", (event_ms, event_id, clock_ms))
                db.execute("COMMIT")
            size += 100_000
            print(f"ledger keyed by {key}: {size} entries, WAL bytes per insert {(wal_size(wal) - before) / 100_000:.0f}")
            db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
        db.close()


def outbox(directory):
    for mode in ("ON", "FAST"):
        outbox_with(directory, mode)


def outbox_with(directory, secure_delete):
    schema = f"""
        PRAGMA secure_delete = {secure_delete};
        CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, sink TEXT NOT NULL, event_id TEXT NOT NULL,
            timestamp_ms INTEGER NOT NULL, platform TEXT NOT NULL, payload BLOB NOT NULL,
            enqueued_at_ms INTEGER NOT NULL, claimed_until_ms INTEGER);
        CREATE INDEX outbox_sink_id ON outbox (sink, id);
    """
    db, wal = open_database(directory, f"outbox-{secure_delete}.db", schema)
    events = 20_000
    payload = os.urandom(900)
    start = wal_size(wal)
    for _ in range(events // 500):
        db.execute("BEGIN")
        for _ in range(500):
            db.execute(
                "INSERT INTO outbox (sink, event_id, timestamp_ms, platform, payload, enqueued_at_ms) VALUES (?, ?, ?, ?, ?, ?)",
                ("splunk", "%032x" % random.getrandbits(128), 1, "genesys", payload, 1),
            )
        db.execute("COMMIT")
    inserted = wal_size(wal)
    ids = [row[0] for row in db.execute("SELECT id FROM outbox ORDER BY id")]
    for first in range(0, events, 1000):
        batch = ",".join(map(str, ids[first : first + 1000]))
        db.execute("BEGIN")
        db.execute(f"UPDATE outbox SET claimed_until_ms = 5 WHERE id IN ({batch})")
        db.execute("COMMIT")
    claimed = wal_size(wal)
    for first in range(0, events, 1000):
        db.execute("BEGIN")
        for row_id in ids[first : first + 1000]:
            db.execute("DELETE FROM outbox WHERE id = ? AND sink = ?", (row_id, "splunk"))
        db.execute("COMMIT")
    deleted = wal_size(wal)
    print(
        f"outbox (secure_delete {secure_delete}) WAL bytes per event: insert {(inserted - start) / events:.0f}, "
        f"claim {(claimed - inserted) / events:.0f}, delete {(deleted - claimed) / events:.0f}"
    )
    db.close()


if __name__ == "__main__":
    which = sys.argv[1:] or ["ledger", "outbox"]
    with tempfile.TemporaryDirectory(prefix="ccrelay-wal-model-") as directory:
        for name in which:
            {"ledger": ledger, "outbox": outbox}[name](directory)
