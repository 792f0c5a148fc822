"""Lighthouse on every page of the built site, every language: a benchmark,
not a test.

Builds the site into a temporary directory, serves it on 127.0.0.1 as the
browser tests do (gzip, like a static host), and runs Lighthouse (pinned in
tools/lighthouse/package-lock.json, installed with ``npm ci`` on first use) on
each page with its default mobile profile: a mid-range phone's screen, a slow
4G network and a 4x slower CPU, simulated. For each page it records the
performance, accessibility, best-practices and SEO scores, the bytes
transferred and the page's DOM elements, and the size of the whole built site;
prints a Markdown table and writes it, with every report's JSON, to
test-results/lighthouse/.

    python -m tools.lighthouse                 # every page, once
    python -m tools.lighthouse --runs 3        # the median of 3 runs per page
    python -m tools.lighthouse --page /ru/     # only pages whose address starts so
    python -m tools.lighthouse --check         # exit 1 if a target is missed

Targets: performance >= 95, accessibility 100 and at most 100 kB transferred
on every page, fewer than 800 DOM elements on every lesson page (the notebook,
the whole lesson on one page, is reported), the whole site <= 3 MB.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from tools.browser import LAUNCH_ARGS, BrowserUnavailable, ensure_chromium, serve
from tools.site import ROOT, build, built_pages, prefix

HERE = Path(__file__).resolve().parent
CLI = HERE / "node_modules" / "lighthouse" / "cli" / "index.js"
OUT = ROOT / "test-results" / "lighthouse"
CATEGORIES = ["performance", "accessibility", "best-practices", "seo"]
TARGETS = {"performance": 95, "accessibility": 100}
PAGE_BUDGET = 100_000  # bytes transferred per page
DOM_BUDGET = 800  # elements, lesson pages
SITE_BUDGET = 3_000_000  # bytes, the whole built site


@dataclass
class Result:
    path: str
    scores: dict[str, int]
    transfer: int  # bytes
    dom: int  # DOM elements
    failing: list[str]  # audits that cost points in accessibility, best practices, SEO


def pinned_version() -> str:
    lock = json.loads((HERE / "package-lock.json").read_text(encoding="utf-8"))
    return lock["packages"]["node_modules/lighthouse"]["version"]


def install() -> None:
    """``npm ci`` in tools/lighthouse unless the pinned Lighthouse is already there."""
    installed = HERE / "node_modules" / "lighthouse" / "package.json"
    if (
        installed.is_file()
        and json.loads(installed.read_text(encoding="utf-8"))["version"] == pinned_version()
    ):
        return
    if shutil.which("npm") is None:
        raise SystemExit("npm is not installed; Lighthouse needs Node.js 18+ and npm")
    print(
        f"installing lighthouse {pinned_version()} (npm ci in {HERE.relative_to(ROOT)})",
        file=sys.stderr,
    )
    subprocess.run(
        ["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"], cwd=HERE, check=True
    )


def pages(site_dir: Path) -> list[str]:
    """Every page's address, English first, then each other language."""
    return [f"/{prefix(lang)}{path}" for lang, path in built_pages(site_dir)]


def lighthouse(url: str, chromium: Path, report: Path) -> dict:
    command = [
        "node",
        str(CLI),
        url,
        "--output=json",
        f"--output-path={report}",
        f"--only-categories={','.join(CATEGORIES)}",
        f"--chrome-flags={' '.join(LAUNCH_ARGS)}",
        "--quiet",
    ]
    env = {**os.environ, "CHROME_PATH": str(chromium)}
    subprocess.run(command, check=True, env=env, timeout=300)
    return json.loads(report.read_text(encoding="utf-8"))


