#!/usr/bin/env python3
"""Normalises a fake-library call trace (FAKECUDA_TRACE, tests/fakes/fake_common.h) for comparing two builds.

- Context pushes and pops are left out (every line names the context current when it ran, ctx=, which is what a
  driver acts on); their counts (cuCtxCreate_v2 pushes the context it makes) and whether they balance are given in
  the first line instead.
- With --collapse, a run of the same block of lines repeated back to back (a loop whose trip count follows the wall clock, such as
  the health check's GEMM stress for -Duration seconds) is kept once, marked with how many lines it has; the count
  of repeats is dropped, as it follows the clock and not the code.

usage: normalize-trace.py [--collapse] <trace> (writes to standard output)
"""
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


def main(path, collapse_loops):
    with open(path, encoding="utf-8") as f:
        lines = [line.rstrip("\n") for line in f]
    pushes = sum(" cuCtxPushCurrent_v2 " in line or " cuCtxCreate_v2 " in line for line in lines)
    pops = sum(" cuCtxPopCurrent_v2 " in line for line in lines)
    kept = [line for line in lines if " cuCtxPushCurrent_v2 " not in line and " cuCtxPopCurrent_v2 " not in line]
    print(f"# context pushes {pushes}, pops {pops}{'' if pushes == pops else ' (UNBALANCED)'}")
    print("\n".join(collapse(kept) if collapse_loops else kept))


if __name__ == "__main__":
    args = sys.argv[1:]
    main(args[-1], "--collapse" in args[:-1])
