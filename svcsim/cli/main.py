"""The ``svcsim`` command group.

Commands live in one module per area and are imported only when run, so ``svcsim --help``
stays fast. Any :class:`~svcsim.errors.SvcsimError` becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

import importlib
import sys

import click

# command name -> (module, attribute, catalogue key of the one-line help `svcsim --help` shows without importing it)
COMMANDS: dict[str, tuple[str, str, str]] = {
    "parse": ("svcsim.cli.corpus", "parse_cmd", "cli.cmd.parse"),
    "ingest": ("svcsim.cli.corpus", "ingest_cmd", "cli.cmd.ingest"),
    "plans": ("svcsim.cli.corpus", "plans_cmd", "cli.cmd.plans"),
    "show": ("svcsim.cli.corpus", "show_cmd", "cli.cmd.show"),
    "model": ("svcsim.cli.model", "model_cmd", "cli.cmd.model"),
    "index": ("svcsim.cli.semantic", "index_cmd", "cli.cmd.index"),
    "search": ("svcsim.cli.semantic", "search_cmd", "cli.cmd.search"),
    "dupes": ("svcsim.cli.dupes", "dupes_cmd", "cli.cmd.dupes"),
    "report": ("svcsim.cli.report", "report_cmd", "cli.cmd.report"),
    "innovations": ("svcsim.cli.clusters", "innovations_cmd", "cli.cmd.innovations"),
    "clusters": ("svcsim.cli.clusters", "clusters_cmd", "cli.cmd.clusters"),
    "suggest": ("svcsim.cli.suggest", "suggest_cmd", "cli.cmd.suggest"),
    "check": ("svcsim.cli.suggest", "check_cmd", "cli.cmd.check"),
    "serve": ("svcsim.cli.suggest", "serve_cmd", "cli.cmd.serve"),
}


class LocalisedFormatter(click.HelpFormatter):
    """click's own help chrome (Usage:, Options, the --help line) in the current language."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        from svcsim.i18n import t

        super().write_usage(prog, args, prefix=prefix if prefix is not None else t("cli.help.usage") + " ")

    def section(self, name: str):
        from svcsim.i18n import t

        return super().section({"Options": t("cli.help.options"), "Commands": t("cli.help.commands")}.get(name, name))

    def write_dl(self, rows, *args, **kwargs) -> None:
        from svcsim.i18n import t

        own = {"Show this message and exit.": t("cli.opt.help"), "Show the version and exit.": t("cli.opt.version")}
        super().write_dl([(a, own.get(b, b)) for a, b in rows], *args, **kwargs)


class LocalisedContext(click.Context):
    formatter_class = LocalisedFormatter


def localise(cmd: click.Command, path: str) -> None:
    """Give ``cmd`` (and its subcommands) the catalogue's help: ``cli.doc.<path>`` for the command,
    ``cli.opt.<path>.<param>`` (or the shared ``cli.opt.<param>``) for each option.

    Looked up when the command is resolved, after ``--lang``, so the command modules keep plain
    click decorators and their help is written once per language in the catalogues.
    """
    from svcsim.i18n import has, t

    cmd.context_class = LocalisedContext
    if has(f"cli.doc.{path}"):
        cmd.help = t(f"cli.doc.{path}")
    for p in cmd.params:
        if not isinstance(p, click.Option):
            continue
        flag = p.flag_value if isinstance(p.flag_value, str) else None
        keys = ([f"cli.opt.{path}.{p.name}.{flag}"] if flag else []) + [f"cli.opt.{path}.{p.name}", f"cli.opt.{p.name}"]
        key = next((k for k in keys if has(k)), None)
        if key is not None:
            p.help = t(key)
    if isinstance(cmd, click.Group):
        for name, sub in cmd.commands.items():
            localise(sub, f"{path}.{name}")


