# --8<-- [start:cell]
import asyncio


async def fetch(name, delay):
    print(f"{name}: start")
    await asyncio.sleep(delay)
    return name.upper()


async def main():
    tasks = [
        asyncio.create_task(fetch("a", 3)),
        asyncio.create_task(fetch("b", 1)),
        asyncio.create_task(fetch("c", 2)),
    ]
    for next_done in asyncio.as_completed(tasks):
        result = await next_done
        print(f"main: got {result}")


# --8<-- [end:cell]
asyncio.run(main())
