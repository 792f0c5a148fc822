import threading
import time


def slow_greeting():
    time.sleep(0.2)
    print("hello from the thread")


thread = threading.Thread(
    target=slow_greeting,
    daemon=True,
)
thread.start()
print("main code: done")
