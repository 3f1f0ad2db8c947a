"""Header parsing throughput of pydicom, measured like `gateway-bench headers`.

Every file is read with dcmread(path, stop_before_pixels=True), in one thread, with the files in the page cache.
One iteration parses the whole list once; warm-up iterations (at least --warmup of them, for at least
--warmup-seconds) are not timed. Prints one tab-separated line in the
same columns as gateway-bench. Run with Debian's /usr/bin/python3 (python3-pydicom).
"""

import argparse
import gc
import os
import statistics
import time

import pydicom


def expand(paths: list[str]) -> list[str]:
    files: list[str] = []
    for path in paths:
        if os.path.isdir(path):
            found = [os.path.join(root, name) for root, _, names in os.walk(path) for name in names]
            files.extend(sorted(found))
        else:
            files.append(path)
    return files


def parse_all(files: list[str]) -> None:
    for path in files:
        pydicom.dcmread(path, stop_before_pixels=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--warmup", type=int, default=3)
    parser.add_argument("--warmup-seconds", type=float, default=2)
    parser.add_argument("--iterations", type=int, default=20)
    parser.add_argument("paths", nargs="+")
    args = parser.parse_args()

    files = expand(args.paths)
    elements = sum(len(pydicom.dcmread(path, stop_before_pixels=True)) for path in files)
    warmup_start, done = time.perf_counter(), 0
    while done < args.warmup or time.perf_counter() - warmup_start < args.warmup_seconds:
        parse_all(files)
        done += 1
    gc.collect()
    times = []
    for _ in range(args.iterations):
        start = time.perf_counter()
        parse_all(files)
        times.append((time.perf_counter() - start) * 1000)

    median, best = statistics.median(times), min(times)
    print("case\tfiles\ttop_level_elements\titerations\tmedian_ms\tmin_ms\tfiles_per_s_median\tfiles_per_s_best")
    print(f"pydicom {pydicom.__version__}\t{len(files)}\t{elements}\t{args.iterations}\t{median:.3f}\t{best:.3f}"
          f"\t{len(files) / median * 1000:.1f}\t{len(files) / best * 1000:.1f}")


if __name__ == "__main__":
    main()
