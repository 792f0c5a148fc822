"""Run many examples at once, each distinct run once.

The same snippet shown on the English and the Russian page is the same run:
:class:`Batch` runs each distinct (form, code, command) once per interpreter
and clock, in parallel — a few at a time on the example's clock (they are
quick), all at once in real time (they mostly sleep) — and hands every test
that asks the same :class:`~tools.examples.run.Outcome`.

With ``shared``, a directory, several processes (pytest-xdist's workers)
share the work: the first to claim a run (a file created exclusively) runs it
and leaves its outcome there; the others wait for that file.

An outcome kept from an earlier test run whose inputs have not changed
(:mod:`tools.examples.stored`) is used instead of running it again;
:meth:`Batch.reused` says whether an outcome was.
"""

from __future__ import annotations

import hashlib
import os
import pickle
import threading
import time
from concurrent.futures import Future, ThreadPoolExecutor
from pathlib import Path

from tools.examples import stored
from tools.examples.pages import Example, Run
from tools.examples.pythons import Interpreter
from tools.examples.run import TIMEOUT, Outcome, run

WORKERS = 3  # virtual runs at once, per process: each is mostly an interpreter starting up
REAL_WORKERS = 32  # real-time runs at once: they mostly wait


def key(
    example: Example, run_: Run, interpreter: Interpreter, clock: str, repeat: int = 0
) -> tuple:
    return (
        example.form,
        example.code,
        run_.arguments,
        example.file_name,
        str(interpreter.found),
        interpreter.name,
        tuple(sorted(example.depends_on)),  # its world (tools/examples/world.py)
        repeat,
        clock,
    )


class Batch:
    def __init__(self, shared: Path | None = None) -> None:
        self._futures: dict[tuple, Future] = {}
        self._lock = threading.Lock()
        self._pools = {
            "virtual": ThreadPoolExecutor(WORKERS, thread_name_prefix="example"),
            "real": ThreadPoolExecutor(REAL_WORKERS, thread_name_prefix="example-real"),
        }
        self._shared = shared
        self._waiting = _Waiting()
        self._reused: set[tuple] = set()
        self.store = stored.enabled()
        if shared is not None:
            shared.mkdir(parents=True, exist_ok=True)

    def submit(
        self,
        example: Example,
        run_: Run,
        interpreter: Interpreter,
        clock: str = "virtual",
        repeat: int = 0,
    ) -> Future:
        k = key(example, run_, interpreter, clock, repeat)
        with self._lock:
            if k not in self._futures:
                self._futures[k] = self._start(k, example, run_, interpreter, clock, repeat)
            return self._futures[k]

    def _start(self, k, example, run_, interpreter, clock, repeat=0) -> Future:
        if self.store and (kept := stored.load(k)) is not None:
            self._reused.add(k)
            done: Future = Future()
            done.set_result(kept)
            return done
        if self._shared is None:
            return self._pools[clock].submit(
                self._run, k, example, run_, interpreter, clock, repeat
            )
        name = hashlib.sha256(repr(k).encode()).hexdigest()[:24]
        claim, result = self._shared / f"{name}.claim", self._shared / f"{name}.outcome"
        try:
            os.close(os.open(claim, os.O_CREAT | os.O_EXCL | os.O_WRONLY))
        except FileExistsError:  # another process runs it: wait for its outcome
            return self._waiting.wait_for(result)

        def mine() -> Outcome:
            outcome = self._run(k, example, run_, interpreter, clock, repeat)
            partial = result.with_suffix(f".{os.getpid()}.tmp")
            partial.write_bytes(pickle.dumps(outcome))
            partial.replace(result)
            return outcome

        return self._pools[clock].submit(mine)

    def outcome(
        self,
        example: Example,
        run_: Run,
        interpreter: Interpreter,
        clock: str = "virtual",
        repeat: int = 0,
    ) -> Outcome:
        return self.submit(example, run_, interpreter, clock, repeat).result()

    def _run(self, k, example, run_, interpreter, clock, repeat=0) -> Outcome:
        more = {"repeat": repeat} if repeat else {}
        outcome = run(example, run_, interpreter, clock, **more)
        if self.store:
            stored.save(k, outcome)
        return outcome

    def reused(
        self, example: Example, run_: Run, interpreter: Interpreter, clock: str, repeat: int = 0
    ) -> bool:
        """Whether the outcome came from an earlier test run (inputs unchanged)."""
        return key(example, run_, interpreter, clock, repeat) in self._reused

    def rerun(
        self, example: Example, run_: Run, interpreter: Interpreter, clock: str, repeat: int = 0
    ) -> Outcome:
        """Run it again, alone: a real-time run disturbed by the machine's load,
        or a reused outcome that no longer matches its page (never trusted for
        a failure). The new outcome replaces the stored one."""
        k = key(example, run_, interpreter, clock, repeat)
        self._reused.discard(k)
        return self._run(k, example, run_, interpreter, clock, repeat)

    def shutdown(self) -> None:
        for pool in self._pools.values():
            pool.shutdown(wait=False, cancel_futures=True)


class _Waiting:
    """Outcomes another process is making: one thread watches for their files."""

    def __init__(self) -> None:
        self._wanted: dict[Path, tuple[Future, float]] = {}
        self._lock = threading.Lock()
        self._thread: threading.Thread | None = None

    def wait_for(self, result: Path) -> Future:
        future: Future = Future()
        with self._lock:
            self._wanted[result] = (future, time.monotonic() + 10 * TIMEOUT)
            if self._thread is None:
                self._thread = threading.Thread(target=self._watch, daemon=True)
                self._thread.start()
        return future

    def _watch(self) -> None:
        while True:
            time.sleep(0.05)
            with self._lock:
                wanted = list(self._wanted.items())
            for path, (future, deadline) in wanted:
                if path.exists():
                    future.set_result(pickle.loads(path.read_bytes()))
                elif time.monotonic() > deadline:
                    future.set_exception(
                        TimeoutError(f"no outcome in {path}: the process making it is gone?")
                    )
                else:
                    continue
                with self._lock:
                    del self._wanted[path]
