import asyncio


async def fail():
    raise ValueError("no such page")


async def main():
    try:
        async with asyncio.TaskGroup() as tg:
            tg.create_task(fail())
    except ValueError:
        print("caught ValueError")


asyncio.run(main())
