from threading import Thread


def square_numbers():
    for i in range(1000):
        result = i * i
        print(result)


threads = []
num_threads = 10

# Ask the operating system for 10 threads, each running square_numbers.
for i in range(num_threads):
    thread = Thread(target=square_numbers)
    threads.append(thread)

# Start every thread.
for thread in threads:
    thread.start()

# Wait until every thread has finished. Meanwhile the main thread,
# which runs this code, is blocked.
for thread in threads:
    thread.join()

print("all threads finished")
