"""The notebook page's HTML: mkdocs-jupyter's rendering, committed as a file.

Rendering the notebook takes mkdocs-jupyter's converter (nbconvert: about
0.3 s to import, 0.3 s to convert) and pruning the 570 kB of JupyterLab CSS
it inlines (0.8 s), per language: three times a whole build of the site. So
the rendered page is kept in the repository, like a lock file:
``notebooks/rendered/lesson.<lang>.html``, its first line naming the key it
was rendered for (the .ipynb text, the language, this module and the
renderer's versions). A build whose notebook matches takes the page from
there and never imports nbconvert.

After an edit to ``notebooks/``, to a snippet the notebook includes, or to
this module, the committed page no longer matches: the build (and
``mkdocs serve``) renders the page itself, keeps it in ``.cache/notebook/``
(or $NOTEBOOK_CACHE), and says to run ``make notebook``, which rewrites the
committed pages. ``tests/test_notebook.py`` fails while a committed page is
out of date or differs from what the renderer makes.

    python -m tools.notebook_page            # rewrite the pages that are out of date
    python -m tools.notebook_page --check    # list them; exit 1 if any
"""

from __future__ import annotations

import argparse
import hashlib
import html
import os
import re
import sys
from dataclasses import dataclass
from pathlib import Path

from tools.notebook import FILE_NAME, ROOT, SOURCES

RENDERED = Path(os.environ.get("NOTEBOOK_RENDERED") or SOURCES / "rendered")
CACHE = Path(os.environ.get("NOTEBOOK_CACHE") or ROOT / ".cache" / "notebook")
FIRST_LINE = re.compile(r"^<!-- (?P<note>.*) key: (?P<key>[0-9a-f]{64}) -->\n")
REFRESH = "make notebook"

# Text of the download link (the file's name is the same in every language).
DOWNLOAD = {"en": "Download the notebook", "ru": "Скачать блокнот"}
# Parts of the rendered notebook that are not lesson text: each output, the
# In/Out prompts, the copy button's "Copied!" and its hidden copy of the code,
# and cell tags. Material's search skips an element marked data-search-exclude
# only up to the first closing tag of the same name inside it, so the marks go
# on these innermost elements, not on the output area around them.
NOT_SEARCHED = {
    "jp-OutputArea-output",
    "jp-InputPrompt",
    "jp-OutputPrompt",
    "zeroclipboard-container",
    "clipboard-copy-txt",
    "celltoolbar",
}


def renderer_version() -> str:
    """Everything besides the notebook that the rendered page depends on."""
    from importlib.metadata import version

    this = Path(__file__).read_bytes()
    versions = ",".join(version(p) for p in ("mkdocs-jupyter", "nbconvert", "pygments"))
    return hashlib.sha256(this + versions.encode()).hexdigest()[:16]


def cache_key(ipynb: str, lang: str) -> str:
    return hashlib.sha256(f"{lang}\0{renderer_version()}\0{ipynb}".encode()).hexdigest()


def _slug(text: str) -> str:
    text = re.sub(r"<[^>]+>", "", html.unescape(text)).replace("¶", "")
    text = re.sub(r"[^\w\s-]", "", text.lower()).strip()
    return re.sub(r"[-\s]+", "-", text) or "section"


HEADING = re.compile(r'<h([1-6]) id="([^"]+)">(.*?)<a class="headerlink"', re.DOTALL)


def toc(content: str) -> list[dict]:
    """mkdocs toc tokens (nested) for the headings of a rendered page."""
    root: list[dict] = []
    stack: list[dict] = []
    for found in HEADING.finditer(content):
        level, ident = int(found.group(1)), found.group(2)
        name = re.sub(r"<[^>]+>", "", found.group(3)).strip()
        token = {"level": level, "id": ident, "name": name, "html": name, "children": []}
        token["data-toc-label"] = name
        while stack and stack[-1]["level"] >= level:
            stack.pop()
        (stack[-1]["children"] if stack else root).append(token)
        stack.append(token)
    return root


