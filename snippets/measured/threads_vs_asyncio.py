"""Threads or asyncio, measured.

    python threads_vs_asyncio.py [N ...] [--steps STEPS]

N units (default 100, 1000 and 10000) each wait 0.1 s: one
thread per wait, a pool of N threads, and asyncio tasks.
Wall time: all N started one after another, until the last
is done. Creation and memory: all N alive at the same time;
creating a unit includes starting it (a thread's start()
returns once the thread runs; a task runs its first step, up
to where it waits). Then the same arithmetic, with nothing
to wait for, run in turn, in threads and in tasks. Every
figure is measured in a fresh process. Linux and macOS
(memory is read from the system).
"""

import argparse
import asyncio
import gc
import multiprocessing
import os
import platform
import resource
import signal
import sys
import threading
import time
import traceback
from concurrent.futures import ThreadPoolExecutor

WAIT = 0.1  # seconds each unit waits
JOBS = 4  # pieces of arithmetic in the CPU-bound part


def memory_kib():
    """(virtual, resident) size of this process now, in KiB."""
    try:
        with open("/proc/self/statm") as statm:  # Linux
            virtual, resident = statm.read().split()[:2]
    except FileNotFoundError:
        # Elsewhere: the peak resident size (bytes on macOS),
        # which only grows as units are created.
        usage = resource.getrusage(resource.RUSAGE_SELF)
        scale = 1024 if sys.platform == "darwin" else 1
        return None, usage.ru_maxrss / scale
    page_kib = os.sysconf("SC_PAGE_SIZE") / 1024
    return int(virtual) * page_kib, int(resident) * page_kib


class Probe:
    """Clock and memory readings taken during one run."""

    created_at = alive_at = finished_at = None

    def start(self):
        gc.collect()  # leave no start-up garbage to collect later
        self.memory = memory_kib()
        self.started = time.perf_counter()

    def created(self):
        self.created_at = time.perf_counter()

    def all_alive(self):
        self.alive_at = memory_kib()

    def finished(self):
        self.finished_at = time.perf_counter()

    def figures(self, n):
        """Wall time in s; per unit: creation (and start) in
        µs, and growth of resident (RSS) and virtual memory, in
        KiB, while all units were alive. None where not
        measured."""
        wall = create = rss = virtual = None
        if self.finished_at:
            wall = self.finished_at - self.started
        if self.created_at:
            create = (self.created_at - self.started) / n * 1e6
        if self.alive_at:
            rss = (self.alive_at[1] - self.memory[1]) / n
            if self.memory[0] is not None:
                virtual = (self.alive_at[0] - self.memory[0]) / n
        return wall, create, rss, virtual


# Wall time: N waits, started one after another.


def threads(n, probe):
    probe.start()
    units = []
    for _ in range(n):
        thread = threading.Thread(target=time.sleep, args=(WAIT,))
        thread.start()
        units.append(thread)
    for thread in units:
        thread.join()
    probe.finished()


def thread_pool(n, probe):
    probe.start()
    with ThreadPoolExecutor(max_workers=n) as pool:
        for _ in range(n):
            pool.submit(time.sleep, WAIT)
    probe.finished()


async def asyncio_tasks(n, probe):
    probe.start()
    units = []
    for _ in range(n):
        units.append(asyncio.create_task(asyncio.sleep(WAIT)))
    await asyncio.gather(*units)
    probe.finished()


# Creation and memory: N units alive at the same time. Each
# one says it is alive, then waits at a gate that is never
# opened; the process ends with them still waiting.


def hold(alive, gate):
    alive.release()
    gate.acquire()


def closed_gate():
    """A count of the units alive, and a gate nobody opens."""
    gate = threading.Lock()
    gate.acquire()
    return threading.Semaphore(0), gate


def until_all_alive(alive, n, probe):
    probe.created()
    for _ in range(n):
        alive.acquire()
    probe.all_alive()


def threads_alive(n, probe):
    alive, gate = closed_gate()
    probe.start()
    for _ in range(n):
        threading.Thread(target=hold, args=(alive, gate)).start()
    until_all_alive(alive, n, probe)


def thread_pool_alive(n, probe):
    alive, gate = closed_gate()
    probe.start()
    pool = ThreadPoolExecutor(max_workers=n)
    for _ in range(n):
        pool.submit(hold, alive, gate)
    until_all_alive(alive, n, probe)


async def asyncio_tasks_alive(n, probe):
    gate = asyncio.Event()
    probe.start()
    for _ in range(n):
        asyncio.create_task(gate.wait())
    await asyncio.sleep(0)  # every task runs up to the gate
    probe.created()
    probe.all_alive()


def default_pool(n, probe):
    # ThreadPoolExecutor() has min(32, CPUs + 4) threads: at most
    # that many waits run at a time.
    probe.start()
    with ThreadPoolExecutor() as pool:
        for _ in range(n):
            pool.submit(time.sleep, WAIT)
        probe.created()
    probe.finished()


def crunch(steps):
    """Arithmetic only: nothing to wait for."""
    return sum(i * i % 7 for i in range(steps))


