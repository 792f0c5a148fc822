async def main():
    print("hello")


print(main())
