"""Kept suggestion tables (svcsim.suggest.keep): what reading them saves, and that they answer alike.

Loads one corpus's suggestion index twice in this process — the tables computed from the corpus
(what every cold ``svcsim suggest`` did before, and what the first one after an ingest still does)
and the tables read back from the corpus database — then asks both the same grid of queries
(drafts × measures × agencies, and the plan check's measure lookups) and compares every answer,
slot, table and vector bit for bit. Prints the two load times (wall and CPU) and the comparison.

The corpus must be indexed (``svcsim index``). When its database holds no current tables yet,
they are computed and kept first (this writes to the database: point ``--db`` at a copy if
others read it).

    python benchmarks/suggest_tables.py --db /tmp/mc/h/c.db [--model hash]

Exit status 1 when any answer differs.
"""

from __future__ import annotations

import argparse
import gc
import sys
import time
from pathlib import Path

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

DRAFTS = ["設置單一服務窗口，提供民眾便捷的申辦服務", "加強為民服務品質", "建置線上預約系統，民眾可預約臨櫃時段",
          "辦理志工教育訓練", ""]


def _timed(fn):
    w, c = time.perf_counter(), time.process_time()
    out = fn()
    return out, time.perf_counter() - w, time.process_time() - c


def _answers(suggester) -> list:
    index = suggester.index
    refs = suggester.measures()
    codes = [m.code for m in refs[:: max(1, len(refs) // 12)]][:12] + [None]
    out = []
    for draft in DRAFTS:
        for agency in (None, *index.agencies[:3]):
            for code in codes:
                if not draft and code is None:
                    continue
                r = suggester.suggest(draft, measure=code, agency=agency, k=8)
                out.append(([s.to_dict() for s in r.suggestions], r.warning.to_dict() if r.warning else None,
                            r.measure.code if r.measure else None))
    return out


def _tables(index) -> list:
    cat = index.catalogue
    out = [index.text_ids.tobytes(), index.vectors.tobytes(), index.key_group.tobytes(), index.owner.tobytes(),
           index.agencies, cat.baseline, list(cat.measures), index.measures()]
    for s in cat.slots:
        rows, rel = index.slot_browse(s)
        out.append((s.ref, s.members, sorted(s.agencies), s.vector.tobytes(), index.slot_rows(s).tobytes(),
                    rows.tobytes(), rel.tobytes(), index.measure_rows(s)))
    out.append(sorted((c, cat.slots.index(s)) for c, s in cat.slot_of_code.items()))
    out.append([sorted(index.group_agencies(g)) for g in range(int(index.key_group.max()) + 1 if len(index) else 0)])
    return out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--db", required=True, help="an indexed corpus database")
    ap.add_argument("--model", default="hash", help="the model it was indexed with (default hash)")
    args = ap.parse_args(argv)

    from svcsim.embed import load_encoder
    from svcsim.index.corpus_index import CorpusIndex
    from svcsim.store import Corpus
    from svcsim.suggest import SuggestIndex, Suggester

    encoder = load_encoder(args.model, lazy=True)
    with Corpus.open(args.db) as corpus:
        first = SuggestIndex.load(corpus, encoder)
        kept_now = first.keep(corpus)
        del first  # its 137k entries would make the garbage collector's passes in the timed loads longer
        gc.collect()
        read, read_wall, read_cpu = _timed(lambda: SuggestIndex.load(corpus, encoder))
        if read._keep is not None:  # noqa: SLF001 - the benchmark checks the tables were read
            print("the tables were not read back (is the corpus read-only?)", file=sys.stderr)
            return 1

        def fresh_build():
            # what load() does without kept tables: the same reads, the tables computed
            from svcsim.embed.cache import vectors_for_texts

            with corpus.snapshot():
                opened = CorpusIndex.open(corpus, encoder)
                rows = corpus.distinct_texts()
                vecs, _ = vectors_for_texts(corpus, encoder, [(k, t) for _, k, t in rows])
            vectors = (np.stack([vecs[k] for _, k, _ in rows]).astype(np.float32) if rows
                       else np.zeros((0, encoder.dim), np.float32))
            return SuggestIndex(encoder, opened.index, [(i, t) for i, _, t in rows], vectors, opened.by_text)

        fresh, fresh_wall, fresh_cpu = _timed(fresh_build)
    same_tables = _tables(read) == _tables(fresh)
    a, b = _answers(Suggester(read)), _answers(Suggester(fresh))
    same = sum(x == y for x, y in zip(a, b))
    print(f"corpus {args.db}: {len(read):,} rows, {len(read.catalogue.measures):,} measures, "
          f"{len(read.catalogue.slots)} slots; tables kept by this run: {kept_now}")
    print("| tables | load wall s | load CPU s |\n|---|---:|---:|")
    print(f"| computed (vectors from the cache) | {fresh_wall:.2f} | {fresh_cpu:.2f} |")
    print(f"| read from the database | {read_wall:.2f} | {read_cpu:.2f} |")
    print("(both include opening the FAISS index and reading the corpus's entries and texts)")
    print(f"tables and vectors identical: {same_tables}; answers identical: {same} of {len(a)}")
    return 0 if same_tables and same == len(a) else 1


if __name__ == "__main__":
    raise SystemExit(main())
