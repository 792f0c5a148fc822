# --8<-- [start:cell]
import asyncio


async def fetch(name, delay):
    await asyncio.sleep(delay)
    return name.upper()


async def fail(delay):
    await asyncio.sleep(delay)
    raise ValueError("no such page")


async def main():
    slow = asyncio.create_task(fetch("c", 5))
    asyncio.get_running_loop().call_later(2, slow.cancel)
    results = await asyncio.gather(
        fetch("a", 1),
        fail(1),
        slow,
        return_exceptions=True,
    )
    for result in results:
        if isinstance(result, BaseException):
            print(f"failed: {result!r}")
        else:
            print(f"got: {result!r}")
    print("an Exception?", isinstance(results[2], Exception))


# --8<-- [end:cell]
asyncio.run(main())
