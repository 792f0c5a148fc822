"""The built site as the browser tests see it: its languages, its pages, and a
watch on what a browser does while it shows them.

Pages are found in the built site itself (every ``index.html`` of every
language), so a page added later is tested without touching the tests.
"""

from __future__ import annotations

import atexit
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from urllib.parse import urlsplit

from tools.examples.pages import load_site
from tools.site import ROOT, build, built_pages, configs, prefix

SCREENSHOTS = ROOT / "test-results" / "screenshots"
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}  # a current phone, in CSS pixels


@dataclass(frozen=True)
class Language:
    code: str  # "en", "ru"
    prefix: str  # where it lives in the site: "" for English, "ru/" for Russian
    config: Path
    docs_dir: Path


@cache
def languages() -> tuple[Language, ...]:
    """Every language the project has a mkdocs config for, English first."""
    found = []
    for code, config in configs():
        found.append(Language(code, prefix(code), config, load_site(config).docs_dir))
    return tuple(found)


def language(code: str) -> Language:
    return next(lang for lang in languages() if lang.code == code)


@dataclass(frozen=True)
class Page:
    """One page of the built site: ``lang`` and its ``path`` in that language
    (``""`` for the home page, ``"tasks/"``)."""

    lang: str
    path: str

    @property
    def url_path(self) -> str:
        return "/" + language(self.lang).prefix + self.path

    @property
    def id(self) -> str:
        return f"{self.lang}/{self.path.rstrip('/') or 'index'}"

    @property
    def slug(self) -> str:
        return self.path.rstrip("/").replace("/", "-") or "index"

    @property
    def source(self) -> Path | None:
        """The Markdown file it was built from, if it was built from one."""
        docs = language(self.lang).docs_dir
        stem = self.path.rstrip("/")
        for candidate in (
            [docs / "index.md"] if not stem else [docs / f"{stem}.md", docs / stem / "index.md"]
        ):
            if candidate.is_file():
                return candidate
        return None

    def html(self, site_dir: Path) -> Path:
        return site_dir / language(self.lang).prefix / self.path / "index.html"


def pages_of(site_dir: Path) -> list[Page]:
    """Every page in the built site, every language, by language then path."""
    return [Page(lang, path) for lang, path in built_pages(site_dir)]


_built: list[Path] = []


def built_site() -> Path:
    """The whole site, every language, built once per test process (strict)."""
    if not _built:
        site_dir = Path(tempfile.mkdtemp(prefix="browser-site-"))
        atexit.register(shutil.rmtree, site_dir, True)
        build(site_dir)
        _built.append(site_dir)
    return _built[0]


@dataclass
class Watch:
    """What went wrong while a browser context showed pages: console errors,
    uncaught exceptions, failed requests, HTTP errors, and every request to a
    host other than the local server."""

    base_url: str
    console_errors: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)
    external: list[str] = field(default_factory=list)
    expected_404: set[str] = field(default_factory=set)  # e.g. the 404 page's own URL
    pending: set = field(default_factory=set)  # requests made and not yet done
    requested: list[str] = field(default_factory=list)  # every URL asked for, in order
    last_activity: float = 0.0

    def attach(self, context) -> None:
        follow(context, [self])

    def handle(self, event: str, item) -> None:
        {
            "console": self._console,
            "weberror": self._web_error,
            "request": self._request,
            "requestfailed": self._request_failed,
            "requestfinished": self._request_finished,
            "response": self._response,
        }[event](item)

    def _web_error(self, error) -> None:
        self.console_errors.append(f"uncaught: {error.error}")

    def settle(self, page, quiet: float = 0.15, timeout: float = 10.0) -> None:
        """Wait until no request has been in flight for ``quiet`` seconds (what
        the page fetches after ``load``: the search index, the sitemap)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            page.wait_for_timeout(40)
            if not self.pending and time.monotonic() - self.last_activity >= quiet:
                return

    def _touch(self, request, started: bool) -> None:
        if started:
            self.pending.add(request)
        else:
            self.pending.discard(request)
        self.last_activity = time.monotonic()

    def _local(self, url: str) -> bool:
        scheme = urlsplit(url).scheme
        return url.startswith(self.base_url + "/") or scheme in {"data", "blob", "about"}

    def _console(self, message) -> None:
        if message.type != "error":
            return
        where = message.location.get("url", "")
        if where in self.expected_404 and "404" in message.text:
            return
        self.console_errors.append(f"{message.text} ({where})")

    def _request(self, request) -> None:
        self._touch(request, started=True)
        self.requested.append(request.url)
        if not self._local(request.url):
            self.external.append(f"{request.method} {request.url}")

    def _request_finished(self, request) -> None:
        self._touch(request, started=False)

    def _request_failed(self, request) -> None:
        self._touch(request, started=False)
        if request.failure == "net::ERR_ABORTED":
            return  # cancelled by the browser: the page it was for went away (a click on a link)
        self.failed.append(f"{request.method} {request.url}: {request.failure}")

    def _response(self, response) -> None:
        if response.status >= 400 and response.url not in self.expected_404:
            self.failed.append(f"{response.request.method} {response.url}: HTTP {response.status}")

    def problems(self) -> list[str]:
        return (
            [f"console: {e}" for e in self.console_errors]
            + [f"failed request: {f}" for f in self.failed]
            + [f"request to another host: {x}" for x in self.external]
        )


# What a connection to the local test server can suffer on a loaded machine,
# before the site has anything to do with it: the browser then loads the page
# once more, as a reader would (it is this server's trouble, not the site's).
TRANSPORT_ERRORS = ("net::ERR_EMPTY_RESPONSE", "net::ERR_CONNECTION_RESET")


def load(tab, url: str, watch: Watch | None = None):
    """``tab.goto(url, wait_until="load")``, once more after a transport error
    (:data:`TRANSPORT_ERRORS`), whose failed request ``watch`` then forgets."""
    from playwright.sync_api import Error

    try:
        return tab.goto(url, wait_until="load")
    except Error as error:
        if not any(e in str(error) for e in TRANSPORT_ERRORS):
            raise
    if watch is not None:
        watch.failed[:] = [f for f in watch.failed if not f.endswith(TRANSPORT_ERRORS)]
    return tab.goto(url, wait_until="load")


def follow(context, watches: list[Watch]) -> None:
    """Send what a browser context does to the last :class:`Watch` of
    ``watches`` (a tab that goes from page to page appends one per page)."""
    for event in ("console", "weberror", "request", "requestfailed", "requestfinished", "response"):
        context.on(event, lambda item, event=event: watches[-1].handle(event, item))


# Shows a code block to the reader: opens the <details> around it and selects
# the content tab it is in, as a reader would before clicking its copy button.
REVEAL = """(element) => {
  for (let node = element; node; node = node.parentElement) {
    if (node.tagName === "DETAILS" && !node.open) node.open = true;
    if (node.classList && node.classList.contains("tabbed-block")) {
      const set = node.closest(".tabbed-set");
      const index = [...node.parentElement.children].indexOf(node);
      const input = set.querySelectorAll(":scope > input")[index];
      if (input && !input.checked) {
        set.querySelector(`:scope > .tabbed-labels > label[for="${input.id}"]`).click();
      }
    }
  }
}"""
