"""Options and output helpers shared by the CLI modules (kept tiny: the CLI is a skin)."""

from __future__ import annotations

import json
import re
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


# Terminal escape sequences (CSI, OSC, DCS/PM/APC strings, two-byte ESC x, 8-bit CSI), then any other
# C0/C1 control, DEL, and the bidi embeddings/overrides/isolates that reorder what a line shows.
_ESCAPES = re.compile(
    r"\x1b\[[0-?]*[ -/]*[@-~]?"
    r"|\x1b[\]PX^_][^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -~]?"
    r"|\x9b[0-?]*[ -/]*[@-~]?"
    r"|[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]"
)
_JSON_UNSAFE = re.compile(r"[\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def clean(text: str) -> str:
    """``text`` with terminal control and escape sequences removed (newlines and tabs kept).

    Plan text is untrusted: ``ESC ] 0 ; … BEL`` retitles the window, ``ESC [ 2 J`` clears it, a
    bidi override makes a line read differently from what it holds.

    >>> clean("設置單一窗口\x1b[2J\x1b]0;pwned\x07。")
    '設置單一窗口。'
    """
    return _ESCAPES.sub("", text)


def ref(e) -> str:
    """Where an entry is, as a user reads it: ``高雄市政府乙處 民國 113 年 三(二)第2點``."""
    from svcsim.i18n import t, year

    code = f"{e.item}{e.measure}"
    where = t("cli.ref.point", code=code, n=e.n) if e.n is not None else t("cli.ref.title", code=code)
    return f"{e.agency} {year(e.year)} {where}"


def label(value: str) -> str:
    """A pair class (``copy``, ``near_copy``…) in the user's language; ``--json`` keeps the value."""
    from svcsim.i18n import has, t

    return t(f"label.{value}") if has(f"label.{value}") else value


def say(text: str, *, err: bool = False) -> None:
    """Print one human-readable message, with control and escape sequences removed."""
    click.echo(clean(text), err=err)


def echo_json(obj: Any) -> None:
    """One JSON line, Chinese unescaped; C1 controls and bidi overrides escaped (the value is unchanged)."""
    line = json.dumps(obj, ensure_ascii=False)
    click.echo(_JSON_UNSAFE.sub(lambda m: f"\\u{ord(m.group()):04x}", line))


def open_corpus(db: str | None, *, create: bool = False, readonly: bool = False):
    """The corpus at --db / SVCSIM_DB; ``readonly`` for commands that only read (opened ``mode=ro``)."""
    from svcsim.config import db_path
    from svcsim.store import Corpus

    return Corpus.open(db_path(db), create=create, readonly=readonly)


def load_encoder(model: str | None):
    """The encoder for --model (the rules, ``hash`` included, are :func:`svcsim.embed.load_encoder`'s).

    Lazy: torch loads only when a text must be embedded, so commands on a cached corpus stay fast.
    """
    from svcsim.embed import load_encoder as _load

    return _load(model, lazy=True)


def progress_enabled() -> bool:
    """Progress bars on a terminal only; pipes and CI stay quiet."""
    return sys.stderr.isatty()


ENDS_AFTER_COMMAND = False
"""True in the ``svcsim`` process itself (:func:`svcsim.cli.main.main`), which ends after its one
command; False when a command is invoked in a longer-lived process (a test's ``CliRunner``)."""


def freeze_for_exit() -> None:
    """Move every live object into the collector's permanent generation when the process ends after
    this command: what it read (~10⁶ acyclic objects at 100k points) is then never walked again —
    not by the first collection after :func:`svcsim.gcpause.bulk` (whose objects all wait
    in the youngest generation), nor by the interpreter's last one at exit (~0.2 s each)."""
    if ENDS_AFTER_COMMAND:
        import gc

        gc.freeze()

