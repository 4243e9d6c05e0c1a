#!/usr/bin/env bash
# Bytes written to the SQLite state (WAL and database file) and fdatasync calls per event, in the push
# benchmark with the default sink settings: runs `ccrelay-bench push-defaults` in its split mode with
# strace attached to the pipeline child from its start, and sums the child's writes per file.
#   Benchmarks/wal-per-event.sh [path/to/ccrelay-bench]   (default: the release build)
# Needs strace. The run's CPU figures are strace's, not ccrelay's; only the counts are meant.
set -euo pipefail
bench=${1:-Benchmarks/.build/release/ccrelay-bench}
events=${BENCH_PUSH_EVENTS:-100000}
trace=$(mktemp)
trap 'rm -f "$trace"' EXIT
BENCH_DEFAULTS_ONLY=split "$bench" push-defaults >/dev/null 2>&1 &
runner=$!
child=""
for _ in $(seq 1 600); do
    child=$(pgrep -f "$(basename "$bench") pipeline" | head -1 || true)
    [ -n "$child" ] && break
    sleep 0.05
done
[ -n "$child" ] || { echo "the pipeline child did not start" >&2; exit 1; }
strace -f -y -e trace=pwrite64,write,fsync,fdatasync -p "$child" -o "$trace" 2>/dev/null || true
wait "$runner" || true
python3 - "$trace" "$events" <<'PY'
import re, sys
from collections import Counter
trace, events = sys.argv[1], int(sys.argv[2])
written, writes, syncs = Counter(), Counter(), Counter()
def kind(path):
    for suffix, name in (("-wal", "state.sqlite-wal"), ("-shm", "state.sqlite-shm"), (".sqlite", "state.sqlite")):
        if path.endswith(suffix): return name
    if path.startswith(("socket:", "pipe:", "anon_inode:", "/dev/")): return "sockets and pipes (not disk)"
    return path.rsplit("/", 1)[-1] if "." in path.rsplit("/", 1)[-1] else "the state directory"
for line in open(trace):
    if m := re.search(r"\b(?:pwrite64|write)\(\d+<([^>]*)>.*= (\d+)$", line):
        written[kind(m[1])] += int(m[2]); writes[kind(m[1])] += 1
    elif m := re.search(r"\b(?:fsync|fdatasync)\(\d+<([^>]*)>", line):
        syncs[kind(m[1])] += 1
print(f"| file ({events} events) | bytes written | per event | writes | fdatasync calls |")
print("|---|---:|---:|---:|---:|")
for name in sorted(set(written) | set(syncs)):
    print(f"| {name} | {written[name]:,} | {written[name] / events:,.0f} | {writes[name]:,} | {syncs[name]} |")
print(f"fdatasync calls per 1,000 events: {sum(syncs.values()) * 1000 / events:.2f}")
PY
