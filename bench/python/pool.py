# P1–P3 anchor: Python's concurrent.futures.ThreadPoolExecutor with 2 workers.
#   python3 bench/python/pool.py p1 [N]  N tiny tasks submitted at once, wait() → tasks/s
#   python3 bench/python/pool.py p2 [N]  one task at a time → p50 µs
#   python3 bench/python/pool.py p3 [n]  8 × sum_squares(n) → speed-up over sequential
import json, sys, time
from concurrent.futures import ThreadPoolExecutor, wait

bench = sys.argv[1]
arg = int(sys.argv[2]) if len(sys.argv) > 2 else None

def add1(x):
    return x + 1

def sum_squares(n):
    total = 0
    for i in range(n):
        total += i * i
    return total

with ThreadPoolExecutor(max_workers=2) as pool:
    if bench == "p1":
        n = arg or 100_000
        wait([pool.submit(add1, i) for i in range(2000)])
        t0 = time.perf_counter()
        wait([pool.submit(add1, i) for i in range(n)])
        out = {"perSec": n / (time.perf_counter() - t0)}
    elif bench == "p2":
        n = arg or 5000
        for i in range(200):
            pool.submit(add1, i).result()
        samples = []
        for i in range(n):
            t0 = time.perf_counter()
            pool.submit(add1, i).result()
            samples.append(time.perf_counter() - t0)
        samples.sort()
        out = {"p50us": samples[n // 2] * 1e6}
    elif bench == "p3":
        n = arg or 2_000_000
        t0 = time.perf_counter()
        for _ in range(8):
            sum_squares(n)
        sequential = time.perf_counter() - t0
        t0 = time.perf_counter()
        wait([pool.submit(sum_squares, n) for _ in range(8)])
        parallel = time.perf_counter() - t0
        out = {"speedup": sequential / parallel}
    else:
        raise SystemExit(f"unknown benchmark {bench}")
print(json.dumps({"lib": "python", "bench": bench, **out}))
