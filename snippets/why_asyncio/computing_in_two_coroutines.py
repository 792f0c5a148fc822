import asyncio
import time


def compute(seconds):
    # Keeps the CPU busy, like number crunching.
    end = time.perf_counter() + seconds
    while time.perf_counter() < end:
        pass


async def job(name):
    print(f"{name}: start")
    compute(1)
    print(f"{name}: done")


async def main():
    await asyncio.gather(job("a"), job("b"))


asyncio.run(main())
