# --8<-- [start:cell]
import asyncio


async def fetch(name, delay):
    print(f"{name}: start")
    await asyncio.sleep(delay)
    print(f"{name}: done")
    return name.upper()


async def main():
    a = await asyncio.wait_for(fetch("a", 1), timeout=2)
    print(f"main: got {a}")
    try:
        await asyncio.wait_for(fetch("b", 3), timeout=2)
    except TimeoutError:
        print("main: b took too long")


# --8<-- [end:cell]
asyncio.run(main())
