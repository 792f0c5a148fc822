import asyncio


async def parse(text):
    if not text.isdigit():
        raise ValueError(f"not a number: {text!r}")
    return int(text)


async def main():
    task = asyncio.create_task(parse("forty-two"))
    await asyncio.sleep(0.5)
    print("main done")


asyncio.run(main())
