import asyncio


async def fetch():
    await asyncio.sleep(1)
    return 42


async def main():
    answer = fetch()
    print(await answer)
    print(await answer)


asyncio.run(main())
