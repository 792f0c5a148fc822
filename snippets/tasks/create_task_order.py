# --8<-- [start:cell]
import asyncio


async def main():
    print("hello")
    task = asyncio.create_task(foo("world"))
    print("finished")


async def foo(text):
    print(text)
    await asyncio.sleep(3)  # pretend to work for 3 seconds
    print("also finished")


# --8<-- [end:cell]
asyncio.run(main())
