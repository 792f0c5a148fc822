# --8<-- [start:cell]
import asyncio


async def fetch(name, delay):
    print(f"{name}: start")
    await asyncio.sleep(delay)  # pretend to download
    print(f"{name}: done")
    return name.upper()


async def main():
    results = await asyncio.gather(
        fetch("a", 3),
        fetch("b", 1),
        fetch("c", 2),
    )
    print(results)


# --8<-- [end:cell]
asyncio.run(main())
