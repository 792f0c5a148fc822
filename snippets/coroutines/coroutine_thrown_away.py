async def main():
    print("hello")


coroutine = main()
print("created")
coroutine = None
print("thrown away")
