"""The "Threads or asyncio: measured" page keeps its promises: its benchmark
runs on every interpreter and prints what ``tools/bench_concurrency.py`` reads;
the committed charts are drawn from the committed data; every figure the built
pages show (table, machine, charts' alt text, sentences) is the data's.

No time is asserted: the benchmark runs here with tiny sizes so that its code
cannot rot; ``make bench-concurrency`` measures.
"""

from __future__ import annotations

import os
import re
import sys
from html.parser import HTMLParser
from pathlib import Path

import pytest
from mkdocs.exceptions import PluginError

from hooks import measured
from tools import bench_concurrency as bench
from tools.site import ROOT, configs, prefix

LANGS = [lang for lang, _ in configs()]


def interpreters() -> dict[str, str]:
    """``{"3.11": this interpreter, "3.12": …, "3.13": …}``: the venv's Python and
    every other CPython 3.11+ that pyenv has on this machine."""
    found = {f"{sys.version_info.major}.{sys.version_info.minor}": sys.executable}
    versions = Path(os.environ.get("PYENV_ROOT", Path.home() / ".pyenv")) / "versions"
    for python in sorted(versions.glob("3.*.*/bin/python")):
        version = python.parent.parent.name
        if not re.fullmatch(r"3\.\d+\.\d+", version):
            continue
        minor = version.rsplit(".", 1)[0]
        if int(minor.split(".")[1]) >= 11:
            found.setdefault(minor, str(python))
    return dict(sorted(found.items()))


PYTHONS = interpreters()


@pytest.mark.parametrize("python", PYTHONS.values(), ids=PYTHONS.keys())
def test_the_benchmark_runs_and_prints_what_the_tool_reads(python):
    """Tiny sizes, in development mode: no warning, no traceback, every row."""
    report = bench.run_once(python, sizes=(2, 5), steps=2000, flags=["-X", "dev"])
    parsed = bench.parse(report)
    version = next(v for v, p in PYTHONS.items() if p == python)
    assert parsed["machine"]["python"].startswith(version + "."), report
    expected = {(w, n) for n in (2, 5) for w in bench.WORKLOADS.values()} | {("default_pool", 2)}
    assert set(parsed["waiting"]) == expected, report
    for (workload, _), figures in parsed["waiting"].items():
        assert figures["wall_s"] > 0 and figures["create_us"] > 0, report
        measured_memory = workload != "default_pool"
        assert (figures["rss_kib"] is not None) == measured_memory, report
        assert (figures["virt_kib"] is not None) == measured_memory, report
    assert set(parsed["computing"]) == set(bench.COMPUTING.values()), report
    assert parsed["jobs"] > 1 and parsed["steps"] == 2000


def test_only_asyncio_slow_step_timing_is_tolerated_on_stderr():
    """A busy machine may make a tiny step take over 0.1 s of wall-clock time:
    debug mode says so, and that is no fault of the code; a warning is."""
    slow = (
        "Executing <Task pending name='Task-1' coro=<computing_tasks() running at"
        " threads_vs_asyncio.py:164> created at base_events.py:652> took 0.137 seconds\n"
    )
    assert bench.SLOW_STEP.sub("", slow) == ""
    warning = "threads_vs_asyncio.py:161: RuntimeWarning: coroutine 'job' was never awaited\n"
    assert bench.SLOW_STEP.sub("", slow + warning) == warning


def test_a_report_missing_a_row_is_rejected_naming_it():
    report = bench.load()["reports"][0]
    without = "\n".join(line for line in report.splitlines() if "10000  asyncio tasks" not in line)
    with pytest.raises(bench.ReportError, match="tasks N=10000"):
        bench.parse(without)
    with pytest.raises(bench.ReportError, match="first line"):
        bench.parse("hello\n" + report)


def test_the_snippet_fits_a_phone():
    long = [
        f"snippets/measured/threads_vs_asyncio.py:{number}: {len(line)} characters"
        for number, line in enumerate(bench.SNIPPET.read_text().splitlines(), 1)
        if len(line) > 72
    ]
    assert not long, "\n".join(long)


def test_the_data_has_every_configuration_from_enough_processes():
    data = bench.load()
    assert data["runs"] >= 5
    sizes = {row["n"] for row in data["waiting"]}
    assert sizes == set(bench.SIZES)
    for row in data["waiting"] + data["computing"]:
        for figure in bench.FIGURES:
            values = row.get(figure)
            if values:
                assert len(values["runs"]) == data["runs"], row
                assert values["min"] <= values["median"] <= values["max"], row
    assert len(data["reports"]) == data["runs"]
    # The figures are the reports' figures: parse them again.
    assert bench.summarise(data["reports"], {})["waiting"] == data["waiting"]


