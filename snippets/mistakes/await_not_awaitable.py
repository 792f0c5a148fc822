import asyncio
import time


async def main():
    print("waiting one second")
    await time.sleep(1)
    print("done")


asyncio.run(main())
