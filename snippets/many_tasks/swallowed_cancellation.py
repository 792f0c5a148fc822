# --8<-- [start:cell]
import asyncio


async def stubborn():
    try:
        await asyncio.sleep(3)
    except asyncio.CancelledError:
        print("stubborn: cancelled, carrying on")  # wrong
    await asyncio.sleep(1)
    print("stubborn: finished anyway")


async def main():
    try:
        async with asyncio.timeout(1):
            await stubborn()
        print("main: no TimeoutError")
    except TimeoutError:
        print("main: timed out")


# --8<-- [end:cell]
asyncio.run(main())
