"""Small hand-written plans for tests (our own text, not cut from the seeds)."""

from __future__ import annotations

from svcsim.model import Item, Measure, Plan, Point


def make_plan(agency: str = "高雄市政府範例局", roc_year: int = 113, *, points: dict | None = None,
              content_hash: str = "", file: str | None = None) -> Plan:
    """A plan with two items; ``points`` maps (item, measure) → list of point texts to override."""
    base = {
        ("一", "(一)"): ["建立各項業務標準作業流程，定期檢討申辦時限。", "於機關網站公開申辦須知及應備文件。"],
        ("一", "(二)"): ["設置單一窗口，提供民眾一站式服務。"],
        ("二", "(一)"): ["透過首長信箱及 1999 專線蒐集民眾意見，並於 7 日內回覆。"],
    }
    if points:
        base.update(points)
    titles = {"一": "完備基礎服務項目", "二": "重視全程意見回饋及參與"}
    mtitles = {("一", "(一)"): "建立業務標準作業流程", ("一", "(二)"): "擴大單一窗口業務範疇",
               ("二", "(一)"): "善用各類意見調查工具與機制"}
    items = []
    for code in ("一", "二"):
        measures = tuple(
            Measure(code=m, title=mtitles.get((i, m), "其他措施"), units=("秘書室",),
                    points=tuple(Point(n + 1, t, ("秘書室",)) for n, t in enumerate(texts)))
            for (i, m), texts in sorted(base.items()) if i == code
        )
        items.append(Item(code=code, title=titles[code], measures=measures))
    return Plan(file=file or f"{agency}_{roc_year}.txt", agency=agency, roc_year=roc_year,
                title=f"{roc_year} 年度提升服務計畫", goals=("便捷服務遞送。",), items=tuple(items),
                content_hash=content_hash or f"hash-{agency}-{roc_year}")


def english_sentences(page: str) -> list[str]:
    """Runs of three or more English words in the visible text of an HTML page or a CLI output.

    ``<code>``, ``<script>`` and ``<style>`` are skipped (commands and code stay English). Used to
    check that no English sentence reaches a Chinese-locale user.
    """
    import html
    import re

    text = re.sub(r"(?is)<(script|style|code)\b.*?</\1>", " ", page)
    text = html.unescape(re.sub(r"(?s)<[^>]+>", " ", text))
    return re.findall(r"[A-Za-z]{2,}(?:[ ,;:'-]+[A-Za-z]{2,}){2,}", text)
