import asyncio

background_tasks = set()


async def work(number):
    await asyncio.sleep(number)
    print(f"job {number} done")


async def main():
    for number in (1, 2):
        task = asyncio.create_task(work(number))
        background_tasks.add(task)
        task.add_done_callback(background_tasks.discard)
    print("jobs started")
    await asyncio.sleep(3)
    print("left:", len(background_tasks))


asyncio.run(main())
