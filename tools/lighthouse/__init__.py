"""Lighthouse, pinned (package.json, package-lock.json), and the benchmark that
runs it on every page: ``python -m tools.lighthouse`` (see __main__.py)."""
