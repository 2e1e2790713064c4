"""The ``svcsim`` command group.

Commands live in one module per area and are imported only when run, so ``svcsim --help``
stays fast. Any :class:`~svcsim.errors.SvcsimError` becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

import importlib
import sys

import click

# command name -> (module, attribute, one-line help shown by `svcsim --help` without importing it)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "parse": ("svcsim.cli.corpus", "parse_cmd", "Parse one plan file and print it (--json for JSON)."),
    "ingest": ("svcsim.cli.corpus", "ingest_cmd", "Parse plan files or folders into the corpus database."),
    "plans": ("svcsim.cli.corpus", "plans_cmd", "List the plans in the corpus."),
    "show": ("svcsim.cli.corpus", "show_cmd", "Show one plan of the corpus."),
    "model": ("svcsim.cli.model", "model_cmd", "Install or inspect the embedding model."),
    "index": ("svcsim.cli.semantic", "index_cmd", "Embed every point and build the FAISS index."),
    "search": ("svcsim.cli.semantic", "search_cmd", "Semantic search over the points of the corpus."),
    "dupes": ("svcsim.cli.dupes", "dupes_cmd", "List copied, near-copied and paraphrased points."),
    "report": ("svcsim.cli.report", "report_cmd", "Write a self-contained HTML report."),
    "innovations": ("svcsim.cli.clusters", "innovations_cmd", "Rank the most innovative points."),
    "clusters": ("svcsim.cli.clusters", "clusters_cmd", "Cluster points into themes with Chinese labels."),
    "suggest": ("svcsim.cli.suggest", "suggest_cmd", "Suggest wording from other agencies for a draft."),
    "check": ("svcsim.cli.suggest", "check_cmd", "Check a draft plan for missing or boilerplate measures."),
    "serve": ("svcsim.cli.suggest", "serve_cmd", "Serve the local drafting web page."),
}


class LazyGroup(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        spec = COMMANDS.get(name)
        if spec is None:
            return None
        module, attr, _ = spec
        try:
            return getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:  # command not built yet, or broken install
            raise click.ClickException(f"command {name!r} is unavailable: {exc}") from exc

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        rows = [(name, COMMANDS[name][2]) for name in self.list_commands(ctx)]
        with formatter.section("Commands"):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        import sqlite3

        from svcsim.errors import SvcsimError

        try:
            return super().invoke(ctx)
        except SvcsimError as exc:
            _fail(str(exc))
        except sqlite3.Error as exc:  # the store converts its own; this is the net under everything else
            _fail(f"SQLite error: {exc}; check the corpus file (--db / SVCSIM_DB): is it svcsim's, "
                  "on a disk with free space, and not locked by another program?")
        except BrokenPipeError:  # `svcsim dupes | head`: the reader has what it wanted; not an error
            _quiet_stdout()
            sys.exit(0)
        except OSError as exc:
            where = " → ".join(str(f) for f in (exc.filename, exc.filename2) if f) or "a file"
            _fail(f"{where}: {exc.strerror or exc}; check that the path exists, that folders on it are folders, "
                  "and that the disk is writable and not full")
        except RuntimeError as exc:
            if "faiss" not in str(exc):
                raise
            last = str(exc).strip().splitlines()[-1][:200]
            _fail(f"the FAISS index could not be used ({last}); run `svcsim index` to rebuild it")


def _quiet_stdout() -> None:
    """Point stdout at /dev/null so the interpreter's final flush into the closed pipe stays silent."""
    import os

    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
    except (OSError, ValueError):
        pass


_DB_COMMANDS = ("ingest", "plans", "show", "index", "search", "dupes", "report", "innovations", "clusters",
                "suggest", "check", "serve")


def with_user_db(message: str, argv: list[str]) -> str:
    """Hints such as "run `svcsim index`" repeat the user's own ``--db``, so they can be pasted as is.

    >>> with_user_db("no index: run `svcsim index`", ["svcsim", "search", "x", "--db", "my plans.db"])
    "no index: run `svcsim index --db 'my plans.db'`"
    """
    import re
    import shlex

    db = None
    for i, arg in enumerate(argv):
        if arg == "--db" and i + 1 < len(argv):
            db = argv[i + 1]
        elif arg.startswith("--db="):
            db = arg[5:]
    if not db:
        return message

    def add(m: re.Match) -> str:
        cmd, rest = m.group(1), m.group(2)
        if cmd not in _DB_COMMANDS or "--db" in rest:
            return m.group(0)
        return f"`svcsim {cmd}{rest} --db {shlex.quote(db)}`"

    return re.sub(r"`svcsim ([a-z]+)([^`]*)`", add, message)


def _fail(message: str) -> None:
    from svcsim.cli.common import clean

    message = with_user_db(message, sys.argv)
    click.echo(f"svcsim: error: {clean(message)}".replace("\n", " "), err=True)
    sys.exit(2)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="svcsim")
def cli() -> None:
    """svcsim — boilerplate, copy-paste and innovation in 提升服務計畫 (service plans).

    Environment: SVCSIM_DB (corpus path), SVCSIM_MODEL (model name or path),
    SVCSIM_HOME (data folder; default ~/.local/share/svcsim).
    """


def main() -> None:
    try:
        cli()
    except BrokenPipeError:  # raised outside a command (e.g. by --help into a closed pipe)
        _quiet_stdout()
        sys.exit(0)
