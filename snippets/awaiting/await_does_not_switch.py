import asyncio


async def background():
    print("the task runs")


async def quick():
    print("quick() runs")


async def main():
    task = asyncio.create_task(background())
    await quick()
    print("after await quick()")
    await asyncio.sleep(0)
    print("after await asyncio.sleep(0)")
    await task


asyncio.run(main())
