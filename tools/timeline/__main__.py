"""``make timelines``: re-trace the snippets the pages draw timelines of.

python -m tools.timeline                                # every trace; remove unused ones
python -m tools.timeline --snippet tasks/create_task_order.py   # its forms the pages draw
python -m tools.timeline --snippet tasks/create_task_order.py:cell   # only that one
python -m tools.timeline --page docs/en/tasks.md        # the timelines that page draws
python -m tools.timeline --check                        # change nothing; exit 1 if stale

Each snippet is traced on every Python found, a few at a time; when the runs
do not settle what its trace is, it is traced again, alone (see
tools/timeline/settle.py). Every trace that is made is written; the ones that
could not be made are named at the end, each with its cause (exit status 1).
"""

from __future__ import annotations

import argparse
import sys
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from tools.timeline import settle
from tools.timeline import trace as traces
from tools.timeline.trace import REFRESH, ROOT, Fence, Target, TraceFailed

WORKERS = 2  # traced runs at once (each is mostly an interpreter starting up)


class Unknown(ValueError):
    """A snippet or page that draws no timeline: one line saying what does."""


def _relative(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def by_snippet(text: str, found: list[Fence]) -> list[Target]:
    """The targets ``text`` names: ``topic/name.py`` (every form of it the
    pages draw) or ``topic/name.py:cell`` (that one)."""
    drawn = sorted({f.target for f in found})
    snippet = text.strip().removeprefix("snippets/")
    try:
        target = Target.parse(snippet)
    except ValueError:
        raise Unknown(
            f"{text!r} is not a snippet: give `topic/name.py` or `topic/name.py:cell`, one of "
            + _names(drawn)
        ) from None
    chosen = [t for t in drawn if t == target or (":" not in snippet and t.snippet == snippet)]
    if chosen:
        return chosen
    if not (ROOT / "snippets" / target.snippet).is_file():
        raise Unknown(
            f"snippets/{target.snippet} does not exist; timelines are drawn of {_names(drawn)}"
        )
    forms = [str(t) for t in drawn if t.snippet == target.snippet]
    if forms:
        raise Unknown(f"no page draws snippets/{target}, only {', '.join(forms)}")
    raise Unknown(
        f"no page draws a timeline of snippets/{target.snippet}; timelines are drawn of "
        + _names(drawn)
    )


def _names(drawn: list[Target]) -> str:
    return ", ".join(sorted({t.snippet for t in drawn}))


def by_page(text: str, found: list[Fence]) -> list[Target]:
    """The targets the page ``text`` draws (its translations draw the same)."""
    path = Path(text)
    path = (path if path.is_absolute() else ROOT / path).resolve()
    drawing = sorted({f.page for f in found})
    chosen = sorted({f.target for f in found if (ROOT / f.page).resolve() == path})
    if chosen:
        return chosen
    where = ", ".join(str(p) for p in drawing)
    if path.is_file() and path.suffix == ".md":
        raise Unknown(f"{_relative(path)} draws no timeline; the pages that do: {where}")
    raise Unknown(f"{text} is not a page; the pages that draw timelines: {where}")


def _first(target: Target):
    """The first run on each Python (side by side with other targets'), or
    why it failed: a failed run, or the tracer's own error."""
    try:
        return settle.first_runs(target)
    except Exception as error:  # noqa: BLE001 - reported with the target, at the end
        return error


def _verdict(target: Target, first) -> settle.Verdict:
    if isinstance(first, Exception) and not isinstance(first, TraceFailed):
        return settle.Verdict(target, "failed", message=_tool_error(first))
    try:
        return settle.settle(target, traces.load(target), first=first)
    except Exception as error:  # noqa: BLE001 - reported with the target, at the end
        return settle.Verdict(target, "failed", message=_tool_error(error))


def _tool_error(error: BaseException) -> str:
    import traceback

    frame = traceback.extract_tb(error.__traceback__)[-1] if error.__traceback__ else None
    at = f" (at {_relative(Path(frame.filename))}:{frame.lineno})" if frame else ""
    return f"the tracer itself failed: {type(error).__name__}: {error}{at}"


def report(failed: list[settle.Verdict], found: list[Fence], total: int, check: bool) -> str:
    """One block per trace that could not be made, each with its cause."""
    drawn: dict[Target, list[str]] = {}
    for fence in found:
        drawn.setdefault(fence.target, []).append(f"{fence.page}:{fence.line}")
    others = "nothing was written" if check else "every other trace is written"
    head = (
        f"{len(failed)} of {total} timelines could not be traced ({others}); "
        "their committed traces are left as they are:"
    )
    blocks = [head]
    for verdict in failed:
        path = _relative(verdict.target.path())
        where = ", ".join(sorted(drawn.get(verdict.target, []))) or "no page"
        message = verdict.message
        if verdict.busy:
            message += f"\nThen: `{REFRESH} SNIPPET={verdict.target}`."
        body = "\n".join("  " + line for line in message.splitlines())
        blocks.append(f"snippets/{verdict.target} ({path}, drawn at {where}):\n{body}")
    return "\n\n".join(blocks)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m tools.timeline",
        description=__doc__.split("\n\n")[0],
        formatter_class=argparse.RawDescriptionHelpFormatter,
        epilog=__doc__.split("\n\n", 1)[1],
    )
    parser.add_argument("targets", nargs="*", help="snippets, as --snippet")
    parser.add_argument(
        "--snippet",
        action="append",
        default=[],
        help="topic/name.py: every form of it the pages draw; topic/name.py:cell: that one",
    )
    parser.add_argument(
        "--page", action="append", default=[], help="docs/en/tasks.md: the timelines it draws"
    )
    parser.add_argument("--check", action="store_true", help="change nothing; exit 1 if stale")
    args = parser.parse_args(argv)
    found, problems = traces.fences()
    for problem in problems:
        print(problem, file=sys.stderr)
    wanted = sorted({f.target for f in found})
    selected = bool(args.targets or args.snippet or args.page)
    chosen: set[Target] = set()
    try:
        for text in [*args.targets, *args.snippet]:
            chosen.update(by_snippet(text, found))
        for text in args.page:
            chosen.update(by_page(text, found))
    except Unknown as error:
        print(error, file=sys.stderr)
        return 2
    targets = sorted(chosen) if selected else wanted
    try:
        traces.pythons()  # found, and their virtualenvs made, before traces run side by side
    except TraceFailed as error:
        print(error, file=sys.stderr)
        return 1
    except Exception as error:  # noqa: BLE001 - one line, not the tool's traceback
        print(f"the Pythons to trace on are not ready: {_tool_error(error)}", file=sys.stderr)
        return 1
    with ThreadPoolExecutor(WORKERS) as pool:
        firsts = dict(zip(targets, pool.map(_first, targets), strict=True))
    # Settled one at a time: a target traced again runs alone.
    verdicts = [_verdict(target, firsts[target]) for target in targets]
    changed, failed = [], []
    for verdict in verdicts:
        if verdict.state == "failed":
            failed.append(verdict)
            continue
        if verdict.state == "current":
            continue
        path = verdict.target.path()
        changed.append(verdict.target)
        if not args.check:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(traces.dumps(verdict.trace), encoding="utf-8")
        why, *diff = verdict.message.splitlines()
        print(f"{'stale' if args.check else 'wrote'}: {_relative(path)} ({why.rstrip(':')})")
        if args.check:
            print("\n".join("  " + line for line in diff))
    unused = []
    if not selected:
        used = {t.path() for t in wanted}
        unused = [p for p in sorted(traces.TRACES.rglob("*.json")) if p not in used]
        for path in unused:
            print(f"{'unused' if args.check else 'removed'}: {_relative(path)}")
            if not args.check:
                path.unlink()
    current = len(targets) - len(changed) - len(failed)
    done = "stale" if args.check else "written"
    print(
        f"{len(targets)} timelines traced: {current} current, {len(changed)} {done}, {len(failed)} failed"
    )
    if failed:
        print("\n" + report(failed, found, len(targets), args.check), file=sys.stderr)
    if args.check and (changed or unused):
        print(f"run `{REFRESH}` and commit docs/traces/", file=sys.stderr)
        return 1
    return 1 if problems or failed else 0


if __name__ == "__main__":
    sys.exit(main())
