import asyncio


async def job(name, seconds):
    print(f"{name}: start")
    await asyncio.sleep(seconds)
    print(f"{name}: done")


async def main():
    task_a = asyncio.create_task(job("a", 1))
    task_b = asyncio.create_task(job("b", 2))
    await task_a
    await task_b
    print("main: finished")


asyncio.run(main())
