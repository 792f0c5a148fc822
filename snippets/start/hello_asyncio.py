# --8<-- [start:cell]
import asyncio


async def main():
    print("hello")
    await asyncio.sleep(1)
    print("one second later")


# --8<-- [end:cell]
asyncio.run(main())
