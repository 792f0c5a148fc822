import asyncio
import gc


async def wait_for_signal():
    signal = asyncio.Event()  # nobody else refers to it
    print("waiting for the signal")
    await signal.wait()


async def main():
    gc.disable()  # garbage is collected only below
    asyncio.create_task(wait_for_signal())  # not kept
    await asyncio.sleep(0.5)
    gc.collect()  # Python collects garbage now and then
    print("main done")


asyncio.run(main())
