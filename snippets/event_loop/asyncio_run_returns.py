import asyncio


async def main():
    print("main: working")
    await asyncio.sleep(1)
    return 42


first = asyncio.run(main())
print("first run returned", first)
second = asyncio.run(main())
print("second run returned", second)
