# P9 anchor: bytes per pending asyncio task blocked on a shared future (tracemalloc).
import asyncio, json, sys, tracemalloc

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000

async def main():
    gate = asyncio.get_running_loop().create_future()
    async def waiter():
        await gate
    tracemalloc.start()
    before = tracemalloc.get_traced_memory()[0]
    tasks = [asyncio.create_task(waiter()) for _ in range(n)]
    await asyncio.sleep(0)
    after = tracemalloc.get_traced_memory()[0]
    tracemalloc.stop()
    gate.set_result(None)
    await asyncio.gather(*tasks)
    print(json.dumps({"kind": "python blocked", "n": n, "bytesPerTask": (after - before) / n}))

asyncio.run(main())
