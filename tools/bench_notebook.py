"""What the notebook page costs the site build (a benchmark, not a test).

Times a clean ``mkdocs build --strict`` of the whole site, every language,
as ``make build`` runs it (one ``python -m mkdocs build`` per language, into
an empty directory, no ``.cache/``), four ways:

* without the notebook page: each language's config minus the page and its
  hook, written beside the real one as a throw-away config;
* with it, as committed: the page mkdocs-jupyter rendered is in
  ``notebooks/rendered/`` and current (a fresh clone of main; the tests make
  sure main is so);
* with it, after an edit to ``notebooks/`` or to a snippet the notebook
  includes, before ``make notebook``: the build renders the page itself
  (importing nbconvert), first with nothing cached,
* and then from ``.cache/notebook/`` on the builds after that one.

Budget: the committed site with the page within 1.5x of without it.

    python -m tools.bench_notebook [--runs N]
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import tempfile
import time
import uuid
from pathlib import Path

import yaml
from mkdocs.utils.yaml import yaml_load

from tools.notebook import FILE_NAME
from tools.site import ROOT, build, configs

BUDGET = 1.5
HOOK = "hooks/notebook.py"


def _without_notebook(config: Path) -> dict:
    """The overrides that drop the notebook page (and its hook) from a config."""
    with open(config, encoding="utf-8") as f:
        loaded = yaml_load(f)  # with INHERIT resolved

    def keep(items):
        out = []
        for item in items:
            value = next(iter(item.values())) if isinstance(item, dict) else item
            if isinstance(value, list):
                out.append({next(iter(item)): keep(value)})
            elif value != FILE_NAME:
                out.append(item)
        return out

    return {
        "INHERIT": config.name,
        "nav": keep(loaded["nav"]),
        "hooks": [h for h in loaded.get("hooks", []) if h != HOOK],
    }


def build_site(site_dir: Path, config_files: list[tuple[str, Path]], env: dict) -> float:
    """Seconds for one clean strict build of every language, as tools.site does it."""
    start = time.perf_counter()
    build(site_dir, config_files=config_files, env=env)
    return time.perf_counter() - start


def bench(runs: int = 3) -> dict[str, float]:
    """Median seconds of ``runs`` clean builds of the whole site, each way."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1"}
    real = configs()
    planted = []
    try:
        for lang, config in real:
            path = ROOT / f".bench-{uuid.uuid4().hex}.{lang}.yml"
            path.write_text(yaml.safe_dump(_without_notebook(config), allow_unicode=True))
            planted.append((lang, path))
        times: dict[str, list[float]] = {"without": [], "with": [], "cold": [], "warm": []}
        with tempfile.TemporaryDirectory(prefix="bench-notebook-") as tmp:
            edited = {**env, "NOTEBOOK_RENDERED": str(Path(tmp, "no-committed-pages"))}
            warm = {**edited, "NOTEBOOK_CACHE": str(Path(tmp, "cache-warm"))}
            build_site(Path(tmp, "prime"), real, warm)
            for run in range(runs):  # interleaved, so that drift affects all alike
                out = Path(tmp, f"site-{run}")
                empty_cache = {"NOTEBOOK_CACHE": str(Path(tmp, f"cache-{run}"))}
                times["without"].append(build_site(out / "without", planted, env))
                times["with"].append(build_site(out / "with", real, {**env, **empty_cache}))
                times["cold"].append(build_site(out / "cold", real, {**edited, **empty_cache}))
                times["warm"].append(build_site(out / "warm", real, warm))
                shutil.rmtree(out)
    finally:
        for _, path in planted:
            path.unlink(missing_ok=True)
    return {name: statistics.median(values) for name, values in times.items()}


def report(result: dict[str, float], runs: int) -> str:
    base = result["without"]
    languages = ", ".join(lang for lang, _ in configs())

    def line(label: str, seconds: float, budget: bool = False) -> str:
        verdict = ""
        if budget:
            verdict = "within" if seconds <= BUDGET * base else "OVER"
            verdict += f" budget ({BUDGET}x)"
        return f"| {label} | {seconds:.2f} s | {seconds / base:.2f}x | {verdict} |"

    return "\n".join(
        [
            f"\nmkdocs build --strict, whole site ({languages}), clean site dir, median of {runs}:\n",
            "| site | build | vs without | |",
            "|---|---:|---:|---|",
            line("without the notebook page", base),
            line("with it, as committed (fresh clone of main)", result["with"], budget=True),
            line("with it, notebook edited, before `make notebook`", result["cold"]),
            line("the same, on the builds after that (.cache/)", result["warm"]),
        ]
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    print(report(bench(args.runs), args.runs))


if __name__ == "__main__":
    main()
