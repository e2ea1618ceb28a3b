#!/usr/bin/env bash
# Compares the traces of two builds written by run-driver-trace.sh: per scenario, the raw and normalised trace
# lengths and the diff of the normalised traces (normalize-trace.py; the health check's Standard level is grouped
# by context and its time-bound loops collapsed, since it works on both GPUs from threads at once for a set time).
#   tests/trace/diff-driver-traces.sh <before folder> <after folder>
set -u
before=$1; after=$2
here=$(dirname "$0")
for trace in "$after"/*.trace; do
    name=$(basename "$trace" .trace)
    options=()
    [ "$name" = health-standard ] && options=(--collapse --by-context)
    python3 "$here/normalize-trace.py" "${options[@]}" "$before/$name.trace" > "$before/$name.norm"
    python3 "$here/normalize-trace.py" "${options[@]}" "$trace" > "$after/$name.norm"
    echo "=== $name: raw $(wc -l < "$before/$name.trace") -> $(wc -l < "$trace") lines," \
        "normalised $(wc -l < "$before/$name.norm") -> $(wc -l < "$after/$name.norm")"
    diff "$before/$name.norm" "$after/$name.norm"
done
