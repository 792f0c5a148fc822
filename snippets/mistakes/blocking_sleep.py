import asyncio
import time


async def fetch(n):
    print(f"start {n}")
    time.sleep(1)  # blocks the whole event loop
    print(f"done {n}")


async def main():
    await asyncio.gather(fetch(1), fetch(2), fetch(3))


asyncio.run(main())
