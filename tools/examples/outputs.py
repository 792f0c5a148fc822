"""Write into the pages what their examples really print: ``make outputs``.

After changing a snippet, a contributor runs

    make outputs                        # every page
    make outputs PAGE=docs/en/tasks.md  # that page and its translations

and every output block under the examples of those pages (and of the
translations of the same page) is rewritten from a run on the example's
clock, on every Python the tests use, time column included. A block that
still matches is left as it is; in a block that changes, every line written
with ``...`` that still matches keeps its ``...``. The diff is what a
reviewer reads. A block is never rewritten from a run that failed (an
exception the page does not show, a hang): that is reported, naming the
page and line, and the command exits 1. So is a block that applies to every
version when the versions print different things: split it into version
tabs (see tools/examples/pages.py).

The notebook's sources (``notebooks/lesson.<lang>.md``) are rewritten the
same way, from runs of the English notebook on every Python, as "Run All"
runs it: the stdout blocks of the cells that include a snippet of those
pages (every cell, without ``PAGE``), in every language (their outputs are
the same). Then ``make notebook`` renders the pages again.
"""

from __future__ import annotations

import argparse
import re
import sys
from functools import cache
from pathlib import Path

from tools.examples import pythons
from tools.examples.batch import Batch
from tools.examples.check import _pattern, check, match
from tools.examples.pages import ROOT, Example, Expected, collect, site_configs

LIMIT = 400  # lines: longer blocks are rewritten whole, without keeping `...`


def merge(old: str, new: str) -> str:
    """``new``, keeping each line of ``old`` written with ``...`` that still
    matches a line of ``new`` (a lone ``...`` line keeps standing for the
    lines it covers)."""
    old_lines, new_lines = old.rstrip("\n").split("\n"), new.rstrip("\n").split("\n")
    if "..." not in old or len(old_lines) * len(new_lines) > LIMIT * LIMIT:
        return new
    patterns = [None if line.strip() == "..." else _pattern(line) for line in old_lines]
    sys.setrecursionlimit(max(10_000, 4 * (len(old_lines) + len(new_lines))))

    @cache
    def best(i: int, j: int) -> tuple[int, tuple[str, ...]]:
        """(lines of old kept, the merged lines) for old[i:] and new[j:]."""
        if i == len(old_lines):
            return 0, tuple(new_lines[j:])
        if j == len(new_lines):
            rest = tuple(line for line in old_lines[i:] if line.strip() == "...")
            return len(rest), rest
        options = []
        if patterns[i] is None:  # a lone `...`: it covers new[j], or ends here
            score, lines = best(i, j + 1) if i + 1 < len(old_lines) else (0, ())
            if i + 1 < len(old_lines):
                options.append((score, lines))
            score, lines = best(i + 1, j)
            options.append((score + 1, (old_lines[i], *lines)))
            if i + 1 == len(old_lines):  # a trailing `...` covers all that is left
                options.append((1, (old_lines[i],)))
        else:
            if patterns[i].match(new_lines[j] + "\n") or patterns[i].match(new_lines[j]):
                score, lines = best(i + 1, j + 1)
                options.append((score + 1, (old_lines[i], *lines)))
            options.append(best(i + 1, j))
            score, lines = best(i, j + 1)
            options.append((score, (new_lines[j], *lines)))
        return max(options, key=lambda option: option[0])

    merged = "\n".join(best(0, 0)[1]) + "\n"
    return merged if match(merged, new)[0] else new


def first_key(mapping: dict) -> str:
    return next(iter(mapping))


class Rewriter:
    def __init__(self, batch: Batch):
        self.batch = batch
        self.problems: list[str] = []
        self.changed: dict[Path, list[tuple[Expected, str]]] = {}
        self.seen: set[int] = set()

    def example(self, example: Example) -> None:
        if example.skip_reason or example.form == "pycon":
            return
        for run in example.runs:
            for output in run.outputs:
                self.output(example, run, output)

    def output(self, example: Example, run, output: Expected) -> None:
        if id(output) in self.seen:  # one block shown under two examples (an exercise's)
            return
        self.seen.add(id(output))
        versions = [
            i
            for i in pythons.interpreters()
            if output.versions is None or i.minor in output.versions
        ]
        texts, right = {}, []
        for interpreter in versions:
            outcome = self.batch.outcome(example, run, interpreter)
            problems = check(example, run, outcome, interpreter.minor)
            failing = [p for p in problems if "differs from the output block" not in p]
            if failing:
                self.problems += failing
                return
            texts[interpreter.minor] = outcome.timed(1) if output.timed else outcome.output
            if not problems:
                right.append(interpreter.minor)
        if len(right) == len(texts):
            return  # the block shows what every version prints (its `...` and times included)
        merged = {minor: merge(output.text, text) for minor, text in texts.items()}
        if right or len(set(merged.values())) > 1:
            first = right[0] if right else next(iter(merged))
            other = next(m for m in merged if m not in right and merged[m] != merged[first])
            self.problems.append(
                f"{example.where}: the output block at line {output.line} is for every Python, "
                f"but {first} and {other} print different things; put each in a version tab "
                f'(`=== "Python {first}"` …), then run this again'
            )
            return
        self.changed.setdefault(example.page, []).append((output, merged[first_key(merged)]))

    def write(self) -> list[Path]:
        written = []
        for page, changes in self.changed.items():
            path = ROOT / page
            lines = path.read_text(encoding="utf-8").split("\n")
            for output, text in sorted(changes, key=lambda c: -c[0].line):
                start = output.line  # the opening fence's line (1-based): body starts after it
                indent = re.match(r" *", lines[start - 1]).group()
                end = start
                while not lines[end].strip().startswith(lines[start - 1].strip()[:3]):
                    end += 1
                body = [indent + line if line else "" for line in text.rstrip("\n").split("\n")]
                lines[start:end] = body
            path.write_text("\n".join(lines), encoding="utf-8")
            written.append(path)
        return written


