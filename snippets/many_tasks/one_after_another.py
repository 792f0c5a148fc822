# --8<-- [start:cell]
import asyncio


async def fetch(name):
    await asyncio.sleep(1)  # pretend to download for 1 s
    return name.upper()


async def main():
    print("main: start")
    a = await fetch("a")
    b = await fetch("b")
    c = await fetch("c")
    print(a, b, c)


# --8<-- [end:cell]
asyncio.run(main())
