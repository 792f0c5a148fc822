import asyncio


async def greet(name):
    print(f"hello, {name}")


async def main():
    first = greet("Ada")
    second = greet("Bob")
    await second
    print("main: done")


asyncio.run(main())
