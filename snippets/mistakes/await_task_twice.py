import asyncio


async def fetch():
    await asyncio.sleep(1)
    return 42


async def main():
    answer = asyncio.create_task(fetch())
    print(await answer)
    print(await answer)


asyncio.run(main())
