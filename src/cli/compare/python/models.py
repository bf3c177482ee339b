"""The Python side of `concur compare`: the same three workloads in CPython's models.

One run per process, as on the Node side (runs.ts): `python3 models.py` reads one request,
a JSON object, from its first argument; prints one JSON line per finished job
({"type": "progress"}) and then the run's measure ({"type": "result", ...}, the shape of
RunMeasure in runs.ts) or {"type": "error", "message": ...}; and exits.

The request: {"model": NAME, "workload": {...}, "workers": N}, where the workload is
{"kind": "cpu", "n", "tasks"}, {"kind": "io", "url", "requests"} or
{"kind": "mixed", "url", "pages", "rounds"}.

Standard library only. When its parent goes away (its stdin closes), the run kills its
process group: itself and every process it started.
"""

import asyncio
import json
import multiprocessing
import os
import resource
import signal
import sys
import threading
import time
import urllib.parse
import urllib.request
from concurrent.futures import ProcessPoolExecutor, ThreadPoolExecutor, as_completed


def now():
    """Milliseconds since the epoch, comparable across processes (and with Node's samples)."""
    return time.time() * 1000


def sample(value, start):
    """What one task did, where and when, with its process's counters so far."""
    usage = resource.getrusage(resource.RUSAGE_SELF)
    on_main = threading.current_thread() is threading.main_thread()
    return {
        "value": value,
        "pid": os.getpid(),
        "thread": 0 if on_main else threading.get_native_id(),
        "start": start,
        "end": now(),
        "processCpuUs": round((usage.ru_utime + usage.ru_stime) * 1e6),
        # Linux reports KiB (macOS bytes: there the figure is 1,024 times too large).
        "processMaxRssKiB": usage.ru_maxrss,
    }


# The tasks: the same work as tasks.ts, in plain Python.


def sum_squares(n):
    """The sum of i² for i below n, in a plain loop: Python's integers never overflow."""
    start = now()
    total = 0
    for i in range(n):
        total += i * i
    return sample(str(total), start)


def digest(body, rounds):
    """32-bit FNV-1a over the page's bytes, rounds times over: the same number as Node's."""
    value = 0x811C9DC5
    for _ in range(rounds):
        for byte in body:
            value = ((value ^ byte) * 0x01000193) & 0xFFFFFFFF
    return value


def get(url):
    with urllib.request.urlopen(url) as response:
        return response.read()


def fetch_page(url):
    start = now()
    return sample(str(len(get(url))), start)


def fetch_and_digest(url, rounds):
    start = now()
    return sample(str(digest(get(url), rounds)), start)


def digest_page(body, rounds):
    start = now()
    return sample(str(digest(body, rounds)), start)


async def get_async(url):
    """One GET over asyncio streams (the standard library has no asyncio HTTP client)."""
    parts = urllib.parse.urlsplit(url)
    reader, writer = await asyncio.open_connection(parts.hostname, parts.port)
    try:
        writer.write(
            f"GET {parts.path} HTTP/1.1\r\nHost: {parts.netloc}\r\nConnection: close\r\n\r\n".encode()
        )
        await writer.drain()
        head = await reader.readuntil(b"\r\n\r\n")
        status = head.split(b" ", 2)[1]
        if status != b"200":
            raise RuntimeError(f"{status.decode()} for {url}")
        length = next(
            int(line.split(b":", 1)[1])
            for line in head.split(b"\r\n")
            if line.lower().startswith(b"content-length:")
        )
        return await reader.readexactly(length)
    finally:
        writer.close()
        await writer.wait_closed()


# The jobs of a workload, as (function, arguments) pairs every model can run.


def jobs_of(workload):
    kind = workload["kind"]
    if kind == "cpu":
        return [(sum_squares, (workload["n"],)) for _ in range(workload["tasks"])]
    if kind == "io":
        return [(fetch_page, (f"{workload['url']}/page/{i}",)) for i in range(workload["requests"])]
    return [
        (fetch_and_digest, (f"{workload['url']}/page/{i}", workload["rounds"]))
        for i in range(workload["pages"])
    ]


def progress():
    print('{"type": "progress"}', flush=True)


# The models: each runs every job of a workload and returns their samples.


def run_sequential(workload, workers):
    samples = []
    for fn, args in jobs_of(workload):
        samples.append(fn(*args))
        progress()
    return samples


def run_asyncio(workload, workers):
    """One coroutine per job, gathered on one event loop; waits are awaited, work is not."""
    kind = workload["kind"]

    async def job(i):
        if kind == "cpu":
            result = sum_squares(workload["n"])
        else:
            start = now()
            body = await get_async(f"{workload['url']}/page/{i}")
            value = len(body) if kind == "io" else digest(body, workload["rounds"])
            result = sample(str(value), start)
        progress()
        return result

    count = len(jobs_of(workload))

    async def main():
        return await asyncio.gather(*(job(i) for i in range(count)))

    return asyncio.run(main())