def _unwrap_headings(content: str) -> str:
    """Lift each heading-only Markdown cell out of its cell ``<div>``s.

    Material's search starts a section at a heading and ends it when the
    element around the heading closes: inside a cell, the section would end
    with that cell, and the cells after it would count as the page's preface.
    As a child of the notebook itself, a heading's section runs to the next one.
    """
    out, position = [], 0
    start_tag = '<div class="jp-Cell jp-MarkdownCell jp-Notebook-cell"'
    while (start := content.find(start_tag, position)) != -1:
        depth, end = 0, start
        for tag in re.finditer(r"<div\b|</div>", content[start:]):
            depth += 1 if tag.group() == "<div" else -1
            if depth == 0:
                end = start + tag.end()
                break
        cell = content[start:end]
        heading = re.search(r"<h([1-6])\b.*?</h\1>", cell, flags=re.DOTALL)
        rest = cell.replace(heading.group(), "") if heading else cell
        text = re.sub(r"<[^>]+>", "", rest).strip()
        out.append(content[position:start])
        out.append(heading.group() if heading and not text else cell)
        position = end
    out.append(content[position:])
    return "".join(out)


def postprocess(content: str, lang: str) -> str:
    """Make mkdocs-jupyter's HTML fit this site.

    * No third-party scripts: the MathJax loader (an empty ``<script src="">``
      when no MathJax URL is set, whose load never completes, which stalls
      Material's instant navigation) and the mermaid loader (from a CDN) go;
      the lesson has neither maths nor diagrams.
    * Outputs, prompts, copy buttons and tags are excluded from search.
    * Headings get ids that keep non-Latin letters (mkdocs-jupyter drops them,
      which leaves Russian headings without a usable anchor); the table of
      contents is read from them (:func:`toc`), so its links always match.
    * Dark mode: the JupyterLab dark palette applies under Material's slate
      scheme, so the notebook follows the reader's light/dark switch.
    * One download link to the .ipynb, under the title.
    * Valid HTML: every ``<style>`` of the rendering (JupyterLab's CSS, pruned
      to the rules the page uses) is taken out into one stylesheet, which the
      build serves as a file of its own (cached by the browser, not 147 kB of
      every load); the copy buttons get the role their label needs, without
      the stray ``,=""`` attribute nbconvert's template writes.
    * Fewer elements: the cells' empty collapser ``<div>``s go (JupyterLab
      hides them anyway) and so do a Markdown cell's empty prompt, the
      spans around names and whitespace in code (drawn in the code's own
      colour), and a wrapper and a path in each copy button's icon.

    Returns the page as :func:`split` reads it: ``<style>`` with the
    stylesheet, then the HTML.
    """
    content = re.sub(
        r"<!-- Load mathjax -->.*?<!-- End of mathjax configuration -->",
        "",
        content,
        flags=re.DOTALL,
    )
    content = re.sub(
        r'<script type="module">(?:(?!</script>).)*?mermaid.*?</script>',
        "",
        content,
        flags=re.DOTALL,
    )
    if re.search(r"<script[^>]*\bsrc=", content):
        raise RuntimeError("the rendered notebook loads a script from elsewhere; remove it here")

    def exclude(match: re.Match) -> str:
        classes = set(match.group(2).split())
        marker = " data-search-exclude" if classes & NOT_SEARCHED else ""
        return f'<div{marker}{match.group(1)}class="{match.group(2)}"'

    content = re.sub(r'<div(\s+)class="([^"]*)"', exclude, content)
    content = _unwrap_headings(content)

    seen: dict[str, int] = {}

    def heading(match: re.Match) -> str:
        level, inner = int(match.group(1)), match.group(3)
        inner = re.sub(r'<a class="anchor-link".*?</a>', "", inner, flags=re.DOTALL).strip()
        name = re.sub(r"<[^>]+>", "", inner).strip()
        ident = _slug(name)
        if ident in seen:
            seen[ident] += 1
            ident = f"{ident}_{seen[ident]}"
        else:
            seen[ident] = 0
        link = f'<a class="headerlink" href="#{ident}" title="Permanent link">¶</a>'
        return f'<h{level} id="{ident}">{inner}{link}</h{level}>'

    content = re.sub(r'<h([1-6]) id="([^"]*)">(.*?)</h\1>', heading, content, flags=re.DOTALL)

    from mkdocs_jupyter.config import settings as jupyter_settings

    dark = Path(jupyter_settings.templates_dir, "mkdocs_html", "assets", "theme-dark.css")
    dark_css = dark.read_text(encoding="utf-8").replace(
        ".jupyter-wrapper{", '[data-md-color-scheme="slate"] .jupyter-wrapper{'
    )
    label = DOWNLOAD.get(lang, DOWNLOAD["en"])
    name = f"asyncio-lesson.{lang}.ipynb" if lang != "en" else "asyncio-lesson.ipynb"
    under_title = (
        f'<p class="notebook-download"><a class="md-button" href="{FILE_NAME}" download="{name}">'
        f"{label} ({FILE_NAME})</a></p>"
    )
    content = re.sub(r"(</h1>)", lambda m: m.group(1) + under_title, content, count=1)
    content = content.replace(
        '<clipboard-copy ,="" aria-label=', '<clipboard-copy role="button" aria-label='
    )
    content = re.sub(r'<div class="jp-Collapser [^"]*">\s*</div>\n?', "", content)
    # A Markdown cell's empty prompt (JupyterLab hides it).
    content = re.sub(
        r'<div data-search-exclude class="jp-InputPrompt [^"]*">\s*</div>', "", content
    )
    # The copy button's icon in one path, without the <div> around it.
    content = re.sub(
        r"<div>\s*(<span class=\"notice\"[^<]*</span>)\s*(<svg[^>]*>)\s*"
        r'<path d="([^"]*)"[^>]*></path>\s*<path d="([^"]*)"[^>]*></path>\s*</svg>\s*</div>',
        r'\1\2<path d="\3 \4" fill="currentColor" fill-rule="evenodd"></path></svg>',
        content,
    )
    # Names and whitespace are drawn in the code's own colour: no span (as
    # hooks/code_spans.py does for the other pages).
    content = re.sub(r'<span class="[nw]">([^<]*)</span>', r"\1", content)
    styles = re.findall(r"<style[^>]*>(.*?)</style>", content, flags=re.DOTALL)
    content = re.sub(r"<style[^>]*>.*?</style>\n?", "", content, flags=re.DOTALL)
    used = {name for names in re.findall(r'class="([^"]*)"', content) for name in names.split()}
    states = set(re.findall(r"\s(data-jp-[\w-]+)=", content))
    pruned = "\n".join(prune_css(css, used, states) for css in [*styles, dark_css])
    stylesheet = without_unused_variables(without_repeats(pruned))
    return f"<style>{stylesheet}</style>\n{content}"


