"""Calculator speed: one engine call, and `partner-dash calc --json` end to end.

Targets (issue 2): one engine call under 50 µs; the CLI process under 300 ms wall (it must not load Textual).
Run: python3 bench/calc.py
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from decimal import Decimal

from engine.points.calculator import calculate
from engine.rules import shipped_rulebook
from engine.vocabulary import DealType


def engine_call_us(rounds: int = 20_000) -> tuple[float, float]:
    rules = shipped_rulebook().default
    samples = []
    amounts = [Decimal(n) for n in range(1, 1001)]
    for i in range(rounds):
        start = time.perf_counter_ns()
        calculate(rules, amounts[i % 1000], "EUR", "IN", DealType.SOURCED, manage=True, other_partners=2)
        samples.append(time.perf_counter_ns() - start)
    samples.sort()
    return statistics.median(samples) / 1000, samples[int(len(samples) * 0.9)] / 1000


def cli_ms(rounds: int = 15) -> tuple[float, float]:
    command = [
        "partner-dash",
        "calc",
        "--amount",
        "1000",
        "--currency",
        "USD",
        "--country",
        "US",
        "--deal-type",
        "sourced",
        "--manage",
        "--json",
    ]
    samples = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run(command, check=True, capture_output=True)
        samples.append((time.perf_counter() - start) * 1000)
    baseline = []
    for _ in range(rounds):
        start = time.perf_counter()
        subprocess.run([sys.executable, "-c", "pass"], check=True)
        baseline.append((time.perf_counter() - start) * 1000)
    return statistics.median(samples), statistics.median(baseline)


def main() -> None:
    median_us, p90_us = engine_call_us()
    print(f"engine calculate(): median {median_us:.1f} µs, p90 {p90_us:.1f} µs  (target < 50 µs)")
    cli, bare = cli_ms()
    print(f"partner-dash calc --json: median {cli:.0f} ms wall  (target < 300 ms; bare python3 -c pass: {bare:.0f} ms)")


if __name__ == "__main__":
    main()
