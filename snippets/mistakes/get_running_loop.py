import asyncio


async def main():
    loop = asyncio.get_running_loop()
    loop.call_later(1, print, "one second later")
    print("hello")
    await asyncio.sleep(1.5)


asyncio.run(main())
