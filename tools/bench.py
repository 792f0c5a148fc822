"""Benchmarks (not tests): ``make bench``.

1. Every example on the English pages, run twice: on the virtual clock (as the
   tests run it) and in real time. Prints, per example, the wall time of each
   run, how long it waited on its clock, and whether the two runs printed
   the same lines in the same order at the same (rounded) times.
2. ``mkdocs build --strict`` of the whole site, every language; then
   ``tools/bench_notebook.py``: the site with and without the notebook page.
3. The whole ``make test`` after set-up.

Targets: the virtual run at least 10x faster than real time with identical
output; ``make test`` within 60 s.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools.examples.check import check
from tools.examples.pages import collect
from tools.examples.run import run
from tools.site import ROOT, build


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def compare(example, virtual, real) -> str:
    """Same text in the same order, and each line at the same time within 50 ms?"""
    if virtual.output != real.output:
        shown = example.runs[0]
        if not check(example, shown, virtual) and not check(example, shown, real):
            return "both match the page (differ only where it shows ...)"
        if sorted(virtual.output.splitlines()) == sorted(real.output.splitlines()):
            return "same lines, other order"
        return "NO"
    drift = max(
        (abs(v[0] - r[0]) for v, r in zip(virtual.lines, real.lines, strict=False)), default=0
    )
    return "yes" if drift < 0.05 else f"text yes, a line {drift:.2f} s late"


def bench_examples() -> tuple[float, float]:
    examples, _ = collect()
    examples = [e for e in examples if e.page.parts[:2] == ("docs", "en") and not e.skip_reason]
    virtual = [timed(run, e, clock="virtual") for e in examples]
    with ThreadPoolExecutor(
        max_workers=8
    ) as pool:  # real sleeps overlap; the machine is idle meanwhile
        real = list(pool.map(lambda e: timed(run, e, clock="real"), examples))
    print(
        "| example | form | virtual clock | real time | time waited | identical output and order |"
    )
    print("|---|---|---:|---:|---:|---|")
    for example, (v_wall, v), (r_wall, r) in zip(examples, virtual, real, strict=True):
        form = "Jupyter" if example.jupyter else example.language
        note = compare(example, v, r)
        if "threads" in str(example.snippet_files):
            note += " (threads: order varies by design)"
        print(
            f"| {example.where} | {form} | {v_wall:.2f} s | {r_wall:.2f} s | {(v.waited or 0):.2f} s | {note} |"
        )
    total_v = sum(w for w, _ in virtual)
    total_r = sum(w for w, _ in real)
    sleeps = sum((v.waited or 0) for _, v in virtual)
    print(
        f"| **all {len(examples)}** | | **{total_v:.2f} s** | **{total_r:.2f} s** | **{sleeps:.2f} s** | "
        f"virtual clock {total_r / total_v:.1f}x faster |"
    )
    return total_v, total_r


def bench_build() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        seconds, _ = timed(build, Path(tmp) / "site")
    print(f"\nmkdocs build --strict, whole site (every language): {seconds:.2f} s")
    subprocess.run([sys.executable, "-m", "tools.bench_notebook"], cwd=ROOT, check=True)


def bench_make_test() -> None:
    make = shutil.which("make")
    seconds, done = timed(
        subprocess.run, [make, "test"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    summary = next(
        (line for line in reversed(done.stdout.splitlines()) if " passed" in line),
        "(no pytest summary)",
    )
    print(f"\nmake test (after set-up): {seconds:.1f} s, {summary}")


def main() -> None:
    print("## Examples: virtual clock vs real time\n")
    bench_examples()
    bench_build()
    if "--no-make-test" not in sys.argv:
        bench_make_test()


if __name__ == "__main__":
    main()
