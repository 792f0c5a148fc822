import asyncio


async def ticker():
    try:
        for i in range(5):
            print(f"tick {i}")
            await asyncio.sleep(1)
    finally:
        print("ticker: clean up")


async def fail_later():
    await asyncio.sleep(2.5)
    raise ValueError("boom")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(ticker())
            tg.create_task(fail_later())
    except* ValueError:
        print("main: caught ValueError")


asyncio.run(main())
