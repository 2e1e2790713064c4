"""The SQLite schema of a corpus. Bump FORMAT_VERSION when it changes incompatibly.

texts: every distinct comparable text (keyed by a hash of its embedding-normalised form). Rows are
never deleted, so a text's id is stable and serves as its FAISS id; the embedding cache hangs off it.

analysis_results/analysis_arrays: stored analysis results (:mod:`svcsim.analysis`), one row per
analysis, replaced whole in one transaction; created if missing, so older databases open unchanged.
"""

FORMAT_VERSION = 1

SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS plans (
    id INTEGER PRIMARY KEY,
    plan_key TEXT NOT NULL UNIQUE,      -- agency|roc_year, or file:<name> when either is unknown
    file TEXT NOT NULL,
    path TEXT NOT NULL,
    agency TEXT NOT NULL,
    roc_year INTEGER,
    year INTEGER,
    title TEXT NOT NULL,
    content_hash TEXT NOT NULL,
    n_points INTEGER NOT NULL,
    plan_json TEXT NOT NULL,
    ingested_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS texts (
    id INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE,
    text TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS entries (
    id INTEGER PRIMARY KEY,
    plan_id INTEGER NOT NULL REFERENCES plans(id) ON DELETE CASCADE,
    ord INTEGER NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('point', 'measure_title')),
    item TEXT NOT NULL,
    item_title TEXT NOT NULL,
    measure TEXT NOT NULL,
    measure_title TEXT NOT NULL,
    n INTEGER,
    text TEXT NOT NULL,
    units TEXT NOT NULL,
    text_id INTEGER NOT NULL REFERENCES texts(id)
);
CREATE INDEX IF NOT EXISTS entries_plan ON entries(plan_id);
CREATE INDEX IF NOT EXISTS entries_text ON entries(text_id);
CREATE TABLE IF NOT EXISTS embeddings (
    fingerprint TEXT NOT NULL,
    text_key TEXT NOT NULL,
    dim INTEGER NOT NULL,
    vector BLOB NOT NULL,
    PRIMARY KEY (fingerprint, text_key)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS analysis_results (
    name TEXT PRIMARY KEY,              -- which analysis: 'dupes', ...
    key TEXT NOT NULL,                  -- sha256 of model fingerprint, corpus state, settings, format
    manifest TEXT NOT NULL,             -- JSON: format version, counts, the key's parts
    created_at TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS analysis_arrays (
    name TEXT NOT NULL REFERENCES analysis_results(name) ON DELETE CASCADE,
    part TEXT NOT NULL,
    data BLOB NOT NULL,                 -- np.save bytes (no pickle) or UTF-8 JSON
    PRIMARY KEY (name, part)
) WITHOUT ROWID;
"""
