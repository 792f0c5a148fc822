"""Figures from the threads-or-asyncio benchmark, written into the pages at
build time from its data file, so that no number on the site is typed by hand.

``make bench-concurrency`` (``tools/bench_concurrency.py``) measures and writes
``docs/en/measured/threads_vs_asyncio.json``; a page quotes it with
``{{ measured.NAME }}``:

* on a line of its own: ``machine`` (where and when it was measured),
  ``table`` and ``computing_table``, ``chart.wall_s``, ``chart.create_us``,
  ``chart.rss_kib``, ``chart.computing`` (the light and the dark chart, with
  alt text), ``report`` (the first run's report, as printed);
* in a sentence: ``runs``, ``wait``, ``jobs``; a median such as
  ``tasks.wall.10000`` (workload ``threads``/``pool``/``tasks``, figure
  ``wall``/``create``/``rss``/``virt``, N), ``computing.threads`` (and
  ``computing.threads.fastest``, the lowest of the runs);
  ``times.wall.10000``: threads' median over tasks', as "22 times" or
  "в 22 раза"; ``times.overstated.10000``: a thread's virtual size over its
  RSS; ``default_pool.workers``/``.n``/``.rounds``; ``stack`` (``ulimit -s``);
  ``alive_one_by_one``: about how many threads are alive at once when the
  largest N are started one by one (the wall-time run).

Numbers are written the page's way (``10,000`` and ``0.25 s`` in English,
``10 000`` and ``0,25 с`` in Russian). A name the data does not have fails the
build, naming the page and line. The data file is also published next to the
page in every language (``measured/threads_vs_asyncio.json``).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `mkdocs serve` from .venv/bin does not put the project on the path
    sys.path.insert(0, str(ROOT))

from tools import bench_concurrency as bench

PLACEHOLDER = re.compile(r"\{\{\s*measured\.(?P<name>[\w.]+)\s*\}\}")
FIGURES = {"wall": "wall_s", "create": "create_us", "rss": "rss_kib", "virt": "virt_kib"}
PUBLISHED = f"{bench.CHART_DIR}/{bench.DATA.name}"

WORDS = {
    "en": {
        "columns": ["N", "how", "wall time", "creating one", "RSS per live one", "virtual per one"],
        "computing_columns": ["how", "wall time"],
        "cpu": "Processor",
        "python": "Python",
        "os": "System",
        "stack": "Thread stack size (`ulimit -s`)",
        "measured": "Measured",
        "measured_how": "{date}, {runs} runs: every figure is the median of {runs} separate "
        "processes, with the lowest and the highest under it",
        "others": "Other work",
        "others_how": "while the runs measured, other processes and the kernel used "
        "{low}–{high}\u00a0% of the CPU time",
        "cpus": "{cpus} CPUs",
        "report": "Output (the first of the {runs} runs, on the machine above)",
        "months": "January February March April May June July August September "
        "October November December",
        "date": "{day} {month} {year}",
    },
    "ru": {
        "columns": ["N", "как", "общее время", "создание одного", "RSS на живой", "виртуальная"],
        "computing_columns": ["как", "общее время"],
        "cpu": "Процессор",
        "python": "Python",
        "os": "Система",
        "stack": "Размер стека потока (`ulimit -s`)",
        "measured": "Когда",
        "measured_how": "{date}, {runs} запусков: каждое число — медиана {runs} отдельных "
        "процессов, под ней наименьшее и наибольшее значения",
        "others": "Другая работа",
        "others_how": "пока шли замеры, другие процессы и ядро занимали {low}–{high}\u00a0% "
        "процессорного времени",
        "cpus": "{cpus} ядра",
        "report": "Вывод (первый из {runs} запусков, на машине, описанной выше)",
        "months": "января февраля марта апреля мая июня июля августа сентября "
        "октября ноября декабря",
        "date": "{day} {month} {year} года",
    },
}


def _words(lang: str) -> dict:
    return WORDS.get(lang, WORDS["en"])


def _row(data: dict, workload: str, n: int | None = None) -> dict:
    rows = data["computing"] if n is None else data["waiting"]
    for row in rows:
        if row["workload"] == workload and (n is None or row["n"] == n):
            return row
    raise KeyError(f"{workload} N={n}")


def _cell(values: dict | None, figure: str, lang: str) -> str:
    """``0.213 s`` with ``0.205–0.22`` in small type under it; — if not measured."""
    if values is None:
        return "—"
    places = bench.decimals(figure, values["median"])
    low, high = (bench.number(values[k], lang, places) for k in ("min", "max"))
    return f"{bench.quantity(values['median'], figure, lang)}<br><small>{low}–{high}</small>"


def _table(columns: list[str], rows: list[list[str]]) -> str:
    align = ["--:" if c == "N" else ":--" for c in columns[:2]] + ["--:"] * (len(columns) - 2)
    if len(columns) == 2:
        align = [":--", "--:"]
    lines = ["| " + " | ".join(columns) + " |", "|" + "|".join(align) + "|"]
    lines += ["| " + " | ".join(cells) + " |" for cells in rows]
    return "\n".join(lines)


def table(data: dict, lang: str) -> str:
    rows = []
    for row in data["waiting"]:
        cells = [bench.number(row["n"], lang), bench.text(lang, row["workload"])]
        cells += [_cell(row[figure], figure, lang) for figure in bench.FIGURES]
        rows.append(cells)
    return _table(_words(lang)["columns"], rows)


def computing_table(data: dict, lang: str) -> str:
    rows = [
        [bench.text(lang, row["workload"]), _cell(row["wall_s"], "wall_s", lang)]
        for row in data["computing"]
    ]
    return _table(_words(lang)["computing_columns"], rows)


def spoken_date(iso: str, lang: str) -> str:
    """2026-12-02 as the page's language writes it (2 December 2026, 2 декабря 2026 года)."""
    year, month, day = (int(part) for part in iso.split("-"))
    words = _words(lang)
    month_name = words["months"].split()[month - 1]
    return words["date"].format(day=day, month=month_name, year=year)


