import asyncio


async def greet(name):
    print(f"hello, {name}")
    return len(name)


async def main():
    coroutine = greet("world")
    print("coroutine created, nothing printed yet")
    result = await coroutine
    print("greet returned", result)


asyncio.run(main())
