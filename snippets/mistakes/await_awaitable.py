import asyncio


async def main():
    print("waiting one second")
    await asyncio.sleep(1)
    print("done")


asyncio.run(main())
