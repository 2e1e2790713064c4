"""Options and output helpers shared by the CLI modules (kept tiny: the CLI is a skin)."""

from __future__ import annotations

import json
import sys
from typing import Any

import click

db_option = click.option(
    "--db", "db", type=click.Path(dir_okay=False), default=None,
    help="Corpus database (env SVCSIM_DB; default $SVCSIM_HOME/svcsim.db).",
)
model_option = click.option(
    "--model", "model", default=None, metavar="NAME_OR_PATH",
    help="sentence-transformers model name or path (env SVCSIM_MODEL; default: bundled multilingual-e5-small; 'hash' = a fast lexical test encoder).",
)
json_option = click.option("--json", "as_json", is_flag=True, help="One JSON object per line (Chinese unescaped).")


def echo_json(obj: Any) -> None:
    click.echo(json.dumps(obj, ensure_ascii=False))


def open_corpus(db: str | None, *, create: bool = False):
    from svcsim.config import db_path
    from svcsim.store import Corpus

    return Corpus.open(db_path(db), create=create)


def load_encoder(model: str | None):
    """The encoder for --model; 'hash' (or 'hash-DIM') gives the model-free HashEncoder."""
    from svcsim.config import model_name

    name = model_name(model)
    if name == "hash" or name.startswith("hash-"):
        from svcsim.embed import HashEncoder

        dim = int(name.split("-", 1)[1]) if "-" in name else 256
        return HashEncoder(dim=dim)
    from svcsim.embed import load_encoder as _load

    return _load(name)


def progress_enabled() -> bool:
    """Progress bars on a terminal only; pipes and CI stay quiet."""
    return sys.stderr.isatty()