def machine(data: dict, lang: str) -> str:
    m, words = data["machine"], _words(lang)
    low, high = (bench.number(f(m["others_busy"]) * 100, lang, 0) for f in (min, max))
    items = [
        (words["cpu"], f"{m['cpu']}, " + words["cpus"].format(cpus=m["cpus"])),
        (words["python"], f"{m['python']} ({m['implementation']})"),
        (words["os"], m["os"]),
        (words["stack"], m["ulimit_s"].replace("KiB", bench.text(lang, "kib"))),
        (
            words["measured"],
            words["measured_how"].format(date=spoken_date(m["date"], lang), runs=data["runs"]),
        ),
        (words["others"], words["others_how"].format(low=low, high=high)),
    ]
    return "\n".join(f"- **{name}:** {value}" for name, value in items)


def chart(data: dict, name: str, lang: str, docs_dir: Path) -> str:
    """The light and the dark chart; Material shows the one for the reader's scheme."""
    lines = []
    alt = bench.alt_text(data, name, lang).replace("[", "(").replace("]", ")")
    for theme in bench.THEMES:
        svg = bench.chart_path(Path("."), name, theme).as_posix()
        width, height = svg_size(bench.chart_path(docs_dir, name, theme))
        lines.append(
            f"![{alt}]({svg}#only-{theme}){{ loading=lazy width={width} height={height} }}"
        )
    return "\n".join(lines)


def svg_size(path: Path) -> tuple[int, int]:
    """An SVG's size in CSS pixels (matplotlib writes points: 1 pt = 4/3 px)."""
    head = path.read_text(encoding="utf-8")[:2000]
    found = re.search(r'width="([\d.]+)pt" height="([\d.]+)pt"', head)
    if not found:
        raise PluginError(
            f"{path}: no width and height in points; redraw it (make bench-concurrency)"
        )
    return tuple(round(float(v) * 4 / 3) for v in found.groups())


def report(data: dict, lang: str) -> str:
    title = _words(lang)["report"].format(runs=data["runs"])
    # .data-report: written from the data file, which tests/test_bench_concurrency.py
    # checks; tools/examples/audit.py knows such blocks are not the harness's.
    return (
        f'``` {{ .text .no-copy .data-report title="{title}" }}\n{data["reports"][0].rstrip()}\n```'
    )


def times(ratio: float, lang: str) -> str:
    """``22.4`` -> "22 times" (en), "в 22 раза" (ru); one decimal below 10."""
    places = 0 if ratio >= 10 else 1
    shown = bench.number(ratio, lang, places)
    if lang != "ru":
        return f"{shown} times"
    whole = round(ratio, places)
    few = whole != int(whole) or (
        int(whole) % 10 in (2, 3, 4) and int(whole) % 100 not in (12, 13, 14)
    )
    return f"в {shown} {'раза' if few else 'раз'}"


