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
    try:
        await asyncio.gather(
            fetch("a", 2),
            fail(1),
            fetch("c", 3),
        )
    except ValueError as error:
        print(f"main: {error!r}")
    await asyncio.sleep(2.5)  # meanwhile, a and c go on
    print("main: finished")


# --8<-- [end:cell]
asyncio.run(main())