def sequential(steps, probe):
    probe.start()
    for _ in range(JOBS):
        crunch(steps)
    probe.finished()


def computing_threads(steps, probe):
    probe.start()
    with ThreadPoolExecutor(max_workers=JOBS) as pool:
        list(pool.map(crunch, [steps] * JOBS))
    probe.finished()


async def computing_tasks(steps, probe):
    async def job():
        return crunch(steps)

    probe.start()
    await asyncio.gather(*(job() for _ in range(JOBS)))
    probe.finished()


WAITING = {  # name: (wall time, creation and memory)
    "threads": (threads, threads_alive),
    "thread pool": (thread_pool, thread_pool_alive),
    "asyncio tasks": (asyncio_tasks, asyncio_tasks_alive),
}
COMPUTING = {
    "sequential": sequential,
    "threads": computing_threads,
    "asyncio tasks": computing_tasks,
}


def exit_with_parent():
    multiprocessing.parent_process().join()  # until it ends
    os._exit(1)


def measure(workload, n, results):
    """Run one workload here; send its figures; end."""
    # Ctrl+C is for the parent, which then ends this process.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        # If the parent is killed, end too: leave no threads.
        threading.Thread(target=exit_with_parent, daemon=True).start()
        probe = Probe()
        run = workload(n, probe)
        if asyncio.iscoroutine(run):  # an async workload
            asyncio.run(run)
        results.send(probe.figures(n))
    except BaseException:
        # Say why here: the parent only sees that no figures came.
        traceback.print_exc()
        raise
    finally:
        # End now, after an error too, without waking the
        # threads still waiting at the gate: thousands of
        # threads woken at once all want the GIL, which takes
        # long and is not what is measured.
        os._exit(0)


def in_fresh_process(workload, n):
    # "spawn" starts a new interpreter: nothing left over from
    # the measurements before (a fork would copy this process).
    spawn = multiprocessing.get_context("spawn")
    results, sender = spawn.Pipe(duplex=False)
    fresh = spawn.Process(target=measure, args=(workload, n, sender))
    # Ctrl+C (SIGINT) is blocked while the child starts, until
    # it ignores it; one pressed meanwhile comes here just after.
    signal.pthread_sigmask(signal.SIG_BLOCK, [signal.SIGINT])
    fresh.start()
    signal.pthread_sigmask(signal.SIG_UNBLOCK, [signal.SIGINT])
    sender.close()  # the child's copy is left: EOF once it ends
    try:
        figures = results.recv()
    except EOFError:
        sys.exit(f"Measuring {workload.__name__}({n}) failed.")
    fresh.join()
    return figures


COLUMNS = "N", "workload", "wall s", "create µs", "RSS KiB", "virt KiB"
ROW = "{:>6}  {:<14}{:>7}{:>11}{:>9}{:>10}"


def show(n, name, figures):
    cells = [
        "-" if figure is None else f"{figure:.{decimals}f}"
        for figure, decimals in zip(figures, (3, 1, 1, 1))
    ]
    print(ROW.format(n, name, *cells))


def main():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument(
        "sizes",
        nargs="*",
        type=int,
        default=[100, 1000, 10000],
    )
    parser.add_argument("--steps", type=int, default=1_000_000)
    args = parser.parse_args()
    # SIGTERM (kill, an IDE's stop button) stops as Ctrl+C does.
    signal.signal(signal.SIGTERM, signal.default_int_handler)
    try:
        report(args.sizes, args.steps)
    except KeyboardInterrupt:
        for child in multiprocessing.active_children():
            child.kill()  # the one measuring now, if any
        print("Interrupted.", file=sys.stderr)
        sys.exit(130)  # 128 + SIGINT, as a shell reports it


def report(sizes, steps):
    stack = resource.getrlimit(resource.RLIMIT_STACK)[0]
    stack = f"{stack // 1024} KiB" if stack > 0 else "unlimited"
    print(
        f"Python {platform.python_version()}"
        f" ({platform.python_implementation()}),"
        f" {platform.system()} {platform.release()}"
        f" {platform.machine()}, {os.cpu_count()} CPUs,"
        f" ulimit -s {stack}"
    )
    print()
    print(f"Waiting: N units each wait {WAIT} s.")
    print("Wall: started one after another, until all are done.")
    print("Per unit, all N alive at once: creation, memory growth.")
    print(ROW.format(*COLUMNS))
    for n in sizes:
        for name, (waits, alive) in WAITING.items():
            wall = in_fresh_process(waits, n)[0]
            _, *per_unit = in_fresh_process(alive, n)
            show(n, name, (wall, *per_unit))
    n = min(sizes)
    show(n, "default pool", in_fresh_process(default_pool, n))

    print()
    print(f"Computing: {JOBS} jobs of {steps} steps, no waiting.")
    print("     N  workload       wall s")
    for name, workload in COMPUTING.items():
        wall = in_fresh_process(workload, steps)[0]
        print(f"{JOBS:>6}  {name:<14}{wall:>7.3f}")


if __name__ == "__main__":
    main()