def value(data: dict, name: str, lang: str, docs_dir: Path) -> str:
    """Whatever ``{{ measured.NAME }}`` stands for, as Markdown."""
    parts = name.split(".")
    blocks = {
        "machine": machine,
        "table": table,
        "computing_table": computing_table,
        "report": report,
    }
    if name in blocks:
        return blocks[name](data, lang)
    if parts[0] == "chart" and len(parts) == 2 and parts[1] in bench.CHARTS:
        return chart(data, parts[1], lang, docs_dir)
    if name in ("runs", "jobs"):
        return bench.number(data[name], lang)
    if name == "wait":
        return f"{bench.number(data['wait_s'], lang)}\u00a0{bench.text(lang, 's')}"
    if name == "stack":
        kib = int(data["machine"]["ulimit_s"].split()[0])
        unit = "MiB" if lang == "en" else "МиБ"
        return f"{bench.number(kib // 1024, lang)}\u00a0{unit}" if kib % 1024 == 0 else str(kib)
    if parts[0] == "default_pool" and len(parts) == 2:
        n = min(row["n"] for row in data["waiting"])
        workers = min(32, data["machine"]["cpus"] + 4)  # ThreadPoolExecutor's default
        found = {"n": n, "workers": workers, "rounds": -(-n // workers)}
        return bench.number(found[parts[1]], lang)
    if name == "alive_one_by_one":
        # In the wall-time run of the largest N, threads start one by one
        # at N per wall time, and each is gone 0.1 s after its start: about
        # wait / (wall / N) of them exist at any moment.
        n = max(row["n"] for row in data["waiting"])
        wall_s = _row(data, "threads", n)["wall_s"]["median"]
        alive = data["wait_s"] * n / wall_s
        return bench.number(float(f"{alive:.2g}"), lang, 0)
    if parts[0] == "times" and len(parts) == 3 and parts[2].isdigit():
        n = int(parts[2])
        if parts[1] == "overstated":  # a thread's virtual size over its RSS
            row = _row(data, "threads", n)
            return times(row["virt_kib"]["median"] / row["rss_kib"]["median"], lang)
        figure = FIGURES[parts[1]]
        threads, tasks = (_row(data, w, n)[figure]["median"] for w in ("threads", "tasks"))
        return times(threads / tasks, lang)
    if parts[0] == "computing" and len(parts) in (2, 3) and parts[2:] in ([], ["fastest"]):
        values = _row(data, parts[1])["wall_s"]
        return bench.quantity(values["min" if parts[2:] else "median"], "wall_s", lang)
    if len(parts) == 3 and parts[1] in FIGURES and parts[2].isdigit():
        figure, n = FIGURES[parts[1]], int(parts[2])
        values = _row(data, parts[0], n)[figure]
        if values is None:
            raise KeyError(name)
        return bench.quantity(values["median"], figure, lang)
    raise KeyError(name)


def render(markdown: str, data: dict, lang: str, docs_dir: Path, where: str) -> str:
    """Replace every placeholder; a block keeps the indentation of its line."""
    out = []
    for number, line in enumerate(markdown.split("\n"), 1):

        def replace(match, line=line, number=number):
            try:
                text = value(data, match["name"], lang, docs_dir)
            except (KeyError, IndexError, ValueError):
                raise PluginError(
                    f"{where}:{number}: {match[0]} is not in {bench.DATA.relative_to(ROOT)} "
                    "(see hooks/measured.py for the names; `make bench-concurrency` "
                    "measures again)"
                ) from None
            indent = line[: len(line) - len(line.lstrip())]
            return text.replace("\n", "\n" + indent)

        out.append(PLACEHOLDER.sub(replace, line))
    return "\n".join(out)


# --- mkdocs hook -----------------------------------------------------------


def on_files(files, config):
    """The data file, next to the page, in every language."""
    if files.get_file_from_path(PUBLISHED) is None and bench.DATA.exists():
        files.append(File.generated(config, PUBLISHED, abs_src_path=str(bench.DATA)))
    return files


def on_page_markdown(markdown, page, config, files):
    if not PLACEHOLDER.search(markdown):
        return markdown
    docs_dir = Path(config["docs_dir"])
    source = docs_dir / page.file.src_uri
    where = (source.relative_to(ROOT) if source.is_relative_to(ROOT) else source).as_posix()
    return render(markdown, bench.load(), config["theme"]["language"], docs_dir, where)
