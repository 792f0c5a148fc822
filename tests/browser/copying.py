"""The copy buttons of one loaded page, clicked as a reader clicks them (see
test_copy.py for the promise). The browser tests' visit of each page
(visits.py) calls :func:`click_every_copy_button` on its desktop load; what
was copied from a script block is then run by the example harness
(tools/examples: ``collect``, ``run``, ``check``) in the background, while
the browser goes on to the next page.
"""

from __future__ import annotations

import dataclasses
import re
from concurrent.futures import Future, ThreadPoolExecutor
from functools import cache
from pathlib import Path

from tests.browser.website import REVEAL, Page, language
from tools.examples import pythons
from tools.examples.check import check
from tools.examples.pages import Example, collect, load_site
from tools.examples.run import run
from tools.site import ROOT

COPY_CONTROLS = 'button.md-code__button[data-md-type="copy"], clipboard-copy'
SENTINEL = "\u2063nothing copied yet\u2063"
SECTION_MARKER = re.compile(r"^\s*#\s*-{1,}8<-{1,}\s*\[(start|end):[\w-]+\]\s*$")

# Every code block of the article, in page order: the text it shows (without
# Material's annotation markers), whether it has a copy button, and whether it
# is marked .no-copy. Material's blocks are <pre><code>, the notebook page's
# code cells <div class="highlight-ipynb"><pre>.
BLOCKS = """() => {
  const blocks = [...document.querySelectorAll(".md-content pre > code, .md-content .highlight-ipynb > pre")];
  return blocks.map((code, index) => {
    code.setAttribute("data-test-block", String(index));
    const shown = code.cloneNode(true);
    shown.querySelectorAll(".md-annotation, .md-code__nav").forEach((el) => el.remove());
    const cell = code.closest(".jp-Cell");
    const control = cell ? cell.querySelector("clipboard-copy")
      : code.parentElement.querySelector('button.md-code__button[data-md-type="copy"]');
    if (control) control.setAttribute("data-test-copy", String(index));
    return {
      index,
      text: shown.textContent.replace(/\\s+$/, ""),
      copy: control !== null,
      noCopy: code.closest(".no-copy") !== null,
    };
  });
}"""


@cache
def examples_by_page() -> dict[Path, list[Example]]:
    """The Python blocks of every page's source, as the harness finds them."""
    found, _ = collect()
    pages: dict[Path, list[Example]] = {}
    for example in found:
        pages.setdefault(example.page, []).append(example)
    return pages


def page_examples(page: Page) -> list[Example]:
    source = page.source
    if source is None:
        return []
    return examples_by_page().get(source.resolve().relative_to(ROOT), [])


def snippet_text(example: Example, page: Page) -> str | None:
    """The snippet file a script block includes whole, without section markers."""
    if len(example.includes) != 1 or ":" in example.includes[0]:
        return None
    base_paths = load_site(language(page.lang).config).snippet_config["base_path"]
    for base in base_paths:
        path = Path(base) / example.includes[0]
        if path.is_file():
            lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
            return "".join(line for line in lines if not SECTION_MARKER.match(line))
    return None


_runs: dict[tuple, list[str]] = {}


# The session's runs (tests/conftest.py's batch, set by tests/browser/conftest.py):
# a copied script that is exactly its snippet is the run the example tests made.
BATCH = None


def run_copied(example: Example, copied: str) -> list[str]:
    """Run what was copied as the harness runs a script block; its problems."""
    key = (copied, example.expected, example.snippet_files[0] if example.snippet_files else "")
    if key not in _runs:
        as_pasted = dataclasses.replace(example, code=copied + "\n")
        shown = as_pasted.runs[0]
        if BATCH is not None:
            outcome = BATCH.outcome(as_pasted, shown, pythons.default())
        else:
            outcome = run(as_pasted, shown)
        problems = check(as_pasted, shown, outcome)
        if problems:  # run beside the browser, on a busy machine: once more, as the
            # real-time check does; a copied program that is wrong fails twice
            problems = check(as_pasted, shown, run(as_pasted, shown))
        _runs[key] = problems
    return _runs[key]


class NothingCopied(AssertionError):
    pass