def summarize(path: str, reports: list[dict]) -> Result:
    scores = {
        category: round(
            statistics.median(r["categories"][category]["score"] * 100 for r in reports)
        )
        for category in CATEGORIES
    }
    transfer = round(
        statistics.median(r["audits"]["total-byte-weight"]["numericValue"] for r in reports)
    )
    dom = round(statistics.median(r["audits"]["dom-size"]["numericValue"] for r in reports))
    failing = []
    last = reports[-1]
    for category in CATEGORIES[1:]:
        for ref in last["categories"][category]["auditRefs"]:
            audit = last["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                failing.append(f"{category}: {ref['id']}")
    return Result(path, scores, transfer, dom, failing)


def site_size(site_dir: Path) -> int:
    return sum(p.stat().st_size for p in site_dir.rglob("*") if p.is_file())


def table(results: list[Result], chromium_version: str, runs: int, size: int) -> str:
    lines = [
        (
            f"Lighthouse {pinned_version()}, mobile profile (simulated slow 4G, 4x CPU "
            f"slowdown), {chromium_version}, site served with gzip from 127.0.0.1; "
            f"{'median of ' + str(runs) + ' runs' if runs > 1 else 'one run'} per page. "
            f"Whole site: {size / 1e6:.2f} MB."
        ),
        "",
        "| page | performance | accessibility | best practices | SEO | transfer (kB) | DOM elements |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for r in results:
        s = r.scores
        lines.append(
            f"| `{r.path}` | {s['performance']} | {s['accessibility']} | "
            f"{s['best-practices']} | {s['seo']} | {r.transfer / 1000:.0f} | {r.dom} |"
        )
    return "\n".join(lines) + "\n"


def missed(results: list[Result], size: int | None = None) -> list[str]:
    problems = []
    for r in results:
        for category, target in TARGETS.items():
            if r.scores[category] < target:
                problems.append(f"{r.path}: {category} {r.scores[category]} < {target}")
        if r.transfer > PAGE_BUDGET:
            problems.append(f"{r.path}: transfers {r.transfer / 1000:.0f} kB > 100 kB")
        if r.dom >= DOM_BUDGET and not r.path.rstrip("/").endswith("/notebook"):
            problems.append(f"{r.path}: {r.dom} DOM elements, not fewer than {DOM_BUDGET}")
    if size is not None and size > SITE_BUDGET:
        problems.append(f"the site is {size / 1e6:.2f} MB > 3 MB")
    return problems


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=1, help="runs per page; the median is kept")
    parser.add_argument("--page", default="", help="only pages whose address starts with this")
    parser.add_argument("--check", action="store_true", help="exit 1 if a target is missed")
    args = parser.parse_args()

    install()
    try:
        chromium = ensure_chromium()
    except BrowserUnavailable as error:
        print(error, file=sys.stderr)
        return 1
    version = (
        subprocess.run(
            [str(chromium), "--version"], capture_output=True, text=True, check=False
        ).stdout.strip()
        or "Chromium"
    )

    OUT.mkdir(parents=True, exist_ok=True)
    results: list[Result] = []
    with tempfile.TemporaryDirectory(prefix="lighthouse-site-") as tmp:
        site_dir = Path(tmp)
        build(site_dir)
        size = site_size(site_dir)
        with serve(site_dir) as base:
            for path in pages(site_dir):
                if not path.startswith(args.page):
                    continue
                reports = []
                for run in range(args.runs):
                    name = (path.strip("/").replace("/", "-") or "index") + f".{run + 1}.json"
                    reports.append(lighthouse(base + path, chromium, OUT / name))
                result = summarize(path, reports)
                results.append(result)
                s = result.scores
                print(
                    f"{path:28} perf {s['performance']:3}  a11y {s['accessibility']:3}  "
                    f"bp {s['best-practices']:3}  seo {s['seo']:3}  "
                    f"{result.transfer / 1000:6.0f} kB  {result.dom:5} elements  "
                    f"{' '.join(result.failing)}",
                    file=sys.stderr,
                    flush=True,
                )
    text = table(results, version, args.runs, size)
    (OUT / "lighthouse.md").write_text(text, encoding="utf-8")
    print(text)
    problems = missed(results, size)
    if problems:
        print("targets missed:\n  " + "\n  ".join(problems), file=sys.stderr)
    else:
        print(
            "all targets met: performance >= 95, accessibility 100, <= 100 kB and "
            "< 800 DOM elements per lesson page, site <= 3 MB",
            file=sys.stderr,
        )
    print(f"reports: {OUT.relative_to(ROOT)}/", file=sys.stderr)
    return 1 if problems and args.check else 0


if __name__ == "__main__":
    sys.exit(main())
