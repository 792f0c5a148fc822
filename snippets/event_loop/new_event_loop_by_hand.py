import asyncio


async def main():
    print("hello")


loop = asyncio.new_event_loop()
loop.run_until_complete(main())
