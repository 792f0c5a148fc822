import asyncio


async def job(name, seconds):
    print(f"{name}: start")
    await asyncio.sleep(seconds)
    print(f"{name}: done")


async def main():
    await job("a", 1)
    await job("b", 2)
    print("main: finished")


asyncio.run(main())
