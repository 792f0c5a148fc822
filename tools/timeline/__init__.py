"""Event-loop timelines drawn from real runs of the snippets.

* :mod:`tools.timeline.trace` runs a snippet (or its Jupyter form) under
  ``tools/examples/sitedir/example_trace.py`` and keeps the events, committed
  in ``docs/traces/`` (``make timelines`` = ``python -m tools.timeline``);
* :mod:`tools.timeline.draw` draws a trace as an inline SVG with its text
  alternative, in the page's language; ``hooks/timelines.py`` does that at
  build time for every ```` ```timeline ```` fence.
"""