def copy(tab, index: int) -> str:
    """Click block ``index``'s copy button and return what the clipboard holds."""
    tab.evaluate("(text) => navigator.clipboard.writeText(text)", SENTINEL)
    control = tab.locator(f'[data-test-copy="{index}"]')
    control.evaluate(REVEAL)
    control.click()
    for _ in range(50):
        copied = tab.evaluate("() => navigator.clipboard.readText()")
        if copied != SENTINEL:
            return copied
        tab.wait_for_timeout(20)
    raise NothingCopied(f"clicking copy button {index} put nothing on the clipboard")


def shown_output(blocks: list[dict], index: int) -> str | None:
    """The output block the page shows under code block ``index``: the next
    .no-copy block before the next block with a copy button."""
    for block in blocks[index + 1 :]:
        if block["copy"]:
            return None
        if block["noCopy"]:
            return block["text"]
    return None


# Runs what was copied, two at a time, beside the browser.
RUNNER = ThreadPoolExecutor(max_workers=2, thread_name_prefix="copied-code")


@dataclasses.dataclass
class Copied:
    """What clicking a page's copy buttons found: problems seen in the browser,
    and the runs of the copied scripts (each a list of problems when done)."""

    problems: list[str]
    runs: list[tuple[str, Future]]  # (where it was copied from, its problems)

    def all_problems(self) -> list[str]:
        found = list(self.problems)
        for where, future in self.runs:
            found += [f"run as a script after copying from {where}: {p}" for p in future.result()]
        return found


def click_every_copy_button(tab, site_page: Page) -> Copied:
    """Click every copy button on the page loaded in ``tab`` and read the clipboard."""
    where = site_page.url_path
    blocks = tab.evaluate(BLOCKS)
    problems: list[str] = []
    to_run: list[tuple[Example, str, int]] = []

    # The page's Python blocks, matched to the page's code blocks in order by the text they show.
    paired: dict[int, Example] = {}
    cursor = 0
    for example in page_examples(site_page):
        code = example.code.rstrip()
        match = next((b for b in blocks[cursor:] if b["text"] == code), None)
        if match is None:
            problems.append(
                f"{example.describe()}: this block is not on {where} as the source has it"
            )
            continue
        paired[match["index"]] = example
        cursor = match["index"] + 1

    for block in blocks:
        index, example = block["index"], paired.get(block["index"])
        label = example.describe() if example else f"{where} code block {index + 1}"
        if block["noCopy"] or (example and example.language == "pycon"):
            if block["copy"]:
                problems.append(f"{label}: an output or >>> transcript block has a copy button")
            if example and example.language == "pycon" and not block["noCopy"]:
                problems.append(f"{label}: a >>> transcript must be marked .no-copy")
            continue
        if not block["copy"]:
            problems.append(f"{label}: no copy button")
            continue
        try:
            copied = copy(tab, index)
        except NothingCopied as error:
            problems.append(f"{label}: {error}")
            continue
        if example is None or example.jupyter:
            if copied != block["text"]:
                problems.append(
                    f"{label}: copied text differs from the text shown:\n"
                    f"copied: {copied!r}\nshown:  {block['text']!r}"
                )
            if any(line.startswith(">>> ") for line in copied.splitlines()):
                problems.append(f"{label}: the copied text has >>> prompts")
            continue
        expected = snippet_text(example, site_page)
        if expected is None:
            problems.append(f"{label}: a script block must include one whole snippet file")
            continue
        if copied != expected.rstrip():
            problems.append(
                f"{label}: copied text is not snippets/{example.includes[0]} "
                f"(without its section markers):\ncopied: {copied!r}\nfile:   {expected!r}"
            )
            continue
        if example.expected is not None:
            output = shown_output(blocks, index)
            if output != example.expected.rstrip():
                problems.append(
                    f"{label}: the page does not show the output block under it:\n"
                    f"page: {output!r}\nsource: {example.expected!r}"
                )
        if example.skip_reason:  # the page marks it as not run by the tests; it says why
            continue
        to_run.append((example, copied, index))

    if not any(b["copy"] for b in blocks) and any(not b["noCopy"] for b in blocks):
        problems.append(f"{where}: no copy button on any code block")

    runs = [
        (f"{where} (block {index + 1})", RUNNER.submit(run_copied, example, copied))
        for example, copied, index in to_run
    ]
    return Copied(problems, runs)
