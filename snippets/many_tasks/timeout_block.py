# --8<-- [start:cell]
import asyncio


async def fetch(name, delay):
    print(f"{name}: start")
    await asyncio.sleep(delay)
    print(f"{name}: done")
    return name.upper()


async def main():
    try:
        async with asyncio.timeout(2):
            await fetch("a", 1)
            await fetch("b", 3)
    except TimeoutError:
        print("main: gave up after 2 s")


# --8<-- [end:cell]
asyncio.run(main())
