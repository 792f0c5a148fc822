import asyncio


async def fetch(n):
    print(f"start {n}")
    await asyncio.sleep(1)  # only this task waits
    print(f"done {n}")


async def main():
    await asyncio.gather(fetch(1), fetch(2), fetch(3))


asyncio.run(main())
