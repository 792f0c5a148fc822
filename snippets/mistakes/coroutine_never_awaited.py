import asyncio


async def greet(name):
    await asyncio.sleep(1)
    print(f"hello, {name}")


async def main():
    greet("world")
    print("main done")


asyncio.run(main())
