# --8<-- [start:cell]
import asyncio


async def main():
    print("hello")
    await foo("world")
    print("finished")


async def foo(text):
    print(text)
    await asyncio.sleep(3)  # pretend to work for 3 seconds


# --8<-- [end:cell]
asyncio.run(main())
