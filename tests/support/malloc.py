"""What the C allocator has handed out: where Python's own tracing cannot see (protobuf arenas)."""

from __future__ import annotations

import ctypes
import gc


class _MallInfo2(ctypes.Structure):
    # glibc's struct mallinfo2, in its order (malloc.h).
    _fields_ = [
        (name, ctypes.c_size_t)
        for name in (
            "arena",
            "ordblks",
            "smblks",
            "hblks",
            "hblkhd",
            "usmblks",
            "fsmblks",
            "uordblks",
            "fordblks",
            "keepcost",
        )
    ]


def malloc_in_use() -> int:
    """Bytes in use from glibc's allocator (heap and mapped chunks), after a collection.

    Returns:
        ``uordblks + hblkhd`` of ``mallinfo2()``: freed memory the allocator keeps does not
        count, so the figure follows what is alive, unlike the resident set.
    """
    gc.collect()
    libc = ctypes.CDLL(None)
    libc.mallinfo2.restype = _MallInfo2
    info = libc.mallinfo2()
    return int(info.uordblks + info.hblkhd)
