import asyncio
import time


async def ticker():
    for i in range(4):
        print(f"tick {i}")
        await asyncio.sleep(1)


async def main():
    ticker_task = asyncio.create_task(ticker())
    await asyncio.sleep(0.5)
    print("main: time.sleep(2) blocks the whole loop")
    time.sleep(2)
    print("main: await asyncio.sleep(1.5) lets the ticker run")
    await asyncio.sleep(1.5)
    await ticker_task


asyncio.run(main())
