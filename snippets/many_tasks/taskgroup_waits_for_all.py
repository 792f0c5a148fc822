# --8<-- [start:cell]
import asyncio


async def fetch(name, delay):
    print(f"{name}: start")
    await asyncio.sleep(delay)
    print(f"{name}: done")
    return name.upper()


async def main():
    async with asyncio.TaskGroup() as tg:
        task_a = tg.create_task(fetch("a", 3))
        task_b = tg.create_task(fetch("b", 1))
        print("main: both tasks created")
    # Here every task of the group has finished.
    print(task_a.result(), task_b.result())


# --8<-- [end:cell]
asyncio.run(main())