class LazyGroup(click.Group):
    context_class = LocalisedContext

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        from svcsim.i18n import current_lang, set_lang

        # each run starts from the environment, read once (a 100k report looks up ~2·10⁴ messages);
        # --lang (eager) then overrides it
        set_lang(None)
        set_lang(current_lang())
        return super().parse_args(ctx, args)

    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted(COMMANDS)

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        spec = COMMANDS.get(name)
        if spec is None:
            return None
        module, attr, _ = spec
        try:
            cmd = getattr(importlib.import_module(module), attr)
        except (ImportError, AttributeError) as exc:  # command not built yet, or broken install
            from svcsim.i18n import t

            raise click.ClickException(t("cli.error.unavailable", name=name, detail=exc)) from exc
        localise(cmd, name)
        return cmd

    # help is looked up when shown, not at import: --lang / SVCSIM_LANG are known by then
    def format_help_text(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from svcsim.i18n import t

        formatter.write_paragraph()
        with formatter.indentation():
            for i, paragraph in enumerate(t("cli.help.root").split("\n\n")):
                if i:
                    formatter.write_paragraph()
                formatter.write_text(paragraph)

    def format_commands(self, ctx: click.Context, formatter: click.HelpFormatter) -> None:
        from svcsim.i18n import t

        rows = [(name, t(COMMANDS[name][2])) for name in self.list_commands(ctx)]
        with formatter.section(t("cli.help.commands")):
            formatter.write_dl(rows)

    def invoke(self, ctx: click.Context):
        import sqlite3

        from svcsim.errors import SvcsimError
        from svcsim.i18n import set_lang, t

        try:
            return super().invoke(ctx)
        except SvcsimError as exc:
            _fail(str(exc))
        except sqlite3.Error as exc:  # the store converts its own; this is the net under everything else
            _fail(t("cli.error.sqlite", detail=exc))
        except BrokenPipeError:  # `svcsim dupes | head`: the reader has what it wanted; not an error
            _quiet_stdout()
            sys.exit(0)
        except OSError as exc:
            where = " → ".join(str(f) for f in (exc.filename, exc.filename2) if f) or t("cli.error.a_file")
            _fail(t("cli.error.os", where=where, detail=exc.strerror or exc))
        except RuntimeError as exc:
            if "faiss" not in str(exc):
                raise
            last = str(exc).strip().splitlines()[-1][:200]
            _fail(t("cli.error.faiss", detail=last))
        finally:  # the language was fixed for this run only: a process running commands in turn
            set_lang(None)  # (a test's CliRunner) reads its environment again for the next one


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
    from svcsim.i18n import t

    message = with_user_db(message, sys.argv)
    click.echo(t("cli.error.frame", message=clean(message)).replace("\n", " "), err=True)
    sys.exit(2)


class CatalogueOption(click.Option):
    """An option whose ``help`` is a catalogue key, looked up when the help is shown."""

    def get_help_record(self, ctx: click.Context) -> tuple[str, str] | None:
        from svcsim.i18n import t

        record = super().get_help_record(ctx)
        return None if record is None else (record[0], t(self.help or ""))


def _set_lang(ctx: click.Context, param: click.Parameter, value: str | None) -> None:
    if value is not None:
        from svcsim.i18n import set_lang

        set_lang(value)


@click.group(cls=LazyGroup, context_settings={"help_option_names": ["-h", "--help"]})
@click.option("--lang", type=click.Choice(["zh", "en"]), cls=CatalogueOption, is_eager=True, expose_value=False,
              callback=_set_lang, help="cli.opt.lang")
@click.version_option(package_name="svcsim")
def cli() -> None:
    # the help shown is the catalogue's cli.help.root (LazyGroup.format_help_text)
    """svcsim — boilerplate, copy-paste and innovation in 提升服務計畫 (service plans)."""


def usage_message(exc: click.UsageError) -> str:
    """click's usage errors in the user's language (click's own text has no Chinese)."""
    import re

    from svcsim.i18n import t

    name = exc.param.get_error_hint(exc.ctx) if getattr(exc, "param", None) is not None else ""
    if isinstance(exc, click.MissingParameter):
        return t("cli.usage.missing_option" if exc.param_type == "option" else "cli.usage.missing", name=name)
    if isinstance(exc, click.NoSuchOption):
        more = t("cli.usage.did_you_mean", names=", ".join(exc.possibilities)) if exc.possibilities else ""
        return t("cli.usage.no_option", name=exc.option_name) + more
    if isinstance(exc, click.BadParameter):
        if isinstance(getattr(exc.param, "type", None), click.Choice):
            return t("cli.usage.bad_choice", name=name, choices="|".join(map(str, exc.param.type.choices)))
        describe = getattr(getattr(exc.param, "type", None), "_describe_range", None)
        if describe is not None:
            return t("cli.usage.range", name=name, range=describe())
        return t("cli.usage.bad_value", name=name, detail=exc.message)
    for pattern, key, field in ((r"No such command '(.*)'", "cli.usage.no_command", "name"),
                                (r"Got unexpected extra arguments? \((.*)\)", "cli.usage.extra", "args"),
                                (r"Option '(.*)' requires an argument", "cli.usage.needs_value", "name")):
        m = re.match(pattern, exc.message)
        if m:
            return t(key, **{field: m.group(1)})
    return exc.format_message()


def _show_usage_error(exc: click.UsageError) -> None:
    from svcsim.i18n import t

    if exc.ctx is not None:
        click.echo(exc.ctx.get_usage(), err=True)
        click.echo(t("cli.usage.try", command=exc.ctx.command_path) + "\n", err=True)
    click.echo(t("cli.usage.error", message=usage_message(exc)), err=True)


def main() -> None:
    from svcsim.cli import common

    common.ENDS_AFTER_COMMAND = True
    try:
        code = cli.main(standalone_mode=False)
    except BrokenPipeError:  # raised outside a command (e.g. by --help into a closed pipe)
        _quiet_stdout()
        sys.exit(0)
    except click.exceptions.NoArgsIsHelpError as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.UsageError as exc:
        _show_usage_error(exc)
        sys.exit(exc.exit_code)
    except click.ClickException as exc:
        exc.show()
        sys.exit(exc.exit_code)
    except click.Abort:
        from svcsim.i18n import t

        click.echo(t("cli.aborted"), err=True)
        sys.exit(1)
    common.freeze_for_exit()  # the process ends here: its last collection need not walk what the command read
    sys.exit(code if isinstance(code, int) else 0)
