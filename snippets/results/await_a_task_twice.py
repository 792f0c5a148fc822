import asyncio


async def fetch_data():
    print("fetch_data: start")
    await asyncio.sleep(1)
    print("fetch_data: done")
    return {"data": 123}


async def main():
    task = asyncio.create_task(fetch_data())
    first = await task
    print("first await:", first)
    second = await task
    print("second await:", second)
    print("the same object:", first is second)


asyncio.run(main())
