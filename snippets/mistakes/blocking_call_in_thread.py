import asyncio
import time


def download(n):  # blocking code you cannot change
    time.sleep(1)
    return f"page {n}"


async def main():
    print("downloading in threads")
    pages = await asyncio.gather(
        asyncio.to_thread(download, 1),
        asyncio.to_thread(download, 2),
        asyncio.to_thread(download, 3),
    )
    print(pages)


asyncio.run(main())
