import asyncio
import gc


async def wait_for_signal():
    signal = asyncio.Event()  # nobody else refers to it
    print("waiting for the signal")
    try:
        await signal.wait()
    except asyncio.CancelledError:
        print("cancelled")  # never printed
        raise
    except GeneratorExit:
        print("closed: GeneratorExit")
        raise


async def main():
    gc.disable()  # garbage is collected only below
    asyncio.create_task(wait_for_signal())  # not kept
    await asyncio.sleep(0.5)
    gc.collect()
    print("main done")


asyncio.run(main())
