# --8<-- [start:cell]
import asyncio


async def fetch(name, delay):
    try:
        await asyncio.sleep(delay)
        print(f"{name}: done")
    except asyncio.CancelledError:
        print(f"{name}: cancelled")
        raise


async def fail(delay):
    await asyncio.sleep(delay)
    raise ValueError("no such page")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fetch("a", 0.5))
            tg.create_task(fail(1))
            tg.create_task(fetch("c", 3))
    except* ValueError as group:
        for error in group.exceptions:
            print(f"main: caught {error!r}")


# --8<-- [end:cell]
asyncio.run(main())
