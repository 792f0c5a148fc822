"""The contributor's loop, measured (not a test): ``make bench-loop``.

What a contributor waits for, on this machine as it is now (run it idle):

1. ``.ci/run`` on a fresh clone of the last commit (everything from scratch,
   as CI runs it; the clone gets its own virtualenv);
2. a warm ``make test`` with nothing changed since the last one (which this
   command runs first, to warm the outcomes and visits kept in ``.cache/``);
3. a warm ``make test`` after a one-paragraph edit of ``docs/en/coroutines.md``
   and of its Russian twin (the translation stamp renewed), both restored
   afterwards;
4. ``make test PAGE=docs/en/coroutines.md`` and ``PAGE=docs/en/tasks.md``,
   warm, each after the same edit of that page and its twin (with nothing
   changed, every test of the page would be kept: tests/kept.py);
5. ``.ci/run`` on fresh clones again, three in a row, beside a CPU load: eight
   busy processes at normal priority on every core, for as long as the runs
   take (pass or fail, the time and the load average of each).

Prints each figure and writes them to ``docs/data/bench_loop.json``.

    python -m tools.bench_loop [--skip-fresh-clone] [--skip-load] [--load-runs N]
"""

from __future__ import annotations

import argparse
import contextlib
import datetime
import json
import os
import re
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.site import ROOT

DATA = ROOT / "docs" / "data" / "bench_loop.json"
EDIT = "\n\nThis sentence was added by `make bench-loop` and is taken out again.\n"
LOAD = 8  # busy processes beside the run


def make(*args: str, cwd: Path = ROOT, env: dict | None = None) -> dict:
    """Run ``make ARGS`` (or a command); its time, outcome and pytest summary."""
    command = list(args) if args[0].startswith((".", "/", "bash")) else ["make", *args]
    started = time.perf_counter()
    done = subprocess.run(
        command,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        capture_output=True,
        text=True,
        check=False,
    )
    seconds = time.perf_counter() - started
    summary = next(
        (line.strip("= ") for line in reversed(done.stdout.splitlines()) if SUMMARY.search(line)),
        "(no pytest summary)",
    )
    result = {"s": round(seconds, 1), "ok": done.returncode == 0, "summary": summary}
    failures = [
        line.strip() for line in done.stdout.splitlines() if line.startswith(("FAILED ", "ERROR "))
    ]
    if failures:  # pytest's short summary: which tests, with their first line
        result["failures"] = failures
    print(
        f"{' '.join(command)}: {seconds:.1f} s, {'passed' if result['ok'] else 'FAILED'}, {summary}"
    )
    if not result["ok"]:
        print(done.stdout[-3000:] + done.stderr[-2000:], file=sys.stderr)
    return result


SUMMARY = re.compile(r"\b\d+ (?:passed|failed|skipped|errors?|deselected)\b")


def fresh_clone() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-clone-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        return make("bash", ".ci/run", cwd=clone, env={"CI": "true"})


@contextlib.contextmanager
def page_edited(name: str):
    """``docs/<lang>/NAME.md`` edited in every language (a paragraph added
    before the first section, the translation stamps renewed), then restored."""
    edited = sorted(ROOT.glob(f"docs/*/{name}.md"))
    originals = [path.read_text(encoding="utf-8") for path in edited]
    try:
        # Each edit its own words: a test kept from an earlier run of the same
        # edit would make the figure the time of nothing changed.
        edit = EDIT.replace("added", f"added ({time.time_ns()})")
        for path, text in zip(edited, originals, strict=True):
            head, _, rest = text.partition("\n## ")
            path.write_text(head.rstrip("\n") + edit + "\n## " + rest, encoding="utf-8")
        for path in edited:
            if path.parts[-2] != "en":
                subprocess.run(
                    [sys.executable, "-m", "hooks.translations", "--stamp", str(path)],
                    cwd=ROOT,
                    check=True,
                    capture_output=True,
                )
        yield
    finally:
        for path, text in zip(edited, originals, strict=True):
            path.write_text(text, encoding="utf-8")


def beside_a_load(runs: int) -> dict:
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(LOAD)]
    try:
        time.sleep(5)
        results = []
        for _ in range(runs):
            load_before = os.getloadavg()[0]
            result = fresh_clone()
            result["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
            results.append(result)
        return {"ok": all(r["ok"] for r in results), "runs": results}
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_loop", description=__doc__)
    parser.add_argument("--skip-fresh-clone", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
    parser.add_argument("--load-runs", type=int, default=3, help="fresh clones beside the load")
    args = parser.parse_args(argv)
    data = {
        "date": datetime.date.today().isoformat(),
        "cpus": os.cpu_count(),
        "load_average_at_start": round(os.getloadavg()[0], 1),
    }
    if not args.skip_fresh_clone:
        data["fresh_clone_ci"] = fresh_clone()
    make("test")  # warms .cache/ for what follows (not a figure)
    data["warm_nothing_changed"] = make("test")
    with page_edited("coroutines"):
        data["warm_one_page_edited"] = make("test")
    for page in ("coroutines", "tasks"):
        make("test")  # back to the committed pages' state: everything kept
        with page_edited(page):
            data[f"page_{page}"] = make("test", f"PAGE=docs/en/{page}.md")
    if not args.skip_load:
        data["beside_a_load"] = beside_a_load(args.load_runs)
    DATA.parent.mkdir(parents=True, exist_ok=True)
    DATA.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"written to {DATA.relative_to(ROOT)}")
    return 0 if all(v.get("ok", True) for v in data.values() if isinstance(v, dict)) else 1


if __name__ == "__main__":
    sys.exit(main())
