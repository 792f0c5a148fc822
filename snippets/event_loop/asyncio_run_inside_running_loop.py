import asyncio


async def hello():
    print("hello")


async def main():
    asyncio.run(hello())


asyncio.run(main())
