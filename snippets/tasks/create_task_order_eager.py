import asyncio


async def main():
    loop = asyncio.get_running_loop()
    loop.set_task_factory(asyncio.eager_task_factory)
    print("hello")
    task = asyncio.create_task(foo("world"))
    print("finished")


async def foo(text):
    print(text)
    await asyncio.sleep(3)  # pretend to work for 3 seconds
    print("also finished")


asyncio.run(main())
