"""Threads or asyncio, measured.

    python threads_vs_asyncio.py [N ...] [--steps STEPS]

N units (default 100, 1000 and 10000) each wait 0.1 s, all of
them alive at the same time: one thread per wait, a pool of N
threads, and asyncio tasks. Then the same arithmetic, with
nothing to wait for, run in turn, in threads and in tasks.
Every line of the report is measured in a fresh process.
Linux and macOS (memory is read from the system).
"""

import argparse
import asyncio
import gc
import multiprocessing
import os
import platform
import resource
import sys
import threading
import time
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor

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

    created_at = alive_at = None

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
        """Wall time in s; per unit: creation in µs, and growth
        of resident (RSS) and virtual memory, in KiB, while all
        units were alive. None where not measured."""
        wall = self.finished_at - self.started
        create = rss = virtual = None
        if self.created_at:
            create = (self.created_at - self.started) / n * 1e6
        if self.alive_at:
            rss = (self.alive_at[1] - self.memory[1]) / n
            if self.memory[0] is not None:
                virtual = (self.alive_at[0] - self.memory[0]) / n
        return wall, create, rss, virtual


def waiter(barrier):
    barrier.wait()  # until every unit exists
    time.sleep(WAIT)


async def async_waiter(barrier):
    await barrier.wait()  # until every unit exists
    await asyncio.sleep(WAIT)


def threads(n, probe):
    # The barrier's action runs once all n threads are waiting
    # at it, before any of them goes on.
    barrier = threading.Barrier(n + 1, action=probe.all_alive)
    probe.start()
    units = []
    for _ in range(n):
        units.append(threading.Thread(target=waiter, args=(barrier,)))
    for thread in units:
        thread.start()
    probe.created()
    barrier.wait()
    for thread in units:
        thread.join()
    probe.finished()


def thread_pool(n, probe):
    barrier = threading.Barrier(n + 1, action=probe.all_alive)
    probe.start()
    with ThreadPoolExecutor(max_workers=n) as pool:
        for _ in range(n):
            pool.submit(waiter, barrier)
        probe.created()
        barrier.wait()
    probe.finished()


async def asyncio_tasks(n, probe):
    barrier = asyncio.Barrier(n + 1)
    probe.start()
    units = []
    for _ in range(n):
        units.append(asyncio.create_task(async_waiter(barrier)))
    probe.created()
    await barrier.wait()
    probe.all_alive()  # no task runs until this one awaits
    await asyncio.gather(*units)
    probe.finished()


def default_pool(n, probe):
    # ThreadPoolExecutor() has min(32, CPUs + 4) threads: at most
    # that many waits run at a time, so no barrier here.
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


WAITING = {
    "threads": threads,
    "thread pool": thread_pool,
    "asyncio tasks": asyncio_tasks,
}
COMPUTING = {
    "sequential": sequential,
    "threads": computing_threads,
    "asyncio tasks": computing_tasks,
}


def measure(workload, n):
    """Run one workload here; return its figures."""
    probe = Probe()
    run = workload(n, probe)
    if asyncio.iscoroutine(run):  # an async workload
        asyncio.run(run)
    return probe.figures(n)


def in_fresh_process(workload, n):
    # "spawn" starts a new interpreter: nothing left over from
    # the measurements before (a fork would copy this process).
    spawn = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(1, mp_context=spawn) as fresh:
        return fresh.submit(measure, workload, n).result()


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
    print(f"Waiting: N units each wait {WAIT} s, all alive at once.")
    print("Per unit: creation, and memory growth while alive.")
    print(ROW.format(*COLUMNS))
    for n in args.sizes:
        for name, workload in WAITING.items():
            show(n, name, in_fresh_process(workload, n))
    n = min(args.sizes)
    show(n, "default pool", in_fresh_process(default_pool, n))

    print()
    print(f"Computing: {JOBS} jobs of {args.steps} steps, no waiting.")
    print("     N  workload       wall s")
    for name, workload in COMPUTING.items():
        wall = in_fresh_process(workload, args.steps)[0]
        print(f"{JOBS:>6}  {name:<14}{wall:>7.3f}")


if __name__ == "__main__":
    main()