def split(stored: str) -> tuple[str, str]:
    """``(stylesheet, html)`` of a page as :func:`postprocess` returns it."""
    found = re.match(r"<style>(.*?)</style>\n", stored, flags=re.DOTALL)
    if found is None:
        raise ValueError("a notebook page starts with its <style>; render it again")
    return found.group(1), stored[found.end() :]


# Declarations in JupyterLab's CSS that are not CSS (no browser applies them;
# the Nu Html Checker reports them): the unprefixed 2009 flexbox draft, a
# cursor value that does not exist.
NOT_CSS = re.compile(
    r"(?<![-\w])(?:box-orient|box-align|box-pack)\s*:[^;}]*;?|\bcursor\s*:\s*normal\s*;?"
)


def prune_css(css: str, used: set[str], attributes: set[str] = frozenset()) -> str:
    """Drop the selectors (and rules) that name a class the page never uses,
    or a JupyterLab state attribute (``[data-jp-…]``) the page does not have,
    and the declarations that are not CSS (:data:`NOT_CSS`); ``@charset``
    goes too (the stylesheet is served as UTF-8).

    nbconvert inlines all of JupyterLab's CSS (about 570 kB) in every notebook
    page; the page uses a small part of it. Selectors with functional
    pseudo-classes (``:not(.a, .b)``) are kept whole, to stay on the safe side.
    """
    import tinycss2

    def wanted(selector: str) -> bool:
        # classes only: not the dots inside [attr="a.b"] selectors
        classes = re.findall(r"\.(-?[_a-zA-Z][\w-]*)", re.sub(r"\[[^\]]*\]", "", selector))
        states = re.findall(r"\[\s*(data-jp-[\w-]+)", selector)
        return all(c in used for c in classes) and all(a in attributes for a in states)

    out = []
    for rule in tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True):
        if rule.type == "qualified-rule":
            prelude = tinycss2.serialize(rule.prelude)
            selectors = [prelude] if "(" in prelude else prelude.split(",")
            kept = [s for s in selectors if wanted(s)]
            body = NOT_CSS.sub("", tinycss2.serialize(rule.content))
            if kept and body.strip():
                out.append(",".join(kept) + "{" + body + "}")
        elif (
            rule.type == "at-rule"
            and rule.lower_at_keyword in {"media", "supports"}
            and rule.content
        ):
            inner = prune_css(tinycss2.serialize(rule.content), used, attributes)
            if inner.strip():
                out.append(f"@{rule.at_keyword}{tinycss2.serialize(rule.prelude)}{{{inner}}}")
        elif rule.type == "at-rule" and rule.lower_at_keyword == "charset":
            continue
        elif rule.type != "error":  # a browser drops what it cannot parse, too
            out.append(tinycss2.serialize([rule]))
    return "\n".join(out)


