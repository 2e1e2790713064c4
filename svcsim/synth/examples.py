"""Write the project's example corpus (``examples/plans``) and bad inputs (``examples/bad``).

Run ``python -m svcsim.synth.examples examples`` from the project root to regenerate them;
the output is byte-identical every time, and a test checks the committed files still match.
``python -m svcsim.synth.examples --native examples`` writes ``examples/native``: the same kind
of plans as an agency publishes them (PDF, ODT, Word, a web page), through LibreOffice, whose
output carries timestamps, so those files are not byte-identical run to run.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from svcsim.synth.generate import SynthCorpus, generate_corpus
from svcsim.synth.render import _atomic_write, write_plan

AGENCIES = ("高雄市政府範例局", "高雄市海濱區公所", "高雄市範例自來水廠", "高雄市政府範例管理處")
EXAMPLE_KW = dict(n_agencies=4, n_years=2, start_roc_year=113, seed=111, agencies=list(AGENCIES),
                  copy_rate=0.01, yoy_reuse_rate=0.015, innovation_rate=0.025)
"""The exact arguments of :func:`generate_corpus` behind ``examples/plans``."""

MEETING_MINUTES = """高雄市政府範例局 113 年第 2 次業務會報會議紀錄

一、時間：113 年 4 月 12 日（星期五）上午 9 時 30 分
二、地點：本局第一會議室
三、主持人：局長　　　　　　　　　記錄：綜合企劃科
四、出席人員：各科室主管（詳簽到表）

五、主席致詞：感謝各單位同仁辛勞，請持續落實各項為民服務工作。

六、業務報告：
（一）秘書室：辦公室冷氣設備已完成年度保養。
（二）綜合企劃科：下半年度預算編列作業請各科室於 5 月底前提出需求。

七、臨時動議：無。

八、散會：上午 10 時 45 分。
"""


def example_corpus() -> SynthCorpus:
    """The corpus behind ``examples/plans``: 4 agencies × ROC 113–114."""
    return generate_corpus(**EXAMPLE_KW)  # type: ignore[arg-type]


def write_examples(out: str | Path) -> list[Path]:
    """Write ``plans/*.txt``, ``plans/planted.jsonl`` and ``bad/*`` under ``out``; return the paths."""
    out = Path(out)
    corpus = example_corpus()
    written: list[Path] = []
    for i, plan in enumerate(corpus.plans):
        path = out / "plans" / plan.file
        write_plan(plan, path, seed=i)
        written.append(path)
    truth = out / "plans" / "planted.jsonl"
    lines = [json.dumps(p.to_dict(), ensure_ascii=False) for p in corpus.planted]
    lines += [json.dumps({"innovative": ref}, ensure_ascii=False) for ref in corpus.innovative]
    _atomic_write(truth, "\n".join(lines) + "\n")
    written.append(truth)

    bad = out / "bad"
    bad.mkdir(parents=True, exist_ok=True)
    (bad / "empty.txt").write_bytes(b"")
    (bad / "meeting_minutes.txt").write_text(MEETING_MINUTES, encoding="utf-8")
    # A valid plan saved by an old Windows editor: the same text, in cp950 (Big5) bytes.
    big5 = write_plan(corpus.plans[0], seed=99).encode("cp950")
    (bad / "big5_plan.txt").write_bytes(big5)
    written += [bad / "empty.txt", bad / "meeting_minutes.txt", bad / "big5_plan.txt"]
    return written


NATIVE_AGENCIES = ("高雄市政府範例社會局", "高雄市範例山城區公所", "高雄市政府範例文化中心", "高雄市範例港務處")
NATIVE_KW = dict(n_agencies=4, n_years=1, start_roc_year=115, seed=2026, agencies=list(NATIVE_AGENCIES))
# Each plan in the form, and layout, an agency might publish it in.
NATIVE_FORMS = (("pdf", "plain4"), ("odt", "landscape3"), ("docx", "autonum"), ("html", "cms"))


def write_native_examples(out: str | Path) -> list[Path]:
    """Write ``native/*.{pdf,odt,docx,html}`` under ``out``: four more agencies' plans as published.

    Needs LibreOffice (``soffice``) for the PDF and ODT.
    """
    from svcsim.synth.native import LAYOUTS, render, render_html_page

    folder = Path(out) / "native"
    folder.mkdir(parents=True, exist_ok=True)
    corpus = generate_corpus(**NATIVE_KW)  # type: ignore[arg-type]
    written = []
    for plan, (fmt, layout) in zip(corpus.plans, NATIVE_FORMS):
        stem = folder / Path(plan.file).stem
        if fmt == "html":
            written.append(render_html_page(plan, stem.with_suffix(".html")))
        else:
            written.append(render(plan, stem, fmt, LAYOUTS[layout]))
    return written


if __name__ == "__main__":  # pragma: no cover - a thin entry point over write_examples
    args = sys.argv[1:]
    native = "--native" in args
    args = [a for a in args if a != "--native"]
    target = args[0] if args else "examples"
    for p in (write_native_examples(target) if native else write_examples(target)):
        sys.stdout.write(f"{p}\n")
