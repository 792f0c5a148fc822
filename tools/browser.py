"""A Chromium for the browser tests and the Lighthouse benchmark, and the
built site served on 127.0.0.1 the way a static host serves it.

Which Chromium, in order:

1. ``$CHROMIUM_PATH``, if set (it must exist: a wrong path is an error, not a
   reason to look elsewhere);
2. ``/usr/bin/chromium`` (Debian's ``chromium`` package);
3. a Chromium that ``playwright install chromium`` already downloaded;
4. ``playwright install chromium`` now, where its download server is reachable;
5. ``apt-get install -y chromium`` on Debian or Ubuntu, as root or through
   passwordless sudo (CI here blocks playwright's download), waiting for
   another apt-get to release the dpkg lock rather than failing (:mod:`tools.apt`).

If none works, :class:`BrowserUnavailable` says how to get one.

    python -m tools.browser          # print the browser's path (installing it if need be)
"""

from __future__ import annotations

import contextlib
import gzip
import http.server
import io
import mimetypes
import os
import subprocess
import sys
import threading
from collections.abc import Iterator
from functools import partial
from pathlib import Path
from typing import ClassVar

from tools import apt

ENV = "CHROMIUM_PATH"
SYSTEM_CHROMIUM = Path("/usr/bin/chromium")
PLAYWRIGHT_INSTALL_TIMEOUT = 300  # seconds; a blocked download fails long before
# How the tests and Lighthouse launch it: no sandbox (CI runs as root in a
# container), no GPU, and none of Chromium's own traffic (component updates,
# field trials), so that every request the tests see comes from the page.
LAUNCH_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]

HOW_TO_GET_ONE = f"""\
No Chromium for the browser tests. Any one of these fixes it:
  * {apt.how_to_install("chromium")}
  * {ENV}=/path/to/chromium make test   (a Chromium or Chrome you have: Fedora's is
    /usr/bin/chromium-browser, macOS's Chrome /Applications/Google Chrome.app/Contents/MacOS/Google Chrome)"""


class BrowserUnavailable(RuntimeError):
    """No Chromium could be found or installed; the message says how to get one."""


def _executable(path: Path) -> bool:
    return path.is_file() and os.access(path, os.X_OK)


def _log(message: str) -> None:
    print(f"tools.browser: {message}", file=sys.stderr, flush=True)


def playwright_chromium() -> Path | None:
    """The Chromium that ``playwright install chromium`` put in its cache, if it is there."""
    try:
        from playwright.sync_api import Error, sync_playwright
    except ImportError:
        return None
    try:
        with sync_playwright() as p:
            path = Path(p.chromium.executable_path)
    except (Error, OSError, RuntimeError):
        return None
    return path if _executable(path) else None


def find_chromium() -> Path | None:
    """A Chromium already on this machine, without installing anything."""
    named = os.environ.get(ENV)
    if named:
        path = Path(named).expanduser()
        if not _executable(path):
            raise BrowserUnavailable(
                f"{ENV}={named} is not an executable file. Point it at a Chromium or Chrome "
                f"binary, or unset it.\n{HOW_TO_GET_ONE}"
            )
        return path
    if _executable(SYSTEM_CHROMIUM):
        return SYSTEM_CHROMIUM
    return playwright_chromium()


def _playwright_install() -> Path | None:
    _log("no Chromium found; trying `playwright install chromium`")
    try:
        done = subprocess.run(
            [sys.executable, "-m", "playwright", "install", "chromium"],
            capture_output=True,
            text=True,
            timeout=PLAYWRIGHT_INSTALL_TIMEOUT,
            check=False,
        )
    except (OSError, subprocess.TimeoutExpired) as error:
        _log(f"`playwright install chromium` failed: {error}")
        return None
    if done.returncode != 0:
        lines = (done.stderr + done.stdout).strip().splitlines()
        why = next((line for line in lines if line.startswith("Error")), lines[-1] if lines else "")
        _log(f"`playwright install chromium` failed (is its download blocked?): {why.strip()}")
        return None
    return playwright_chromium()


def _apt_install() -> Path | None:
    if not apt.install("chromium"):
        return None
    return SYSTEM_CHROMIUM if _executable(SYSTEM_CHROMIUM) else None


