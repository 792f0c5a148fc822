"""``make checked``: run every example of every page on every Python found,
from scratch (``FRESH=1``: no outcome kept from an earlier run), and record in
``docs/data/checked.json`` each page whose examples all passed: today's date,
the Pythons, and a digest of the examples as the page shows them
(hooks/trust.py's ``examples_digest``). Each page then says "Examples checked
on 7 December 2026 with Python 3.11, 3.12 and 3.13" (hooks/trust.py), and
tests/test_trust.py fails while a page's examples differ from those recorded.

A page with a failing example is not recorded: its old entry stays, the
command names it and exits 1.

    python -m tools.checked          # every page
    python -m tools.checked --dry    # run and report, write nothing
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import re
import sys
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from hooks.measured import spoken_date
from hooks.trust import DATA, examples_digest, load_checked, page_key

# A test id names its page first: test_x[docs/en/await.md:17[script]-3.11]
PAGE_OF_TEST = re.compile(r"\[(docs/(?P<lang>[^/]+)/(?P<page>[^\[\]:]+\.md)):\d+")


class Outcomes:
    """The outcome of every example test of the run, by page (a pytest plugin)."""

    def __init__(self):
        self.by_page: dict[str, list[str]] = defaultdict(list)

    def pytest_runtest_logreport(self, report):
        found = PAGE_OF_TEST.search(report.nodeid)
        if found and (report.when == "call" or report.outcome == "failed"):
            self.by_page[found.group(1)].append(report.outcome)


def checkable(examples) -> bool:
    """Whether the example tests run any of these (the allow-list skips some)."""
    return any(example.skip_reason is None for example in examples)


def entries(outcomes: dict[str, list[str]], examples, versions: list[str], today: str):
    """The pages whose every example test passed (some may be skipped
    by the allow-list), as entries of docs/data/checked.json; and those that did not."""
    by_page = defaultdict(list)
    for example in examples:
        by_page[example.page.as_posix()].append(example)
    passed, failed = {}, []
    for page, shown in sorted(by_page.items()):
        if not checkable(shown):
            continue  # every example skipped by the allow-list: nothing run here to record
        results = outcomes.get(page, [])
        if not results or "failed" in results or "passed" not in results:
            failed.append(page)
            continue
        lang, name = page.split("/", 2)[1:]
        passed[page_key(lang, name)] = {
            "examples": examples_digest(shown),
            "checked": today,
            "pythons": versions,
        }
    return passed, failed


def examples_by_page(root: Path = ROOT) -> dict[str, list]:
    """The examples of every page the example tests run some of, by page
    (``docs/en/tasks.md``), as the harness reads them in ``root``."""
    from tools.examples.pages import collect

    found = defaultdict(list)
    for example in collect(root=root)[0]:
        found[example.page.as_posix()].append(example)
    return {page: shown for page, shown in found.items() if checkable(shown)}


def record_problems(record: dict, by_page: dict[str, list]) -> list[str]:
    """What makes docs/data/checked.json say something untrue of the pages now."""
    problems = []
    today = datetime.date.today().isoformat()
    fix = "run `make checked` (it runs every example on every Python and records the pages)"
    for page, shown in sorted(by_page.items()):
        lang, name = page.split("/", 2)[1:]
        entry = record.get(page_key(lang, name))
        if entry is None:
            problems.append(f"{page}: not in docs/data/checked.json: {fix}")
        elif entry["examples"] != examples_digest(shown):
            problems.append(
                f"{page}:{shown[0].line}: its examples differ from those checked on "
                f"{spoken_date(entry['checked'], 'en')} (docs/data/checked.json): {fix}, "
                "and commit docs/data/checked.json"
            )
        elif not entry["pythons"] or entry["checked"] > today:
            problems.append(f"{page}: docs/data/checked.json's entry is not a check: {entry}")
    pages = {page_key(*page.split("/", 2)[1:]) for page in by_page}
    for key in sorted(set(record) - pages):
        problems.append(f"docs/data/checked.json: {key} has no examples: {fix}")
    return problems


def problems(root: Path = ROOT) -> list[str]:
    """tests/test_trust.py (and the fault suite): the record of ``root`` is current."""
    record = load_checked(root / DATA.relative_to(ROOT))
    return record_problems(record, examples_by_page(root))


def write(recorded: dict, path: Path = DATA) -> None:
    data = {
        "about": "Written by `make checked` (tools/checked.py): when each page's examples last "
        "passed on every Python, and a digest of them as the page showed them then.",
        "pages": dict(sorted(recorded.items())),
    }
    path.write_text(json.dumps(data, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--dry", action="store_true", help="run and report, write nothing")
    args = parser.parse_args(argv)
    os.environ["FRESH"] = "1"  # a check made today, not an outcome kept from another day

    import pytest

    from tools.examples import pythons
    from tools.examples.pages import collect

    examples, wrong = collect()
    if wrong:
        print("the pages have problems the harness reports; fix them first:", file=sys.stderr)
        print("\n".join(map(str, wrong)), file=sys.stderr)
        return 1
    outcomes = Outcomes()
    code = pytest.main(
        [
            "-n",
            "2",
            "-q",
            "-p",
            "no:cacheprovider",
            str(ROOT / "tests" / "test_examples.py"),
            "-k",
            "prints_what_the_page_shows or keeps_its_times",
        ],
        plugins=[outcomes],
    )
    versions = [i.name for i in pythons.interpreters()]
    today = datetime.date.today().isoformat()
    passed, failed = entries(outcomes.by_page, examples, versions, today)
    recorded = {**load_checked(), **passed}
    if not args.dry:
        write(recorded)
    said = "would record" if args.dry else "recorded"
    print(f"\n{said} {len(passed)} pages as checked on {today} with {', '.join(versions)}")
    for page in failed:
        print(f"{page}: not recorded: an example failed or did not run (pytest said so above)")
    return 1 if failed or code not in (0, pytest.ExitCode.OK) else 0


if __name__ == "__main__":
    sys.exit(main())
