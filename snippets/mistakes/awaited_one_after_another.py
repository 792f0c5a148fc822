import asyncio


async def fetch(n):
    print(f"start {n}")
    await asyncio.sleep(1)
    print(f"done {n}")


async def main():
    await fetch(1)
    await fetch(2)


asyncio.run(main())
