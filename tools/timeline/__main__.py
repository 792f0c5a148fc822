"""``make timelines``: re-trace every snippet a page shows a timeline of.

python -m tools.timeline            # rewrite the traces that changed; remove unused ones
python -m tools.timeline --check    # list the stale, missing and unused ones; exit 1 if any
python -m tools.timeline tasks/create_task_order.py:cell   # only these
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor

from tools.timeline.trace import REFRESH, TRACES, Target, dumps, fences, trace

WORKERS = 2  # traced runs at once (each is mostly an interpreter starting up)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m tools.timeline", description=__doc__)
    parser.add_argument("targets", nargs="*", help="e.g. tasks/create_task_order.py:cell")
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    found, problems = fences()
    for problem in problems:
        print(problem, file=sys.stderr)
    wanted = sorted({f.target for f in found})
    chosen = [Target.parse(t) for t in args.targets] or wanted
    with ThreadPoolExecutor(WORKERS) as pool:
        made = dict(zip(chosen, pool.map(trace, chosen), strict=True))
    changed = []
    for target, fresh in made.items():
        path = target.path()
        text = dumps(fresh)
        if path.exists() and path.read_text(encoding="utf-8") == text:
            continue
        changed.append(target)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        print(f"{'stale' if args.check else 'wrote'}: {path.relative_to(TRACES.parents[1])}")
    unused = []
    if not args.targets:
        used = {t.path() for t in wanted}
        unused = [p for p in sorted(TRACES.rglob("*.json")) if p not in used]
        for path in unused:
            print(f"{'unused' if args.check else 'removed'}: {path.relative_to(TRACES.parents[1])}")
            if not args.check:
                path.unlink()
    if args.check and (changed or unused):
        print(f"run `{REFRESH}` and commit docs/traces/", file=sys.stderr)
        return 1
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
