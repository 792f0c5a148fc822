# --8<-- [start:cell]
import asyncio
import time


def read_sensor():
    time.sleep(1.5)  # a blocking call: no await possible
    return 42


async def ticker():
    for i in range(3):
        print(f"tick {i}")
        await asyncio.sleep(1)


async def main():
    ticker_task = asyncio.create_task(ticker())
    value = await asyncio.to_thread(read_sensor)
    print(f"main: sensor says {value}")
    await ticker_task


# --8<-- [end:cell]
asyncio.run(main())