def _rules(css: str) -> list:
    import tinycss2

    return tinycss2.parse_stylesheet(css, skip_comments=True, skip_whitespace=True)


def without_repeats(css: str) -> str:
    """Each rule once: where the same rule (the same selectors, however
    quoted, and declarations) comes again, the earlier copy goes (the later
    one wins over it anyway). nbconvert's page and mkdocs-jupyter's theme
    carry the same palettes more than once."""
    import tinycss2

    rules = _rules(css)
    keys = []
    for rule in rules:
        text = tinycss2.serialize([rule])
        keys.append(re.sub(r"""=(["'])([^"']*)\1\]""", r"=\2]", text))
    last = {key: index for index, key in enumerate(keys)}
    return "\n".join(
        tinycss2.serialize([rule]) for index, rule in enumerate(rules) if last[keys[index]] == index
    )


def _reads(css: str) -> set[str]:
    return set(re.findall(r"var\(\s*(--[\w-]+)", css))


def without_unused_variables(css: str) -> str:
    """Drop the custom properties (``--jp-…: …``) that nothing reads: not this
    stylesheet, not the site's (overrides/), not Material's. JupyterLab
    defines some thousand of them, icons included as inline SVG. Rules that
    can never match (``.jupyter-wrapper :root``) go too."""
    import material
    import tinycss2

    theme = Path(material.__file__).parent / "templates" / "assets" / "stylesheets"
    others = [*theme.glob("*.css"), *(ROOT / "overrides").rglob("*.css")]
    outside = set().union(*(_reads(p.read_text(encoding="utf-8")) for p in others))

    rules = [r for r in _rules(css) if not re.search(r"\S\s+:root\b", _prelude(r))]
    while True:
        read = outside | _reads("\n".join(tinycss2.serialize([r]) for r in rules))
        kept, dropped = [], False
        for rule in rules:
            if rule.type != "qualified-rule":
                kept.append(rule)
                continue
            declarations = tinycss2.parse_declaration_list(
                rule.content, skip_comments=True, skip_whitespace=True
            )
            keep = [
                d
                for d in declarations
                if d.type != "declaration" or not d.name.startswith("--") or d.name in read
            ]
            dropped |= len(keep) != len(declarations)
            if keep:
                body = ";".join(tinycss2.serialize([d]).strip() for d in keep)
                kept.append(tinycss2.parse_one_rule(f"{_prelude(rule)}{{{body}}}"))
            else:
                dropped = True
        rules = kept
        if not dropped:
            return "\n".join(tinycss2.serialize([r]) for r in rules)


def _prelude(rule) -> str:
    import tinycss2

    return tinycss2.serialize(rule.prelude) if rule.type == "qualified-rule" else ""