def test_what_the_page_says_of_computing_is_true_of_the_data():
    """ "Neither threads nor tasks gain anything": their fastest runs (the least
    disturbed by other work) are within 10 % of the sequential one, or slower."""
    fastest = {row["workload"]: row["wall_s"]["min"] for row in bench.load()["computing"]}
    for workload in ("threads", "tasks"):
        assert fastest[workload] >= 0.9 * fastest["sequential"], fastest


def test_what_the_page_says_of_waiting_is_true_of_the_data():
    """The sentences around the numbers on the measured page (both languages):
    tasks wait faster, start cheaper and take less memory than threads at every
    N; with 10,000 threads started one after another, the last one starts long
    after the first has finished its 0.1 s (the rest of the wall time is
    starting them), so only a part of them is alive at once; and a thread gets
    dearer to start as more threads are alive."""
    data = bench.load()
    median = {
        (row["workload"], row["n"], figure): row[figure]["median"]
        for row in data["waiting"]
        for figure in bench.FIGURES
        if row[figure]
    }
    largest, smallest = max(bench.SIZES), min(bench.SIZES)
    for n in bench.SIZES:
        for figure in ("wall_s", "create_us", "rss_kib"):
            assert median["tasks", n, figure] < median["threads", n, figure], (n, figure)
    wall = median["threads", largest, "wall_s"]
    assert wall > 5 * data["wait_s"], "starting the threads is not most of the wall time"
    assert data["wait_s"] * largest / wall < largest / 2, "most threads alive at once"
    assert median["threads", largest, "create_us"] > median["threads", smallest, "create_us"]


def test_a_chart_keeps_the_ids_it_refers_to_and_loses_the_rest():
    svg = (
        '<svg>\n  <defs>\n    <path id="m1" d="M 0 0"/>\n    <clipPath id="c1"/>\n  </defs>\n'
        '  <g id="xtick_1">\n    <use xlink:href="#m1"/>\n    <g clip-path="url(#c1)"/>\n'
        "    <text>1 000</text>\n  </g>\n</svg>"
    )
    assert bench.slim_svg(svg) == (
        '<svg>\n<defs>\n<path id="m1" d="M 0 0"/>\n<clipPath id="c1"/>\n</defs>\n'
        '<g>\n<use xlink:href="#m1"/>\n<g clip-path="url(#c1)"/>\n'
        "<text>1 000</text>\n</g>\n</svg>"
    )


def test_the_committed_charts_are_drawn_from_the_committed_data(tmp_path):
    docs = bench.languages()
    drawn = bench.draw(bench.load(), {lang: tmp_path / lang for lang in docs})
    stale = []
    for path in drawn:
        lang = path.relative_to(tmp_path).parts[0]
        committed = docs[lang] / path.relative_to(tmp_path / lang)
        if not committed.exists() or committed.read_bytes() != path.read_bytes():
            stale.append(str(committed.relative_to(ROOT)))
    assert not stale, (
        f"charts not drawn from {bench.DATA.relative_to(ROOT)}: {stale}; "
        "redraw them with `.venv/bin/python -m tools.bench_concurrency --draw` "
        "(or measure again: `make bench-concurrency`) and commit them"
    )
    for lang, directory in docs.items():
        extra = set((directory / bench.CHART_DIR).glob("*.svg")) - set(bench.chart_files(directory))
        assert not extra, f"charts no page shows in {lang}: {sorted(map(str, extra))}"


class Page(HTMLParser):
    """The parts of a built page this test reads."""

    def __init__(self, html: str):
        super().__init__()
        self.tables: list[list[list[str]]] = []
        self.images: list[dict] = []
        self.cell: list[str] | None = None
        self.text: list[str] = []
        self.feed(html)

    def handle_starttag(self, tag, attrs):
        if tag == "table":
            self.tables.append([])
        elif tag == "tr" and self.tables:
            self.tables[-1].append([])
        elif tag in ("td", "th"):
            self.cell = []
        elif tag == "img":
            self.images.append(dict(attrs))
        elif tag == "br" and self.cell is not None:
            self.cell.append("\n")

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.tables[-1][-1].append("".join(self.cell).strip())
            self.cell = None

    def handle_data(self, data):
        self.text.append(data)
        if self.cell is not None:
            self.cell.append(data)


def built(site: Path, lang: str, page: str) -> Page:
    return Page((site / prefix(lang) / page / "index.html").read_text(encoding="utf-8"))


NUMBER = re.compile(r"-?[\d\u00a0,]*\d(?:[.,]\d+)?")


def read_number(text: str, lang: str) -> float:
    """ "10,000" / "10 000" -> 10000.0; "0.213 s" / "0,213 с" -> 0.213."""
    found = NUMBER.search(text)
    assert found, f"no number in {text!r}"
    digits = found.group(0).replace("\u00a0", "")
    digits = digits.replace(",", "") if lang == "en" else digits.replace(",", ".")
    return float(digits)