def run_on(executor, workload):
    with executor:
        futures = [executor.submit(fn, *args) for fn, args in jobs_of(workload)]
        for future in as_completed(futures):
            future.result()
            progress()
        return [future.result() for future in futures]


def run_thread_pool(workload, workers):
    return run_on(ThreadPoolExecutor(max_workers=workers), workload)


def run_process_pool(workload, workers):
    return run_on(ProcessPoolExecutor(max_workers=workers), workload)


def run_threads(workload, workers):
    """One threading.Thread per job, as the tutorials start them."""
    jobs = jobs_of(workload)
    samples = [None] * len(jobs)
    lock = threading.Lock()

    def target(index, fn, args):
        samples[index] = fn(*args)
        with lock:
            progress()

    threads = [
        threading.Thread(target=target, args=(i, fn, args)) for i, (fn, args) in enumerate(jobs)
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return samples


def process_target(queue, index, fn, args):
    queue.put((index, fn(*args)))


def run_processes(workload, workers):
    """One multiprocessing.Process per job, their results back through a Queue."""
    jobs = jobs_of(workload)
    queue = multiprocessing.Queue()
    processes = [
        multiprocessing.Process(target=process_target, args=(queue, i, fn, args))
        for i, (fn, args) in enumerate(jobs)
    ]
    for process in processes:
        process.start()
    samples = [None] * len(jobs)
    for _ in jobs:
        index, result = queue.get()
        samples[index] = result
        progress()
    for process in processes:
        process.join()
    return samples


def call(job):
    fn, args = job
    return fn(*args)


def run_pool(workload, workers):
    with multiprocessing.Pool(workers) as pool:
        samples = []
        for result in pool.imap(call, jobs_of(workload)):
            samples.append(result)
            progress()
        pool.close()
        pool.join()
        return samples


def run_asyncio_process_pool(workload, workers):
    """Waits on the event loop; the computing goes to a ProcessPoolExecutor (the GIL)."""
    rounds = workload["rounds"]

    async def main(pool):
        loop = asyncio.get_running_loop()

        async def job(i):
            body = await get_async(f"{workload['url']}/page/{i}")
            result = await loop.run_in_executor(pool, digest_page, body, rounds)
            progress()
            return result

        return await asyncio.gather(*(job(i) for i in range(workload["pages"])))

    with ProcessPoolExecutor(max_workers=workers) as pool:
        return asyncio.run(main(pool))


MODELS = {
    "sequential": run_sequential,
    "asyncio": run_asyncio,
    "threading.Thread": run_threads,
    "ThreadPoolExecutor": run_thread_pool,
    "multiprocessing.Process": run_processes,
    "multiprocessing.Pool": run_pool,
    "ProcessPoolExecutor": run_process_pool,
    "asyncio+ProcessPoolExecutor": run_asyncio_process_pool,
}


def child_usage(samples):
    """CPU time (µs) and peak memory (KiB) of the child processes among the samples."""
    by_pid = {}
    for s in samples:
        if s["pid"] == os.getpid():
            continue
        cpu, rss = by_pid.get(s["pid"], (0, 0))
        by_pid[s["pid"]] = (max(cpu, s["processCpuUs"]), max(rss, s["processMaxRssKiB"]))
    return sum(c for c, _ in by_pid.values()), sum(r for _, r in by_pid.values())


def measure(request):
    run = MODELS[request["model"]]
    workload = request["workload"]
    if workload["kind"] != "cpu":
        get(f"{workload['url']}/warm-up")
    before = resource.getrusage(resource.RUSAGE_SELF)
    start = now()
    samples = run(workload, request["workers"])
    wall = now() - start
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu_us, rss_kib = child_usage(samples)
    own_cpu = (after.ru_utime + after.ru_stime) - (before.ru_utime + before.ru_stime)
    return {
        "type": "result",
        "wallMs": wall,
        "cpuMs": own_cpu * 1000 + cpu_us / 1000,
        "peakRssBytes": (after.ru_maxrss + rss_kib) * 1024,
        "startedAt": start,
        "pid": os.getpid(),
        "samples": samples,
    }


def follow_parent():
    """Kills this run's process group once the parent closes our stdin (it is gone)."""
    # os.read, not sys.stdin: a child that multiprocessing forks closes sys.stdin, which
    # would wait forever for the lock this thread's read holds in the parent.
    while os.read(0, 4096):
        pass
    os.killpg(0, signal.SIGKILL)


def main():
    threading.Thread(target=follow_parent, daemon=True).start()
    try:
        print(json.dumps(measure(json.loads(sys.argv[1]))), flush=True)
    except Exception as error:  # reported to the parent, which names the model
        print(json.dumps({"type": "error", "message": f"{type(error).__name__}: {error}"}), flush=True)


if __name__ == "__main__":
    main()
