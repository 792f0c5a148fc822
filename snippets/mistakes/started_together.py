import asyncio


async def fetch(n):
    print(f"start {n}")
    await asyncio.sleep(1)
    print(f"done {n}")


async def main():
    first = asyncio.create_task(fetch(1))
    second = asyncio.create_task(fetch(2))
    await first
    await second


asyncio.run(main())
