"""`make bench-diary`: what opening a private diary costs with the configured Argon2id parameters.

Opening = Argon2id(code NUL passphrase, salt) with settings.DIARY_KDF, then the two unwrapping steps
(AES-GCM under the server's pepper key, AES-GCM under the passphrase key): diary/sealing.py, exactly as
diary/opening.py does it. Prints the median (and spread) of N runs; `--grid` also times a few candidate
parameter sets, to show where the chosen ones sit. Target: 150-400 ms per opening on the server.
A throw-away key ring is used; nothing is written to var/ or to any database.
"""

from __future__ import annotations

import argparse
import base64
import json
import os
import platform
import secrets
import statistics
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "src"))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "standtogether.settings.dev")
os.environ.setdefault("SECRET_KEY", "bench-only-" + secrets.token_hex(16))
os.environ["STANDTOGETHER_KEYS"] = json.dumps(
    {
        "current": {p: f"b{i}" for i, p in enumerate(("data", "index", "rate", "pepper"))},
        "keys": {f"b{i}": base64.b64encode(secrets.token_bytes(32)).decode() for i in range(4)},
    }
)

import django  # noqa: E402

django.setup()

from django.conf import settings  # noqa: E402

from standtogether.diary import sealing  # noqa: E402

TARGET_MS = (150, 400)
GRID = [
    {"time_cost": 2, "memory_cost": 64 * 1024, "parallelism": 1},
    {"time_cost": 3, "memory_cost": 64 * 1024, "parallelism": 1},
    {"time_cost": 3, "memory_cost": 96 * 1024, "parallelism": 1},
    {"time_cost": 2, "memory_cost": 128 * 1024, "parallelism": 1},
    {"time_cost": 3, "memory_cost": 128 * 1024, "parallelism": 1},
]


def time_opening(kdf: dict[str, int], runs: int) -> list[float]:
    code = sealing.normalise_code(sealing.new_code())
    passphrase = "blue kettle rain garden"
    salt, diary_uuid = sealing.new_salt(), "00000000-0000-4000-8000-000000000000"
    dek = sealing.new_data_key()
    sealed = sealing.seal_key(dek, sealing.derive(code, passphrase, salt, kdf), diary_uuid)
    timings = []
    for _ in range(runs):
        started = time.perf_counter()
        key = sealing.derive(code, passphrase, salt, kdf)
        assert sealing.open_key(sealed, key, diary_uuid) == dek
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def describe(kdf: dict[str, int], timings: list[float]) -> dict:
    median = statistics.median(timings)
    return {
        "time_cost": kdf["time_cost"],
        "memory_mib": kdf["memory_cost"] // 1024,
        "parallelism": kdf["parallelism"],
        "median_ms": round(median, 1),
        "min_ms": round(min(timings), 1),
        "max_ms": round(max(timings), 1),
        "in_target": TARGET_MS[0] <= median <= TARGET_MS[1],
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21, help="openings to time (default 21)")
    parser.add_argument("--grid", action="store_true", help="also time a few candidate parameter sets")
    parser.add_argument("--json", type=Path, help="write the figures to this file")
    args = parser.parse_args()
    chosen = sealing.current_kdf()
    print(f"{platform.node()} {platform.processor() or platform.machine()} {os.cpu_count()} cores")
    rows = [{"chosen": True, **describe(chosen, time_opening(chosen, args.runs))}]
    if args.grid:
        for kdf in GRID:
            if kdf != chosen:
                rows.append({"chosen": False, **describe(kdf, time_opening(kdf, max(5, args.runs // 3)))})
    print(f"{'':2}{'t':>3} {'MiB':>5} {'p':>2} {'median ms':>10} {'min':>7} {'max':>7}  target {TARGET_MS}")
    for row in rows:
        mark = "*" if row["chosen"] else " "
        ok = "ok" if row["in_target"] else "MISS"
        print(
            f"{mark:2}{row['time_cost']:>3} {row['memory_mib']:>5} {row['parallelism']:>2} "
            f"{row['median_ms']:>10} {row['min_ms']:>7} {row['max_ms']:>7}  {ok}"
        )
    print(f"* settings.DIARY_KDF, median of {args.runs} openings")
    if args.json:
        args.json.write_text(json.dumps({"kdf": settings.DIARY_KDF, "rows": rows}, indent=2))
    return 0


if __name__ == "__main__":
    sys.exit(main())
