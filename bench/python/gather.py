# P6 anchor: N create_task + gather, each task awaiting once (asyncio.sleep(0)).
import asyncio, json, sys, time

n = int(sys.argv[1]) if len(sys.argv) > 1 else 100_000

async def work(i):
    await asyncio.sleep(0)
    return i

async def main():
    tasks = [asyncio.create_task(work(i)) for i in range(n)]
    out = await asyncio.gather(*tasks)
    assert len(out) == n

asyncio.run(main())
t0 = time.perf_counter()
asyncio.run(main())
print(json.dumps({"mode": "python", "n": n, "perSec": n / (time.perf_counter() - t0)}))
