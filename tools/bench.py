"""Benchmarks (not tests): ``make bench``.

1. Every example on the English pages (scripts, transcripts and Jupyter forms),
   run on the tools' Python twice: on the examples' clock (as the tests run
   it) and in real time. Prints, per example, the wall time of each run, how
   long it waited on its clock, and whether the two runs printed the same
   lines in the same order at the same times (within the real-time check's
   tolerance).
2. ``mkdocs build --strict`` of the whole site, every language; then
   ``tools/bench_notebook.py``: the site with and without the notebook page.
3. The whole ``make test`` after set-up (warm), the figure the loop's budget is
   about (60 s), with how many tests passed and were skipped, and the date and
   CPU count it was measured with.

Writes everything to ``docs/data/bench.json`` (the "How this site is tested"
page shows it) and prints the tables.

    python -m tools.bench [--no-make-test]
"""

from __future__ import annotations

import datetime
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools.examples import pythons
from tools.examples.check import TOLERANCE, check, check_real_time
from tools.examples.pages import collect
from tools.examples.run import run
from tools.site import ROOT, build

DATA = ROOT / "docs" / "data" / "bench.json"


def timed(function, *args, **kwargs):
    start = time.perf_counter()
    result = function(*args, **kwargs)
    return time.perf_counter() - start, result


def same(example, virtual, real, minor) -> str:
    """Do the two runs agree (and agree with the page)?"""
    shown = example.runs[0]
    wrong = check(example, shown, virtual, minor) + check_real_time(example, shown, real, minor)
    if wrong:
        return "NO"
    if [t for _, _, t in virtual.lines] != [t for _, _, t in real.lines]:
        return "same as the page (it shows ... where runs differ)"
    drift = max(
        (abs(v[0] - r[0]) for v, r in zip(virtual.lines, real.lines, strict=False)), default=0
    )
    return "yes" if drift <= TOLERANCE else f"a line {drift:.2f} s apart"


def bench_examples() -> dict:
    examples, _ = collect()
    examples = [e for e in examples if e.page.parts[:2] == ("docs", "en") and not e.skip_reason]
    distinct = {}
    for example in examples:
        distinct.setdefault((example.form, example.code), example)
    examples = list(distinct.values())
    python = pythons.default()
    virtual = [timed(run, e, e.runs[0], python, "virtual") for e in examples]
    with ThreadPoolExecutor(max_workers=16) as pool:  # real waits overlap
        real = list(pool.map(lambda e: timed(run, e, e.runs[0], python, "real"), examples))
    print("| example | form | example's clock | real time | waited | same output, order, times |")
    print("|---|---|---:|---:|---:|---|")
    rows = []
    for example, (v_wall, v), (r_wall, r) in zip(examples, virtual, real, strict=True):
        note = same(example, v, r, python.minor)
        rows.append(note)
        print(
            f"| {example.where} | {example.form} | {v_wall:.2f} s | {r_wall:.2f} s | "
            f"{(v.waited or 0):.2f} s | {note} |"
        )
    total_v = sum(w for w, _ in virtual)
    total_r = sum(w for w, _ in real)
    waited = sum((v.waited or 0) for _, v in virtual)
    agree = sum(1 for note in rows if note != "NO" and "apart" not in note)
    print(
        f"| **all {len(examples)}** | | **{total_v:.1f} s** | **{total_r:.1f} s** | "
        f"**{waited:.1f} s** | {agree} of {len(examples)} |"
    )
    return {
        "count": len(examples),
        "virtual_s": round(total_v, 1),
        "real_s": round(total_r, 1),
        "waited_s": round(waited, 1),
        "agree": agree,
        "python": python.name,
    }


def bench_build() -> dict:
    with tempfile.TemporaryDirectory() as tmp:
        seconds, _ = timed(build, Path(tmp) / "site")
    print(f"\nmkdocs build --strict, whole site (every language): {seconds:.2f} s")
    subprocess.run([sys.executable, "-m", "tools.bench_notebook"], cwd=ROOT, check=True)
    return {"build_s": round(seconds, 2)}


def bench_make_test() -> dict:
    make = shutil.which("make")
    subprocess.run([make, "pythons"], cwd=ROOT, capture_output=True, check=True)
    seconds, done = timed(
        subprocess.run, [make, "test"], cwd=ROOT, capture_output=True, text=True, check=False
    )
    summary = next(
        (line for line in reversed(done.stdout.splitlines()) if " passed" in line),
        "(no pytest summary)",
    )
    counts = {k: int(v) for v, k in re.findall(r"(\d+) (passed|failed|skipped|errors?)", summary)}
    print(f"\nmake test (after set-up): {seconds:.1f} s, {summary.strip('= ')}")
    return {
        "make_test_s": round(seconds, 1),
        "tests": counts,
        # Kept with the figure: `--no-make-test` carries it over to later files.
        "make_test_machine": {
            "cpus": os.cpu_count(),
            "date": datetime.date.today().isoformat(),
        },
    }


def machine() -> dict:
    return {
        "cpus": os.cpu_count(),
        "python": platform.python_version(),
        "os": f"{platform.system()} {platform.release()}",
        "date": datetime.date.today().isoformat(),
        "load": round(os.getloadavg()[0], 1),
    }


def main() -> None:
    data = {"machine": machine()}
    print("## Examples: the examples' clock and real time\n")
    data["examples"] = bench_examples()
    data.update(bench_build())
    if "--no-make-test" not in sys.argv:
        data.update(bench_make_test())
    elif DATA.exists():  # keep the last full measurement's figure
        old = json.loads(DATA.read_text(encoding="utf-8"))
        kept = ("make_test_s", "tests", "make_test_machine")
        data.update({k: old[k] for k in kept if k in old})
        if "make_test_s" in old and "make_test_machine" not in old:
            # A file from before make_test_machine: its make test ran with it.
            data["make_test_machine"] = {k: old["machine"][k] for k in ("cpus", "date")}
    DATA.parent.mkdir(parents=True, exist_ok=True)
    DATA.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    print(f"\nwritten to {DATA.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