def close(shown: float, value: float, figure: str, median: float | None = None) -> bool:
    """As close as the page's rounding allows (a range is rounded as its median)."""
    places = bench.decimals(figure, value if median is None else median)
    return abs(shown - value) <= 0.5 * 10**-places + 1e-9


@pytest.mark.parametrize("lang", LANGS)
def test_the_built_page_shows_the_data(built_site, lang):
    data, page = bench.load(), built(built_site, lang, "measured")
    waiting, computing = page.tables[0], page.tables[1]
    rows = waiting[1:]  # the header first
    assert len(rows) == len(data["waiting"])
    for row, cells in zip(data["waiting"], rows, strict=True):
        assert read_number(cells[0], lang) == row["n"]
        assert cells[1] == bench.text(lang, row["workload"])
        for figure, cell in zip(bench.FIGURES, cells[2:], strict=True):
            values = row[figure]
            if values is None:
                assert cell == "—"
                continue
            median, spread = cell.split("\n")
            low, high = spread.split("–")
            for shown, value in ((median, "median"), (low, "min"), (high, "max")):
                shown_value = read_number(shown, lang)
                assert close(shown_value, values[value], figure, values["median"]), (cell, values)
    for row, cells in zip(data["computing"], computing[1:], strict=True):
        assert cells[0] == bench.text(lang, row["workload"])
        assert close(read_number(cells[1], lang), row["wall_s"]["median"], "wall_s")
    text = "".join(page.text)
    machine = data["machine"]
    for fact in (machine["cpu"], machine["python"], machine["os"], machine["ulimit_s"].split()[0]):
        assert fact in text, f"{fact!r} is not on the {lang} page"
    assert data["reports"][0].splitlines()[0] in text  # the report, as printed


@pytest.mark.parametrize("lang", LANGS)
def test_each_chart_is_shown_in_both_schemes_with_its_numbers_in_words(built_site, lang):
    data, page, docs = bench.load(), built(built_site, lang, "measured"), bench.languages()
    shown = {image["src"].split("/")[-1]: image for image in page.images}
    for chart in bench.CHARTS:
        for theme in bench.THEMES:
            name = bench.chart_path(Path(), chart, theme).name
            image = shown.get(f"{name}#only-{theme}")
            assert image, f"{name} is not on the {lang} page"
            assert image["alt"] == bench.alt_text(data, chart, lang)
            assert image.get("loading") == "lazy" and image.get("width")
            file = built_site / prefix(lang) / "measured" / image["src"].split("#")[0]
            assert file.read_bytes() == bench.chart_path(docs[lang], chart, theme).read_bytes()
    wall = bench.alt_text(data, "wall_s", lang)
    tasks = next(r for r in data["waiting"] if r["workload"] == "tasks" and r["n"] == 10000)
    assert bench.quantity(tasks["wall_s"]["median"], "wall_s", lang) in wall


@pytest.mark.parametrize("lang", LANGS)
def test_the_data_file_is_published_with_the_page(built_site, lang):
    published = built_site / prefix(lang) / measured.PUBLISHED
    assert published.read_bytes() == bench.DATA.read_bytes()


def test_no_page_is_left_with_a_placeholder(built_site):
    left = [
        str(html.relative_to(built_site))
        for html in built_site.rglob("*.html")
        if "{{ measured." in html.read_text(encoding="utf-8")
    ]
    assert not left, f"pages showing an unreplaced {{{{ measured.… }}}}: {left}"


@pytest.mark.parametrize("lang", LANGS)
def test_why_asyncio_states_the_measured_ratios(built_site, lang):
    data = bench.load()
    text = "".join(built(built_site, lang, "why-asyncio").text)
    threads, tasks = (
        next(r for r in data["waiting"] if r["workload"] == w and r["n"] == 10000)
        for w in ("threads", "tasks")
    )
    for figure in ("wall_s", "create_us", "rss_kib"):
        ratio = threads[figure]["median"] / tasks[figure]["median"]
        assert measured.times(ratio, lang) in text, f"{figure} ratio not on the {lang} page"


def test_an_unknown_figure_fails_the_build_naming_the_page_and_line():
    docs = bench.languages()["en"]
    with pytest.raises(PluginError, match=r"docs/en/x\.md:3: \{\{ measured\.tasks\.wall\.7 \}\}"):
        measured.render(
            "a\n\n{{ measured.tasks.wall.7 }}\n", bench.load(), "en", docs, "docs/en/x.md"
        )


@pytest.mark.parametrize(
    ("ratio", "lang", "words"),
    [
        (22.4, "ru", "в 22 раза"),
        (12.0, "ru", "в 12 раз"),
        (7.21, "ru", "в 7,2 раза"),
        (25.0, "ru", "в 25 раз"),
        (7.21, "en", "7.2 times"),
        (1500.0, "en", "1,500 times"),
    ],
)
def test_ratios_are_written_the_language_s_way(ratio, lang, words):
    assert measured.times(ratio, lang) == words
