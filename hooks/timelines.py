"""Event-loop timelines: a ```` ```timeline ```` fence holding a snippet
(``tasks/create_task_order.py``, or ``tasks/create_task_order.py:cell`` for
its Jupyter form) becomes the picture of that snippet's committed trace
(``docs/traces/``, made by ``make timelines``), drawn in the page's language
by :mod:`tools.timeline.draw`. Nothing runs at build time.

mkdocs.yml registers the fence with pymdownx.superfences (``custom_fences``,
``format: !!python/name:hooks.timelines.fence``) and lists this file among its
hooks, which tells the formatter the language of the build and checks every
fence of a page before it is rendered: a fence naming no snippet, or a
snippet with no trace, stops the build naming the page, line and command. A
trace older than its snippet is drawn all the same (``mkdocs serve`` keeps
working while you edit), with a note on the picture and in the build's log;
``tests/test_timelines.py`` fails until ``make timelines`` is run.

mkdocs loads a hook by its path, while the YAML config imports the formatter
as ``hooks.timelines``: two module objects. The formatter's module holds
the state, and the hook writes to it (:func:`_formatter_module`).
"""

from __future__ import annotations

import re
import sys
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `mkdocs serve` from .venv/bin does not put the project on the path
    sys.path.insert(0, str(ROOT))

from tools.examples import blocks
from tools.timeline import draw
from tools.timeline import trace as traces

log = get_plugin_logger(__name__)

FENCE = traces.LANGUAGE
# The formatter's state: the build's language, and the page being rendered.
state: dict = {"lang": "en", "page": None, "styled": False, "notes": {}}


def _formatter_module(config):
    """The module whose ``fence`` the Markdown config registered (see above)."""
    superfences = config["mdx_configs"].get("pymdownx.superfences", {})
    for custom in superfences.get("custom_fences", []):
        if custom.get("name") == FENCE:
            formatter = custom.get("format")
            module = sys.modules.get(getattr(formatter, "__module__", ""))
            if module is not None and getattr(formatter, "__name__", "") == "fence":
                return module
    raise PluginError(
        f"hooks/timelines.py: mkdocs.yml does not register the ```{FENCE} fence; add to "
        "pymdownx.superfences: custom_fences: [{name: timeline, class: timeline, "
        "format: !!python/name:hooks.timelines.fence}]"
    )


def _shown(path: Path) -> str:
    return str(path.relative_to(ROOT) if path.is_relative_to(ROOT) else path)


def on_config(config):
    shared = _formatter_module(config).state
    shared.update(lang=config["theme"]["language"], page=None, notes={})
    return config


def on_page_markdown(markdown, page, config, files):
    shared = _formatter_module(config).state
    where = f"{Path(config['docs_dir']).name}/{page.file.src_uri}"
    shared.update(page=where, styled=False, notes={})
    seen: dict[traces.Target, int] = {}
    for fence in blocks.read(markdown).fences:
        if fence.language != FENCE:
            continue
        try:
            target = traces.Target.parse(fence.body)
        except ValueError as error:
            raise PluginError(f"{where}:{fence.line}: {error}") from None
        if target in seen:
            raise PluginError(
                f"{where}:{fence.line}: a second timeline of {target} on this page (the first "
                f"is at line {seen[target]}); show each picture once"
            )
        seen[target] = fence.line
        if not (traces.SNIPPETS / target.snippet).is_file():
            raise PluginError(
                f"{where}:{fence.line}: ```{FENCE}: snippets/{target.snippet} does not exist"
            )
        trace = traces.load(target)
        if trace is None:
            raise PluginError(
                f"{where}:{fence.line}: no trace of snippets/{target} for its timeline "
                f"({_shown(target.path())}): run `{traces.REFRESH}` and commit docs/traces/"
            )
        if traces.stale(target, trace):
            note = f"This timeline is older than snippets/{target.snippet}: run `{traces.REFRESH}`."
            shared["notes"][target] = note
            log.info(f"{where}:{fence.line}: {note}")
    return markdown


def fence(source, language, css_class, options, md, **kwargs):
    """The superfences formatter: the figure of the trace ``source`` names."""
    target = traces.Target.parse(source)
    trace = traces.load(target)
    if trace is None:  # on_page_markdown has stopped the build already, unless it is not a hook
        raise PluginError(f"no trace of snippets/{target}: run `{traces.REFRESH}`")
    ident = "tl-" + re.sub(r"[^a-z0-9]+", "-", str(target).lower()).strip("-")
    style = not state["styled"]
    state["styled"] = True
    return draw.figure(trace, state["lang"], ident, style, state["notes"].get(target, ""))
