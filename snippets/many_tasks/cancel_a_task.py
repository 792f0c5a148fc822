# --8<-- [start:cell]
import asyncio


async def download():
    print("download: start")
    try:
        await asyncio.sleep(10)
        print("download: done")
    finally:
        print("download: clean up")


async def main():
    task = asyncio.create_task(download())
    await asyncio.sleep(1)
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        print("main: the download was cancelled")
    print("main: task.cancelled() is", task.cancelled())


# --8<-- [end:cell]
asyncio.run(main())
