"""Run many examples at once, each distinct run once.

The same snippet shown on the English and the Russian page is the same run:
:class:`Batch` runs each distinct (form, code, command) once per interpreter
and clock, in parallel — a few at a time on the example's clock (they are
quick), all at once in real time (they mostly sleep) — and hands every test
that asks the same :class:`~tools.examples.run.Outcome`.
"""

from __future__ import annotations

import threading
from concurrent.futures import Future, ThreadPoolExecutor

from tools.examples.pages import Example, Run
from tools.examples.pythons import Interpreter
from tools.examples.run import Outcome, run

WORKERS = 3  # virtual runs at once: each is mostly an interpreter starting up
REAL_WORKERS = 32  # real-time runs at once: they mostly wait


def key(example: Example, run_: Run, interpreter: Interpreter, clock: str) -> tuple:
    return (example.form, example.code, run_.arguments, example.file_name, interpreter.found, clock)


class Batch:
    def __init__(self) -> None:
        self._futures: dict[tuple, Future] = {}
        self._lock = threading.Lock()
        self._pools = {
            "virtual": ThreadPoolExecutor(WORKERS, thread_name_prefix="example"),
            "real": ThreadPoolExecutor(REAL_WORKERS, thread_name_prefix="example-real"),
        }

    def submit(
        self, example: Example, run_: Run, interpreter: Interpreter, clock: str = "virtual"
    ) -> Future:
        k = key(example, run_, interpreter, clock)
        with self._lock:
            if k not in self._futures:
                self._futures[k] = self._pools[clock].submit(run, example, run_, interpreter, clock)
            return self._futures[k]

    def outcome(
        self, example: Example, run_: Run, interpreter: Interpreter, clock: str = "virtual"
    ) -> Outcome:
        return self.submit(example, run_, interpreter, clock).result()

    def rerun(self, example: Example, run_: Run, interpreter: Interpreter, clock: str) -> Outcome:
        """Run it again, alone (a real-time run disturbed by the machine's load)."""
        return run(example, run_, interpreter, clock)

    def shutdown(self) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=False, cancel_futures=True)