def render(ipynb: str, lang: str) -> str:
    """The page's HTML: mkdocs-jupyter's converter, then :func:`postprocess`."""
    import importlib.util
    import tempfile

    # mkdocs-jupyter imports jupytext for .py/.md notebooks only: load it lazily.
    if "jupytext" not in sys.modules and (spec := importlib.util.find_spec("jupytext")):
        spec.loader = importlib.util.LazyLoader(spec.loader)
        module = importlib.util.module_from_spec(spec)
        sys.modules["jupytext"] = module
        spec.loader.exec_module(module)
    # nbconvert otherwise instantiates every exporter it knows of on import.
    os.environ.setdefault("NBCONVERT_DISABLE_CONFIG_EXPORTERS", "1")
    from mkdocs_jupyter import convert

    with tempfile.TemporaryDirectory(prefix="notebook-") as tmp:
        path = Path(tmp, FILE_NAME)
        path.write_text(ipynb, encoding="utf-8")
        content = convert.nb2html(str(path), theme="light", custom_mathjax_url="")
    return postprocess(content, lang)


def shown(path: Path) -> str:
    """A path as a contributor types it: relative to the project if inside it."""
    return path.relative_to(ROOT).as_posix() if path.is_relative_to(ROOT) else str(path)


def committed_path(lang: str) -> Path:
    return RENDERED / f"lesson.{lang}.html"


def cache_path(lang: str) -> Path:
    return CACHE / f"lesson.{lang}.html"


def first_line(lang: str, key: str) -> str:
    note = (
        f"The notebook page for notebooks/lesson.{lang}.md as mkdocs-jupyter renders it "
        f"(tools/notebook_page.py). Generated by `{REFRESH}`: do not edit."
    )
    return f"<!-- {note} key: {key} -->\n"


def read(path: Path, key: str) -> str | None:
    """The page stored in ``path`` if it was rendered for ``key``."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError:
        return None
    found = FIRST_LINE.match(text)
    return text[found.end() :] if found and found.group("key") == key else None


def write(path: Path, key: str, lang: str, content: str) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    tmp.write_text(first_line(lang, key) + content, encoding="utf-8")
    os.replace(tmp, path)


@dataclass
class Page:
    stored: str  # as rendered: the stylesheet in <style>, then the HTML
    source: str  # "committed", "cache" or "rendered"

    @property
    def content(self) -> str:
        """The page's HTML."""
        return split(self.stored)[1]

    @property
    def stylesheet(self) -> str:
        """The JupyterLab CSS the page uses (and its dark palette)."""
        return split(self.stored)[0]

    @property
    def toc(self) -> list[dict]:
        return toc(self.content)


def page(ipynb: str, lang: str) -> Page:
    """The notebook page: committed, cached, or rendered now (and cached)."""
    key = cache_key(ipynb, lang)
    for source, path in (("committed", committed_path(lang)), ("cache", cache_path(lang))):
        content = read(path, key)
        if content is not None:
            return Page(content, source)
    content = render(ipynb, lang)
    write(cache_path(lang), key, lang, content)
    return Page(content, "rendered")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="Render the notebook pages into " + str(RENDERED))
    parser.add_argument("--check", action="store_true", help="only list out-of-date pages")
    args = parser.parse_args(argv)

    from mkdocs.config import load_config

    from tools.notebook import from_config
    from tools.site import configs

    stale = []
    for _, config_file in configs():
        made = from_config(load_config(str(config_file)))
        if made is None:
            continue
        lang, ipynb, _ = made
        key, path = cache_key(ipynb, lang), committed_path(lang)
        if read(path, key) is not None:
            continue
        stale.append(path)
        if not args.check:
            write(path, key, lang, page(ipynb, lang).stored)
            print(f"rendered {shown(path)}")
    if args.check:
        for path in stale:
            print(f"{shown(path)} is out of date: run `{REFRESH}` and commit it")
        return 1 if stale else 0
    if not stale:
        print("the notebook pages are up to date")
    return 0


if __name__ == "__main__":
    sys.exit(main())
