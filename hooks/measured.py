"""Figures from the threads-or-asyncio benchmark, written into the pages at
build time from its data file, so that no number on the site is typed by hand.

``make bench-concurrency`` (``tools/bench_concurrency.py``) measures and writes
``docs/en/measured/threads_vs_asyncio.json``; a page quotes it with
``{{ measured.NAME }}``:

* on a line of its own: ``machine`` (where and when it was measured),
  ``table`` and ``computing_table``, ``chart.wall_s``, ``chart.create_us``,
  ``chart.rss_kib``, ``chart.computing`` (the light and the dark chart, with
  alt text), ``report`` (the first run's report, as printed);
* in a sentence: ``runs``, ``wait``, ``jobs``; ``runs.times`` ("5 times",
  "5 раз"), ``runs.of`` ("5 runs" after "of the", "5 запусков" after "из");
  ``cpus`` ("2 CPUs", "2 процессора"); a median such as
  ``tasks.wall.10000`` (workload ``threads``/``pool``/``tasks``, figure
  ``wall``/``create``/``rss``/``virt``, N), ``computing.threads`` (and
  ``computing.threads.fastest``, the lowest of the runs);
  ``computing.comparison``: whether threads or tasks gain anything on the
  computing jobs, as the runs show it (a sentence without its full stop; the
  build fails if either was faster in every run, which the page says they are
  not); ``times.wall.10000``: threads' median over tasks', as "22 times" or
  "в 22 раза"; ``times.overstated.10000``: a thread's virtual size over its
  RSS; ``default_pool.workers``/``.n``/``.rounds``; ``stack`` (``ulimit -s``);
  ``alive_one_by_one``: about how many threads are alive at once when the
  largest N are started one by one (the wall-time run).

The machine's description says how much of the CPU time other work used while
the runs measured only where that could be measured (``others_shares``), and
the load average before each run.

Numbers are written the page's way (``10,000`` and ``0.25 s`` in English,
``10 000`` and ``0,25 с`` in Russian), and the words counted after them agree
with them (``hooks/russian.py``: 1 процессор, 2 процессора, 5 процессоров).
A name the data does not have fails the build, naming the page and line. The data file is also published next to the
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

from hooks import russian
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
        "measured_how": "{date}, {runs}: every figure is the median of {processes}, "
        "with the lowest and the highest under it",
        "others": "Other work",
        "others_all": "while the runs measured, other work (other processes, the OS kernel "
        "and, on a virtual machine, its host) used {amount} of the CPU time{every}",
        "others_some": "in {measured} of the {runs}, other work (other processes, the OS "
        "kernel and, on a virtual machine, its host) used {amount} of the CPU time; in the "
        "other {unmeasured} it could not be measured: {why}",
        "others_none": "could not be measured: in every run, {why}",
        "why": "the CPU time the system counted as busy, less the benchmark's own, came out "
        "at zero or below",
        "every": " in every run",
        "every_run": "the same in every run",
        "under": "less than 0.5\u00a0%",
        "load": "Load average",
        "load_how": "{loads}, just before each run in turn (the 1-minute load average: it "
        "fades over a few minutes, so it still counts the threads that were running or "
        "waiting for a CPU before, the previous run's included)",
        "and": "and",
        "neither": "Neither threads nor tasks gain anything over doing the jobs one after "
        "another: {detail}",
        "overlap": "the times of their runs overlap those one after another ({ranges}), so "
        "the medians, which differ by at most {difference}, do not tell the ways apart",
        "slower": "every run {ways} took longer than any run one after another ({ranges})",
        "slower_and_overlap": "every run {slower} took longer than any run one after "
        "another, and the times of the runs {overlap} overlap those one after another "
        "({ranges})",
        "way": {"sequential": "one after another", "threads": "in threads", "tasks": "in tasks"},
        "range": "{range} {way}",
        "report": "Output (the first of the {runs}, on the machine above)",
        "months": "January February March April May June July August September "
        "October November December",
        "date": "{day} {month} {year}",
    },
    "ru": {
        "columns": [
            "N",
            "способ",
            "общее время",
            "создание одной",
            "RSS на живую",
            "виртуальная на одну",
        ],
        "computing_columns": ["способ", "общее время"],
        "cpu": "Процессор",
        "python": "Python",
        "os": "Система",
        "stack": "Размер стека потока (`ulimit -s`)",
        "measured": "Когда",
        "measured_how": "{date}, {runs}: каждое число — медиана {processes}, под ней "
        "наименьшее и наибольшее значения",
        "others": "Другая работа",
        "others_all": "пока шли замеры, другая работа (другие процессы, ядро ОС, а на "
        "виртуальной машине ещё и её хост) заняла {amount} процессорного времени{every}",
        "others_some": "в {measured} из {runs} другая работа (другие процессы, ядро ОС, а на "
        "виртуальной машине ещё и её хост) заняла {amount} процессорного времени; в "
        "остальных ({unmeasured}) её не удалось измерить: {why}",
        "others_none": "измерить не удалось: в каждом запуске {why}",
        "why": "процессорное время, которое система учла как занятое, за вычетом времени "
        "самого замера получалось нулевым или отрицательным",
        "every": " в каждом запуске",
        "every_run": "во всех запусках одинаково",
        "under": "меньше 0,5\u00a0%",
        "load": "Средняя загрузка (load average)",
        "load_how": "{loads} — перед каждым из запусков по порядку (это загрузка, "
        "усреднённая за 1 минуту: она спадает несколько минут, так что в ней ещё учтены "
        "потоки, которые до того работали или ждали процессора, в том числе потоки "
        "предыдущего запуска)",
        "and": "и",
        "neither": "Ни потоки, ни задачи ничего не выигрывают по сравнению с выполнением "
        "заданий по очереди: {detail}",
        "overlap": "диапазоны времени их запусков и запусков по очереди перекрываются "
        "({ranges}), так что медианы, которые расходятся не больше чем на {difference}, не "
        "позволяют отличить один способ от другого",
        "slower": "каждый запуск {ways} занял больше времени, чем любой запуск по очереди "
        "({ranges})",
        "slower_and_overlap": "каждый запуск {slower} занял больше времени, чем любой запуск "
        "по очереди, а диапазоны времени запусков {overlap} и по очереди перекрываются "
        "({ranges})",
        "way": {"sequential": "по очереди", "threads": "в потоках", "tasks": "в задачах"},
        "range": "{way} {range}",
        "report": "Вывод (первый из {runs}, на машине, описанной выше)",
        "months": "января февраля марта апреля мая июня июля августа сентября "
        "октября ноября декабря",
        "date": "{day} {month} {year} года",
    },
}

# Counted nouns: (one, few, many) in Russian (hooks/russian.py picks the form),
# (one, other) in English.
NOUNS = {
    "en": {
        "cpus": ("CPU", "CPUs"),
        "logical_cpus": ("CPU", "CPUs"),
        "runs": ("run", "runs"),  # 5 runs
        "runs_of": ("run", "runs"),  # the first of the 5 runs
        "times": ("time", "times"),  # ran 5 times
        "processes": ("separate process", "separate processes"),  # the median of 5 …
    },
    "ru": {
        "cpus": russian.CPUS,
        # Right after the model's name, "2 процессора" would read as two chips.
        "logical_cpus": tuple(
            f"{adjective} {noun}"
            for adjective, noun in zip(
                ("логический", "логических", "логических"), russian.CPUS, strict=True
            )
        ),
        "runs": ("запуск", "запуска", "запусков"),  # 5 запусков
        "runs_of": ("запуска", "запусков", "запусков"),  # первый из 5 запусков
        "times": ("раз", "раза", "раз"),  # запущена 5 раз
        "processes": ("отдельного процесса", "отдельных процессов", "отдельных процессов"),
    },
}


def counted(n: int, noun: str, lang: str) -> str:
    """``2, "cpus"`` -> "2 CPUs" (en), "2 процессора" (ru); "1 CPU", "5 процессоров"."""
    forms = NOUNS.get(lang, NOUNS["en"])[noun]
    if lang == "ru":
        word = russian.plural(n, *forms)
    else:
        word = forms[0] if n == 1 else forms[1]
    return f"{bench.number(n, lang)}\u00a0{word}"


def _words(lang: str) -> dict:
    return WORDS.get(lang, WORDS["en"])


def _row(data: dict, workload: str, n: int | None = None) -> dict:
    rows = data["computing"] if n is None else data["waiting"]
    for row in rows:
        if row["workload"] == workload and (n is None or row["n"] == n):
            return row
    raise KeyError(f"{workload} N={n}")


def _cell(values: dict | None, figure: str, lang: str) -> str:
    """``0.213 s`` with ``0.205–0.22`` in small type under it (or "every run" where
    the lowest and the highest round alike: never a range like ``16.2–16.2``); —
    if not measured."""
    if values is None:
        return "—"
    places = bench.decimals(figure, values["median"])
    low, high = (bench.number(values[k], lang, places) for k in ("min", "max"))
    spread = _words(lang)["every_run"] if low == high else f"{low}–{high}"
    return f"{bench.quantity(values['median'], figure, lang)}<br><small>{spread}</small>"


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


def others_shares(machine: dict) -> list[float | None]:
    """The share of the CPU time other work used in each run; None where it
    could not be measured. Data written before ``others_estimate`` was recorded
    clamped a negative estimate to 0, so an exact 0 there means the same."""
    shares = machine.get("others_busy", [])
    if "others_estimate" not in machine:
        return [None if share == 0 else share for share in shares]
    return list(shares)


def others(machine: dict, lang: str) -> str:
    """How much of the CPU time other work used while the runs measured, as far
    as it could be measured: a range, one value if they all round alike, or
    why it could not be measured."""
    words = _words(lang)
    shares = others_shares(machine)
    measured = [share for share in shares if share is not None]
    if not measured:
        return words["others_none"].format(why=words["why"])

    def percent(share: float) -> str:
        return bench.number(share * 100, lang, 0)

    low, high = percent(min(measured)), percent(max(measured))
    if high == percent(0):
        amount = words["under"]
    elif low == high:
        amount = f"{high}\u00a0%"
    else:
        amount = f"{low}–{high}\u00a0%"
    if len(measured) == len(shares):
        every = words["every"] if low == high and len(shares) > 1 else ""
        return words["others_all"].format(amount=amount, every=every)
    return words["others_some"].format(
        amount=amount,
        measured=bench.number(len(measured), lang),
        runs=counted(len(shares), "runs_of", lang),
        unmeasured=bench.number(len(shares) - len(measured), lang),
        why=words["why"],
    )


def load_before(machine: dict, lang: str) -> str | None:
    """The load average before each run, in order, or None if not recorded."""
    loads = machine.get("load_before")
    if not loads:
        return None
    shown = [bench.number(load, lang, 1) for load in loads]
    # In Russian a decimal comma: the values are kept apart by semicolons.
    separator = "; " if lang == "ru" else ", "
    listed = (
        separator.join(shown[:-1]) + f" {_words(lang)['and']} " + shown[-1]
        if len(shown) > 1
        else shown[0]
    )
    return _words(lang)["load_how"].format(loads=listed)


def machine(data: dict, lang: str) -> str:
    m, words = data["machine"], _words(lang)
    items = [
        (words["cpu"], f"{m['cpu']}, {counted(m['cpus'], 'logical_cpus', lang)}"),
        (words["python"], f"{m['python']} ({m['implementation']})"),
        (words["os"], m["os"]),
        (words["stack"], m["ulimit_s"].replace("KiB", bench.text(lang, "kib"))),
        (
            words["measured"],
            words["measured_how"].format(
                date=spoken_date(m["date"], lang),
                runs=counted(data["runs"], "runs", lang),
                processes=counted(data["runs"], "processes", lang),
            ),
        ),
        (words["others"], others(m, lang)),
    ]
    if load := load_before(m, lang):
        items.append((words["load"], load))
    return "\n".join(f"- **{name}:** {value}" for name, value in items)


def computing_relations(data: dict) -> dict[str, str]:
    """For threads and tasks, how their runs of the computing jobs compare with
    the runs one after another: "faster" (every run faster than every run one
    after another), "slower" (every run slower), or "overlap"."""
    walls = {row["workload"]: row["wall_s"] for row in data["computing"]}
    sequential, relations = walls["sequential"], {}
    for way in ("threads", "tasks"):
        if walls[way]["max"] < sequential["min"]:
            relations[way] = "faster"
        elif walls[way]["min"] > sequential["max"]:
            relations[way] = "slower"
        else:
            relations[way] = "overlap"
    return relations


def computing_comparison(data: dict, lang: str) -> str:
    """The sentence on whether threads or tasks gain anything on the computing
    jobs, as the runs show it (no final full stop). If either was faster in
    every run, the page's "neither helps" is no longer true: the build fails."""
    words = _words(lang)
    relations = computing_relations(data)
    faster = [way for way, relation in relations.items() if relation == "faster"]
    if faster:
        raise PluginError(
            f"{bench.DATA.relative_to(ROOT)}: every run in {' and '.join(faster)} was faster "
            "than every run one after another; the measured page says neither helps: "
            "reword it for these data"
        )
    walls = {row["workload"]: row["wall_s"] for row in data["computing"]}
    ranges = ", ".join(
        words["range"].format(
            way=words["way"][way],
            range=f"{bench.number(values['min'], lang, bench.decimals('wall_s', values['median']))}"
            f"–{bench.quantity(values['max'], 'wall_s', lang)}",
        )
        for way, values in walls.items()
    )
    ways = {
        relation: [words["way"][w] for w, r in relations.items() if r == relation]
        for relation in ("slower", "overlap")
    }
    joined = {relation: f" {words['and']} ".join(found) for relation, found in ways.items()}
    if not ways["slower"]:
        medians = [values["median"] for values in walls.values()]
        difference = bench.quantity(max(medians) - min(medians), "wall_s", lang)
        detail = words["overlap"].format(ranges=ranges, difference=difference)
    elif not ways["overlap"]:
        detail = words["slower"].format(ways=joined["slower"], ranges=ranges)
    else:
        detail = words["slower_and_overlap"].format(
            slower=joined["slower"], overlap=joined["overlap"], ranges=ranges
        )
    return words["neither"].format(detail=detail)


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
    title = _words(lang)["report"].format(runs=counted(data["runs"], "runs_of", lang))
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
    if name in ("runs.times", "runs.of"):  # "5 times"/"5 раз"; "(of the) 5 runs"/"(из) 5 запусков"
        return counted(data["runs"], "times" if parts[1] == "times" else "runs_of", lang)
    if name == "cpus":
        return counted(data["machine"]["cpus"], "cpus", lang)
    if name == "computing.comparison":
        return computing_comparison(data, lang)
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
