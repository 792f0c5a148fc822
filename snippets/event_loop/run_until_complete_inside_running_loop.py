# --8<-- [start:cell]
import asyncio


async def hello():
    print("hello")


async def main():
    loop = asyncio.new_event_loop()
    try:
        loop.run_until_complete(hello())
    finally:
        loop.close()


# --8<-- [end:cell]
asyncio.run(main())
