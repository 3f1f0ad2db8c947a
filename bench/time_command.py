"""Wall-clock time of a command-line tool, run again and again: the reference for tools that have no in-process API.

    time_command.py [--warmup N] [--iterations N] CASE -- COMMAND ARG...

Each run starts a new process, so the time includes process start-up, library loading, reading the input file
and writing the output file. Prints one tab-separated line: case, iterations, median_ms, min_ms.
"""

import argparse
import statistics
import subprocess
import sys
import time


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--warmup", type=int, default=1)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("case")
    parser.add_argument("command", nargs=argparse.REMAINDER)
    args = parser.parse_args()
    command = args.command[1:] if args.command[:1] == ["--"] else args.command
    if not command:
        parser.error("no command given")

    def run() -> float:
        start = time.perf_counter()
        result = subprocess.run(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, check=False)
        elapsed = (time.perf_counter() - start) * 1000
        if result.returncode != 0:
            sys.exit(f"time_command: {' '.join(command)} failed ({result.returncode}): {result.stderr.decode(errors='replace')}")
        return elapsed

    for _ in range(args.warmup):
        run()
    times = [run() for _ in range(args.iterations)]
    print(f"{args.case}\t{args.iterations}\t{statistics.median(times):.3f}\t{min(times):.3f}")


if __name__ == "__main__":
    main()
