"""Run a file as one Jupyter cell: ``python jupyter_cell.py CELL.py``.

As in an IPython kernel, the code runs inside an event loop that is already
running, top-level ``await`` is allowed, and the loop keeps running after the
cell has finished: tasks the cell left behind go on (until they are done, or
for ``--linger`` more seconds of loop time). An exception in the cell is
printed the way IPython ends its report, ``ExceptionName: message``, and the
exit status is 1.
"""

import argparse
import ast
import asyncio
import sys
import traceback


async def _kernel(path: str, source: str, linger: float) -> int:
    namespace = {"__name__": "__main__", "__builtins__": __builtins__}
    status = 0
    try:
        code = compile(source, path, "exec", flags=ast.PyCF_ALLOW_TOP_LEVEL_AWAIT)
        result = eval(code, namespace)  # running the cell is the point
        if asyncio.iscoroutine(result):
            await result
    except Exception as error:  # noqa: BLE001 - any error of the cell is reported, as IPython does
        print(traceback.format_exception_only(error)[-1], end="", file=sys.stderr)
        status = 1
    # The cell is over; the kernel's loop is not. Let leftover tasks run on.
    loop = asyncio.get_running_loop()
    deadline = loop.time() + linger
    me = asyncio.current_task()
    while loop.time() < deadline:
        others = [t for t in asyncio.all_tasks() if t is not me and not t.done()]
        if not others:
            break
        await asyncio.wait(others, timeout=deadline - loop.time())
    return status


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("cell")
    parser.add_argument("--linger", type=float, default=60.0)
    args = parser.parse_args()
    sys.argv = [args.cell]
    with open(args.cell, encoding="utf-8") as f:
        source = f.read()
    sys.exit(asyncio.run(_kernel(args.cell, source, args.linger)))


if __name__ == "__main__":
    main()