def notebook_outputs(snippets: set[str] | None) -> tuple[list[Path], list[str]]:
    """Rewrite the stdout blocks of the notebook sources' cells that include one
    of ``snippets`` (every cell: None) from runs of the notebook on every Python;
    (the files rewritten, the problems)."""
    import tempfile

    from mkdocs.config import load_config

    from tools import notebook as nbtools
    from tools.examples import kernel
    from tools.site import configs

    sources = {}
    for lang, config in configs():
        found = nbtools.from_config(load_config(str(config)))
        if found is not None:
            sources[lang] = found
    if "en" not in sources:
        return [], []
    _, ipynb, cells = sources["en"]
    code = [c for c in cells if c.kind == "code"]
    wanted = [
        n
        for n, cell in enumerate(code)
        if cell.output("stdout")
        and (snippets is None or {i.split(":")[0] for i in cell.includes} & snippets)
    ]
    if not wanted:
        return [], []
    printed: dict[int, dict[str, str]] = {n: {} for n in wanted}
    with tempfile.TemporaryDirectory(prefix="outputs-") as tmp:
        path = Path(tmp) / nbtools.FILE_NAME
        path.write_text(ipynb, encoding="utf-8")
        for interpreter in pythons.interpreters():
            nb, runs = kernel.run_notebook(path, interpreter)
            indices = [i for i, c in enumerate(nb.cells) if c.cell_type == "code"]
            for n in wanted:
                shown, ran = code[n].output("stdout"), runs.get(indices[n])
                if ran is None:
                    continue
                if shown.timed:
                    text = "".join(
                        f"{t:.{shown.decimals}f} s  {line}\n"
                        for t, stream, line in ran.lines
                        if stream == "stdout"
                    )
                else:
                    text = "".join(
                        o.text for o in nb.cells[indices[n]].outputs if o.get("name") == "stdout"
                    )
                printed[n][interpreter.minor] = text
    problems, changes = [], {}
    for n in wanted:
        shown = code[n].output("stdout")
        old = (
            "".join(f"{t:.{shown.decimals}f} s  {line}\n" for t, line in shown.timed)
            if shown.timed
            else shown.text
        )
        texts = printed[n]
        if all(match(nbtools.normalized(old), nbtools.normalized(t))[0] for t in texts.values()):
            continue
        merged = {merge(old, t) for t in texts.values()}
        if len(merged) != 1:
            problems.append(
                f"notebooks/lesson.en.md:{shown.line}: the Pythons print different things "
                f"({', '.join(texts)}); write what varies as `...`, then run this again"
            )
            continue
        changes[n] = merged.pop()
    written = []
    for lang, (_, _, lang_cells) in sources.items():
        lang_code = [c for c in lang_cells if c.kind == "code"]
        path = nbtools.source_path(lang)
        lines = path.read_text(encoding="utf-8").split("\n")
        for n in sorted(changes, reverse=True):
            shown = lang_code[n].output("stdout") if n < len(lang_code) else None
            if shown is None:
                problems.append(f"{path.relative_to(ROOT)}: no output block for cell {n + 1}")
                continue
            start, end = shown.line, shown.line  # the opening fence (1-based): body after it
            while not lines[end].startswith("```"):
                end += 1
            lines[start:end] = changes[n].rstrip("\n").split("\n")
        if changes:
            path.write_text("\n".join(lines), encoding="utf-8")
            written.append(path)
    return written, problems


def pages_for(page: str | None) -> set[Path] | None:
    """The page and its translations (same file name in every docs/<lang>/)."""
    if not page:
        return None
    path = Path(page)
    name = path.relative_to(*path.parts[:2]) if path.parts[:1] == ("docs",) else path
    return {
        Path("docs") / lang.name / name
        for lang in (ROOT / "docs").iterdir()
        if (ROOT / "docs" / lang.name / name).exists()
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--page", help="docs/<lang>/PAGE.md: that page and its translations")
    args = parser.parse_args(argv)
    wanted = pages_for(args.page)
    examples, problems = collect(site_configs())
    if wanted is not None:
        examples = [e for e in examples if e.page in wanted]
        if not examples:
            print(f"no examples on {args.page} (or no such page)", file=sys.stderr)
            return 1
    batch = Batch()
    for example in examples:
        for run in example.runs:
            for interpreter in pythons.interpreters():
                batch.submit(example, run, interpreter)
    rewriter = Rewriter(batch)
    for example in examples:
        rewriter.example(example)
    batch.shutdown()
    for path in rewriter.write():
        print(f"rewrote {path.relative_to(ROOT)}")
    snippets = None if wanted is None else {f for e in examples for f in e.snippet_files}
    written, notebook_problems = notebook_outputs(snippets)
    rewriter.problems += notebook_problems
    for path in written:
        print(f"rewrote {path.relative_to(ROOT)}: now run `make notebook` to render it")
    _, problems = collect(site_configs())  # what is left for a person to fix
    problems = [p for p in problems if wanted is None or p.page in wanted]
    for problem in [*map(str, problems), *rewriter.problems]:
        print(problem, file=sys.stderr)
    if not rewriter.changed and not written and not rewriter.problems:
        print("every output block already shows what its example prints")
    return 1 if rewriter.problems or problems else 0


if __name__ == "__main__":
    sys.exit(main())
