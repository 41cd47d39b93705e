#!/usr/bin/env python3
"""How long a durable write takes on the disk under DIR while a benchmark runs
(docs/PERFORMANCE.md): COUNT times, one every INTERVAL seconds, 8 KiB written into a
preallocated file and fdatasync'd, as SQLite's WAL commit does (synchronous=FULL). Prints
p50 / p90 / p99 / max in ms. It adds a flush every INTERVAL to the disk's own load, no more.

usage: flushprobe.py DIR [COUNT [INTERVAL]]
"""
import os, sys, time

directory = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 300
interval = float(sys.argv[3]) if len(sys.argv) > 3 else 0.1
size = 1 << 20
path = os.path.join(directory, "flushprobe.tmp")
fd = os.open(path, os.O_RDWR | os.O_CREAT | os.O_TRUNC, 0o600)
try:
    block = os.urandom(8192)
    for offset in range(0, size, len(block)):  # allocated before, as a reused WAL is
        os.pwrite(fd, block, offset)
    os.fsync(fd)
    latencies = []
    for i in range(count):
        start = time.perf_counter()
        os.pwrite(fd, block, (i * len(block)) % size)
        os.fdatasync(fd)
        latencies.append((time.perf_counter() - start) * 1000)
        time.sleep(interval)
finally:
    os.close(fd)
    os.unlink(path)
latencies.sort()
at = lambda q: latencies[min(len(latencies) - 1, int(q * len(latencies)))]
print(f"disk flush during the run (8 KiB + fdatasync, {count} times): p50 {at(.5):.2f} ms, "
      f"p90 {at(.9):.2f} ms, p99 {at(.99):.2f} ms, max {latencies[-1]:.2f} ms")
