"""Relationship index speed on the N-table benchmark schema.

    .venv/bin/python bench/relationships_bench.py [--tables 2000] [--repeat 7]

Target (issue 3): building the index from a snapshot < 0.5 s on 2,000 tables; ``find()``
is a dict lookup plus a filter over one origin's relationships (microseconds).
The snapshot itself is taken once (its speed is snapshot_bench.py's business).
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from collections import Counter

from _common import bench_dsn, median_times

import pgprobe
from pgprobe.relationships import EmbedError, RelationshipIndex, explain_embed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--tables", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=7)
    args = parser.parse_args()
    snap = pgprobe.snapshot(bench_dsn(args.tables), schemas=["app"])

    build = median_times({"from_snapshot": lambda: RelationshipIndex.from_snapshot(snap, ["app"])},
                         repeat=args.repeat)
    idx = RelationshipIndex.from_snapshot(snap, ["app"])
    rels = idx.all()
    kinds = Counter(r.cardinality for r in rels)

    # every (origin, target table name) pair once, and a hinted lookup for each relationship
    plain = sorted({(r.table.name, r.foreign_table.name) for r in rels})
    hinted = [(r.table.name, r.foreign_table.name, r.hint) for r in rels if r.kind != "computed"]
    outcomes: Counter[str] = Counter()

    def run(lookups: list[tuple[str, ...]]) -> float:
        started = time.perf_counter()
        for args_ in lookups:
            try:
                idx.find("app", *args_)
                outcomes["ok"] += 1
            except EmbedError as exc:
                outcomes[exc.code] += 1
        return (time.perf_counter() - started) / max(1, len(lookups))

    per_find_plain = statistics.median(run(plain) for _ in range(args.repeat))  # type: ignore[arg-type]
    per_find_hinted = statistics.median(run(hinted) for _ in range(args.repeat))  # type: ignore[arg-type]

    started = time.perf_counter()
    for origin, target in plain[:200]:
        explain_embed(idx, f"app.{origin}", target + "x")
    per_explain = (time.perf_counter() - started) / min(200, len(plain))

    result = {
        "tables": args.tables,
        "server": snap.server_version,
        "relations": len(snap.relations),
        "foreign_keys": sum(len(r.foreign_keys) for r in snap.relations),
        "relationships": len(rels),
        "by_cardinality": dict(sorted(kinds.items())),
        "build_index": build["from_snapshot"],
        "find_plain_us": round(per_find_plain * 1e6, 2),
        "find_hinted_us": round(per_find_hinted * 1e6, 2),
        "lookups": {"plain": len(plain), "hinted": len(hinted),
                    "outcomes_per_round": {k: v // (2 * args.repeat) for k, v in outcomes.items()}},
        "explain_failing_embed_ms": round(per_explain * 1e3, 3),
        "target_build_s": 0.5,
    }
    print(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
