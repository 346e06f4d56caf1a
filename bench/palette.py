"""Command palette client search at 100k clients: what one keystroke costs (issue 11: well under 100 ms).

Run: python3 bench/palette.py [--clients 100000] [--name-length 10000]

Builds the palette's ClientIndex over that many clients (names of the given length) and times the search the
palette runs on each keystroke while a user types a client's name, an id, and a word nobody has.
"""

from __future__ import annotations

import argparse
import statistics
import time
from decimal import Decimal

from engine.data.models import Client, Relationship
from engine.vocabulary import DealType
from tui.commands import ClientIndex


def clients(count: int, name_length: int) -> list[Client]:
    padding = "x" * max(name_length - 20, 0)
    return [
        Client(
            id=f"C{n:06d}",
            name=f"Client {n:06d} {padding}",
            country="US",
            currency="USD",
            relationship=Relationship.SOLD,
            deal_type=DealType.SOURCED,
            mrr=Decimal(0),
        )
        for n in range(count)
    ]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=100_000)
    parser.add_argument("--name-length", type=int, default=10_000)
    args = parser.parse_args()
    made = clients(args.clients, args.name_length)
    started = time.perf_counter()
    index = ClientIndex(made)
    built = time.perf_counter() - started
    print(f"index of {args.clients:,} clients ({args.name_length:,}-character names): {built:.2f} s")
    for typed in (f"client {args.clients - 1:06d}", f"c{args.clients // 2:06d}", "zebra crossing"):
        times = []
        for end in range(1, len(typed) + 1):
            started = time.perf_counter()
            index.search(typed[:end])
            times.append((time.perf_counter() - started) * 1000)
        print(f"typing {typed!r}: per keystroke median {statistics.median(times):.2f} ms, max {max(times):.2f} ms")


if __name__ == "__main__":
    main()
