# --8<-- [start:cell]
import asyncio


async def main():
    await asyncio.sleep(1)
    print("done")


# --8<-- [end:cell]
asyncio.run(main())
