import asyncio

import things

print(things.MyErr.__module__, things.Thing.__module__, things.Thing.__qualname__)
print(things.MyErr, repr(things.MyErr("x")))


class Local:
    pass


print(Local.__module__, Local)
print(asyncio.Queue, asyncio.QueueEmpty, asyncio.QueueFull, asyncio.BrokenBarrierError)
try:
    asyncio.Queue().get_nowait()
except asyncio.QueueEmpty as e:
    print(type(e).__module__, type(e).__name__)
raise things.MyErr("uncaught, named with its module")
