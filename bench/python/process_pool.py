# P3–P5 anchor: Python's concurrent.futures.ProcessPoolExecutor with 2 workers.
#   python3 bench/python/process_pool.py p4 [N]  N tiny tasks via submit, wait() → tasks/s
#   python3 bench/python/process_pool.py p5 [N]  map(add1, range(N), chunksize=1000) → tasks/s
#   python3 bench/python/process_pool.py p3 [n]  8 × sum_squares(n) → speed-up over sequential
import json, sys, time
from concurrent.futures import ProcessPoolExecutor, wait


def add1(x):
    return x + 1


def sum_squares(n):
    total = 0
    for i in range(n):
        total += i * i
    return total


if __name__ == "__main__":
    bench = sys.argv[1]
    arg = int(sys.argv[2]) if len(sys.argv) > 2 else None
    with ProcessPoolExecutor(max_workers=2) as pool:
        if bench == "p4":
            n = arg or 20_000
            wait([pool.submit(add1, i) for i in range(2000)])
            t0 = time.perf_counter()
            wait([pool.submit(add1, i) for i in range(n)])
            out = {"perSec": n / (time.perf_counter() - t0)}
        elif bench == "p5":
            n = arg or 100_000
            list(pool.map(add1, range(10_000), chunksize=1000))
            t0 = time.perf_counter()
            count = sum(1 for _ in pool.map(add1, range(n), chunksize=1000))
            assert count == n
            out = {"perSec": n / (time.perf_counter() - t0)}
        elif bench == "p3":
            n = arg or 2_000_000
            wait([pool.submit(sum_squares, 1000) for _ in range(2)])
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
