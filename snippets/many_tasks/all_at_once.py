# --8<-- [start:cell]
import asyncio


async def fetch(name):
    await asyncio.sleep(1)  # pretend to download for 1 s
    return name.upper()


async def main():
    print("main: start")
    a, b, c = await asyncio.gather(
        fetch("a"),
        fetch("b"),
        fetch("c"),
    )
    print(a, b, c)


# --8<-- [end:cell]
asyncio.run(main())
