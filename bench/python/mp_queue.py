# P7 anchor: multiprocessing.Queue, parent -> child messages per second.
#   python3 bench/python/mp_queue.py [N]
import json, multiprocessing as mp, sys, time

def consume(q, n, ready, done):
    q.get()  # warm-up
    ready.set()
    total = 0
    for _ in range(n):
        total += q.get()
    done.put(total)

if __name__ == "__main__":
    n = int(sys.argv[1]) if len(sys.argv) > 1 else 250_000
    q = mp.Queue()
    ready = mp.Event()
    done = mp.SimpleQueue()
    p = mp.Process(target=consume, args=(q, n, ready, done))
    p.start()
    q.put(-1)
    ready.wait()
    t0 = time.perf_counter()
    for i in range(n):
        q.put(i)
    total = done.get()
    seconds = time.perf_counter() - t0
    p.join()
    assert total == n * (n - 1) // 2
    print(json.dumps({"perSec": n / seconds}))
