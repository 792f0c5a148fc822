import asyncio


async def step(name, seconds):
    print(f"{name}: start")
    await asyncio.sleep(seconds)
    print(f"{name}: done")


async def main():
    first = step("a", 1)
    second = step("b", 2)
    print("main: both coroutines created")
    await second
    await first
    print("main: finished")


asyncio.run(main())
