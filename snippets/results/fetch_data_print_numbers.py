# --8<-- [start:cell]
import asyncio


async def fetch_data() -> dict:
    print("start fetching")
    await asyncio.sleep(2)
    print("finished fetching")
    return {"data": 123}


async def print_numbers():
    for i in range(10):
        print(i)
        await asyncio.sleep(0.3)


async def main():
    fetching_task = asyncio.create_task(fetch_data())
    printing_task = asyncio.create_task(print_numbers())
    value = await fetching_task  # wait here for the coroutine's value
    print(value)


# --8<-- [end:cell]
asyncio.run(main())
