"""The lesson as a notebook page: ``notebook.ipynb`` in every language.

The .ipynb is generated at build (and serve) time from
``notebooks/lesson.<lang>.md`` and its snippets (see ``tools/notebook.py``);
it is never committed. The page shows the notebook as mkdocs-jupyter's
converter renders it, with the stored outputs (nothing is executed), and
links to the same .ipynb, served next to the page, for download.

Why a hook and not mkdocs-jupyter's plugin: importing the plugin pulls in
nbconvert and jupytext, about 0.4 s in every build of every language, and
rendering takes over 1 s more. The hook takes the page mkdocs-jupyter
rendered from the repository (``notebooks/rendered/``, see
``tools/notebook_page.py``) and renders it only when that is out of date.
``tools/bench_notebook.py`` measures both cases.

The page's JupyterLab styles are served as one stylesheet,
``assets/stylesheets/jupyter.<hash>.css`` (named by its content, so a browser
may keep it for good), linked from that page's head (overrides/main.html).
"""

from __future__ import annotations

import hashlib
import os
import posixpath
import sys
import types
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.plugins import get_plugin_logger
from mkdocs.structure.files import File
from mkdocs.structure.toc import get_toc

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:  # `mkdocs serve` from .venv/bin does not put the project on the path
    sys.path.insert(0, str(ROOT))

from tools import notebook as nbtools
from tools import notebook_page

log = get_plugin_logger(__name__)

_build: dict = {}  # this build's notebook: lang and .ipynb text


class NotebookFile(File):
    """A generated .ipynb that mkdocs treats as a page (like mkdocs-jupyter's)."""

    def is_documentation_page(self) -> bool:
        return True


def _in_nav(nav) -> bool:
    if nav is None:
        return True
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if (isinstance(value, list) and _in_nav(value)) or value == nbtools.FILE_NAME:
            return True
    return False


def on_config(config):
    _build.clear()
    if not _in_nav(config["nav"]):
        return config
    try:
        made = nbtools.from_config(config)
    except nbtools.NotebookSourceError as error:
        raise PluginError(f"notebook: {error}") from None
    if made is not None:
        _build.update(lang=made[0], ipynb=made[1])
    return config


def on_files(files, config):
    if not _build:
        return files
    try:
        made = notebook_page.page(_build["ipynb"], _build["lang"])
    except Exception as error:
        raise PluginError(f"notebook: rendering {nbtools.FILE_NAME} failed: {error!r}") from error
    if made.source != "committed":
        committed = notebook_page.shown(notebook_page.committed_path(_build["lang"]))
        log.info(
            f"{committed} is out of date (the notebook or its snippets changed), so "
            f"this build renders the page itself: run `{notebook_page.REFRESH}` and "
            "commit the file"
        )
    _build["page"] = made
    css = made.stylesheet
    name = f"assets/stylesheets/jupyter.{hashlib.sha256(css.encode()).hexdigest()[:8]}.css"
    files.append(File.generated(config, name, content=css))
    _build["stylesheet"] = name
    page = NotebookFile.generated(config, nbtools.FILE_NAME, content=_build["ipynb"])
    # Edit and view-source links lead to the page's real source, relative to the
    # docs folder that edit_uri names (docs/<lang>/notebook.ipynb does not exist).
    source = nbtools.source_path(_build["lang"])
    page.edit_uri = Path(os.path.relpath(source, config["docs_dir"])).as_posix()
    files.append(page)
    # The download: the very same .ipynb, next to the page (…/notebook/notebook.ipynb).
    download = File.generated(config, "notebook.download.ipynb", content=_build["ipynb"])
    download.dest_uri = posixpath.join(posixpath.dirname(page.dest_uri), nbtools.FILE_NAME)
    download.url = download.dest_uri
    files.append(download)
    return files


def on_pre_page(page, config, files):
    if not _build or not isinstance(page.file, NotebookFile):
        return page

    def render(self, config, files):
        made = _build["page"]
        self.content = made.content
        self.toc = get_toc(made.toc)
        self.meta["notebook_stylesheet"] = _build["stylesheet"]

    page.render = types.MethodType(render, page)
    return page