def ensure_chromium() -> Path:
    """A Chromium's path: one already here, else one installed now. Raises
    :class:`BrowserUnavailable`, saying how to get one, when neither works."""
    found = find_chromium()
    if found is None:
        found = _playwright_install() or _apt_install()
    if found is None:
        raise BrowserUnavailable(HOW_TO_GET_ONE)
    return found


# --- the built site, served like a static host --------------------------------

COMPRESSIBLE = {
    "text/html",
    "text/css",
    "text/javascript",
    "application/javascript",
    "application/json",
    "application/xml",
    "text/xml",
    "image/svg+xml",
    "text/plain",
}


class StaticHandler(http.server.SimpleHTTPRequestHandler):
    """Like a static host (GitHub Pages, Netlify, Cloudflare Pages):

    * ``/x/`` serves ``x/index.html``; ``/x`` redirects to ``/x/``;
    * a missing path gets status 404 and the nearest ``404.html`` up the
      directory tree (``/ru/nope/`` the Russian one, ``/nope/`` the English one);
    * text is gzip-compressed for clients that accept it (hosts do, and Lighthouse
      measures the bytes transferred);
    * with ``site_url`` set, ``sitemap.xml`` names the pages where they are
      served, as on the real host (and as ``mkdocs serve`` rewrites it): Material's
      instant navigation only takes pages listed there for its own.
    """

    server_version = "static"
    site_url: ClassVar[str | None] = None
    origin: ClassVar[str] = ""
    protocol_version = "HTTP/1.1"
    _gzipped: ClassVar[dict[Path, bytes]] = {}
    _lock: ClassVar[threading.Lock] = threading.Lock()

    def log_message(self, format, *args):
        pass

    def send_head(self):
        path = Path(self.translate_path(self.path))
        root = Path(self.directory)
        if path.is_dir():
            if not self.path.split("?")[0].split("#")[0].endswith("/"):
                return super().send_head()  # the redirect to the slash form
            path = path / "index.html"
        if not path.is_file():
            return self._not_found(path, root)
        return self._send_file(path, 200)

    def _not_found(self, path: Path, root: Path):
        for parent in [path, *path.parents]:
            if parent == root.parent:
                break
            page = parent / "404.html"
            if page.is_file() and root in [page.parent, *page.parent.parents]:
                return self._send_file(page, 404)
        self.send_error(404)
        return None

    def _send_file(self, path: Path, status: int):
        ctype = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
        if ctype.startswith("text/") or ctype in {"application/json", "application/javascript"}:
            ctype += "; charset=utf-8"
        data = path.read_bytes()
        if self.site_url and path.name == "sitemap.xml":
            data = data.replace(self.site_url.rstrip("/").encode(), self.origin.encode())
        encoding = None
        if ctype.split(";")[0] in COMPRESSIBLE and "gzip" in self.headers.get(
            "Accept-Encoding", ""
        ):
            with self._lock:
                if path not in self._gzipped:
                    self._gzipped[path] = gzip.compress(data, compresslevel=9, mtime=0)
                data, encoding = self._gzipped[path], "gzip"
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if encoding:
            self.send_header("Content-Encoding", encoding)
            self.send_header("Vary", "Accept-Encoding")
        self.send_header("Cache-Control", "no-cache")
        self.end_headers()
        return io.BytesIO(data)


class _Server(http.server.ThreadingHTTPServer):
    # A browser opens many connections at once; on a loaded machine the server
    # thread may not accept them as fast as they come (socketserver's default
    # backlog is 5).
    request_queue_size = 128

    def handle_error(self, request, client_address):
        # A browser that drops a connection it no longer needs is not an error.
        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)


@contextlib.contextmanager
def serve(
    directory: Path, host: str = "127.0.0.1", port: int = 0, site_url: str | None = None
) -> Iterator[str]:
    """Serve ``directory`` on ``host`` (a free port unless given) in a thread;
    yields the base URL, ``http://127.0.0.1:PORT``. ``site_url``: the site's
    configured address, rewritten to that base URL in ``sitemap.xml``."""

    class Handler(StaticHandler):
        _gzipped: ClassVar[dict[Path, bytes]] = {}  # this server's own cache

    server = _Server((host, port), partial(Handler, directory=str(directory)))
    Handler.site_url = site_url
    Handler.origin = f"http://{host}:{server.server_port}"
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, name="site-server", daemon=True)
    thread.start()
    try:
        yield f"http://{host}:{server.server_port}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


def main() -> int:
    try:
        print(ensure_chromium())
    except BrowserUnavailable as error:
        print(error, file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
