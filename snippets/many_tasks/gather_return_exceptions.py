# --8<-- [start:cell]
import asyncio


async def fetch(name, delay):
    await asyncio.sleep(delay)
    print(f"{name}: done")
    return name.upper()


async def fail(delay):
    await asyncio.sleep(delay)
    raise ValueError("no such page")


async def main():
    results = await asyncio.gather(
        fetch("a", 2),
        fail(1),
        fetch("c", 3),
        return_exceptions=True,
    )
    print(results)


# --8<-- [end:cell]
asyncio.run(main())
