"""The contributor's loop, measured (not a test): ``make bench-loop``.

What a contributor waits for, on this machine as it is now (run it idle):

1. ``.ci/run`` on a fresh clone of the last commit (everything from scratch,
   as CI runs it; the clone gets its own virtualenv);
2. a warm ``make test`` with nothing changed since the last one (which this
   command runs first, to warm the outcomes and visits kept in ``.cache/``);
3. a warm ``make test`` after a one-paragraph edit of ``docs/en/coroutines.md``
   and of its Russian twin (the translation stamp renewed), both restored
   afterwards;
4. ``make test PAGE=docs/en/coroutines.md`` and ``PAGE=docs/en/tasks.md``, warm;
5. the warm ``make test`` again beside a CPU load: eight busy processes at
   normal priority on every core, for as long as the run takes (pass or fail,
   and the time).

Prints each figure and writes them to ``docs/data/bench_loop.json``.

    python -m tools.bench_loop [--skip-fresh-clone] [--skip-load]
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from tools.site import ROOT

DATA = ROOT / "docs" / "data" / "bench_loop.json"
EDITED = (ROOT / "docs/en/coroutines.md", ROOT / "docs/ru/coroutines.md")
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
        (line.strip("= ") for line in reversed(done.stdout.splitlines()) if " passed" in line),
        "(no pytest summary)",
    )
    result = {"s": round(seconds, 1), "ok": done.returncode == 0, "summary": summary}
    print(
        f"{' '.join(command)}: {seconds:.1f} s, {'passed' if result['ok'] else 'FAILED'}, {summary}"
    )
    if not result["ok"]:
        print(done.stdout[-3000:] + done.stderr[-2000:], file=sys.stderr)
    return result


def fresh_clone() -> dict:
    with tempfile.TemporaryDirectory(prefix="bench-clone-") as tmp:
        clone = Path(tmp) / "clone"
        subprocess.run(["git", "clone", "-q", str(ROOT), str(clone)], check=True)
        return make("bash", ".ci/run", cwd=clone, env={"CI": "true"})


def one_page_edited() -> dict:
    originals = [path.read_text(encoding="utf-8") for path in EDITED]
    try:
        for path, text in zip(EDITED, originals, strict=True):
            head, _, rest = text.partition("\n## ")
            path.write_text(head.rstrip("\n") + EDIT + "\n## " + rest, encoding="utf-8")
        subprocess.run(
            [sys.executable, "-m", "hooks.translations", "--stamp", str(EDITED[1])],
            cwd=ROOT,
            check=True,
            capture_output=True,
        )
        return make("test")
    finally:
        for path, text in zip(EDITED, originals, strict=True):
            path.write_text(text, encoding="utf-8")


def beside_a_load() -> dict:
    burners = [subprocess.Popen([sys.executable, "-c", "while True: pass"]) for _ in range(LOAD)]
    try:
        time.sleep(5)
        load_before = os.getloadavg()[0]
        result = make("test")
        result["load_average"] = [round(load_before, 1), round(os.getloadavg()[0], 1)]
        return result
    finally:
        for burner in burners:
            burner.kill()
            burner.wait()


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.bench_loop", description=__doc__)
    parser.add_argument("--skip-fresh-clone", action="store_true")
    parser.add_argument("--skip-load", action="store_true")
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
    data["warm_one_page_edited"] = one_page_edited()
    make("test")  # back to the committed pages' state
    for page in ("coroutines", "tasks"):
        data[f"page_{page}"] = make("test", f"PAGE=docs/en/{page}.md")
    if not args.skip_load:
        data["beside_a_load"] = beside_a_load()
    DATA.parent.mkdir(parents=True, exist_ok=True)
    DATA.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
    print(f"written to {DATA.relative_to(ROOT)}")
    return 0 if all(v.get("ok", True) for v in data.values() if isinstance(v, dict)) else 1


if __name__ == "__main__":
    sys.exit(main())
