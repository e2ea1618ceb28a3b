#!/usr/bin/env python3
"""Normalises a fake-library call trace (FAKECUDA_TRACE, tests/fakes/fake_common.h) for comparing two builds.

- Context pushes and pops are left out (every line names the context current when it ran, ctx=, which is what a
  driver acts on); their counts (cuCtxCreate_v2 pushes the context it makes) and whether they balance are given in
  the first line instead.
- With --collapse, byte offsets into memory (b4+8192) read +N, and a run of the same block of lines repeated back
  to back, and of such runs, is kept once, marked with how many lines it has (a loop whose trip count follows the
  wall clock, such as the health check's GEMM stress for -Duration seconds); the count of repeats is dropped, as it
  follows the clock and not the code.
- With --by-context, the lines are grouped by the context they ran in (ctx=), each group in its own order: work
  that threads do on several GPUs at once interleaves differently in every run, the order within a context does not.

usage: normalize-trace.py [--collapse] [--by-context] <trace> (writes to standard output)
"""
import re
import sys

MAX_BLOCK = 16


def collapse(lines):
    out = []
    i = 0
    while i < len(lines):
        best = None
        for k in range(1, MAX_BLOCK + 1):
            block = lines[i:i + k]
            if len(block) < k:
                break
            repeats = 1
            while lines[i + repeats * k:i + (repeats + 1) * k] == block:
                repeats += 1
            if repeats > 1 and (best is None or repeats * k > best[0] * best[1]):
                best = (repeats, k)
        if best:
            repeats, k = best
            out.append(f"[repeated block of {k} line(s)]")
            out.extend("  " + line for line in lines[i:i + k])
            i += repeats * k
        else:
            out.append(lines[i])
            i += 1
    return out


def by_context(lines):
    groups = {}
    for line in lines:
        found = re.search(r" ctx=(\S+)", line)
        groups.setdefault(found.group(1) if found else "?", []).append(line)
    out = []
    for name in sorted(groups):
        out.append(f"## ctx={name}")
        out.extend(groups[name])
    return out


def main(path, collapse_loops, group_by_context):
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f]
    pushes = sum(" cuCtxPushCurrent_v2 " in line or " cuCtxCreate_v2 " in line for line in lines)
    pops = sum(" cuCtxPopCurrent_v2 " in line for line in lines)
    kept = [line for line in lines if " cuCtxPushCurrent_v2 " not in line and " cuCtxPopCurrent_v2 " not in line]
    print(f"# context pushes {pushes}, pops {pops}{'' if pushes == pops else ' (UNBALANCED)'}")
    if group_by_context:
        kept = by_context(kept)
    if collapse_loops:
        kept = [re.sub(r"\+\d+", "+N", line) for line in kept]
        for _ in range(4):
            kept = collapse(kept)
    print("\n".join(kept))


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[-1], "--collapse" in args[:-1], "--by-context" in args[:-1])
