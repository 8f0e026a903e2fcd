"""Keep glibc from mapping and unmapping NumPy's arrays on every training step.

glibc serves allocations above M_MMAP_THRESHOLD (128 KiB at start) with mmap and gives
memory back to the OS above M_TRIM_THRESHOLD; a training loop that allocates and frees
the same few hundred-KiB arrays every step then pays page faults each time (measured
2.5-3.5x slower on these machines, see bench/bench_engine.py). Raising both thresholds
keeps those arrays on the heap. The MALLOC_*_ environment variables win when set.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import os
import sys

M_TRIM_THRESHOLD = -1
M_MMAP_THRESHOLD = -3
MMAP_THRESHOLD = 64 * 1024 * 1024
TRIM_THRESHOLD = 256 * 1024 * 1024

_done = False


def tune_malloc() -> bool:
    """Raise glibc's mmap and trim thresholds once per process; False where that is not glibc."""
    global _done
    if _done:
        return True
    if not sys.platform.startswith("linux") or os.environ.get("BPV_MALLOC_TUNING") == "0":
        return False
    try:
        libc = ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6")
        mallopt = libc.mallopt
    except (OSError, AttributeError):  # musl and others have no mallopt
        return False
    if "MALLOC_MMAP_THRESHOLD_" not in os.environ:
        mallopt(M_MMAP_THRESHOLD, MMAP_THRESHOLD)
    if "MALLOC_TRIM_THRESHOLD_" not in os.environ:
        mallopt(M_TRIM_THRESHOLD, TRIM_THRESHOLD)
    _done = True
    return True
