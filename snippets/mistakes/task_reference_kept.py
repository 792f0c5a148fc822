import asyncio
import gc

background_tasks = set()


async def wait_for_signal():
    signal = asyncio.Event()  # nobody else refers to it
    print("waiting for the signal")
    await signal.wait()


async def main():
    task = asyncio.create_task(wait_for_signal())
    background_tasks.add(task)  # a strong reference
    task.add_done_callback(background_tasks.discard)
    await asyncio.sleep(0.5)
    gc.collect()
    print("main done")


asyncio.run(main())
