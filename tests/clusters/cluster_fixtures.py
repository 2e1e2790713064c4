"""A small hand-written corpus: five themes, each phrased a little differently by five agencies,
plus three one-off points. Written for these tests; not taken from any real plan."""

from __future__ import annotations

import numpy as np
import pytest

from svcsim.embed import HashEncoder
from svcsim.model import Entry

AGENCIES = ("甲市政府民政局", "乙縣政府地政處", "丙區戶政事務所", "丁市政府衛生局", "戊縣政府環保局")

THEMES = {
    "survey": [
        "每半年辦理滿意度調查並分析洽公意見回饋",
        "每半年辦理滿意度調查並分析洽公意見回饋結果",
        "每半年委外辦理滿意度調查並分析意見回饋",
        "每半年辦理滿意度調查，並分析洽公意見回饋",
        "每年辦理滿意度調查並分析洽公意見回饋",
    ],
    "window": [
        "設置單一窗口整合臨櫃收件免除奔波",
        "設置單一窗口整合臨櫃收件，免除奔波",
        "增設單一窗口整合臨櫃收件免除奔波",
        "設置單一窗口整合各科臨櫃收件免除奔波",
        "設置單一窗口整合臨櫃收件免除往返奔波",
    ],
    "volunteer": [
        "招募志工於大廳協助引導並提供愛心傘與老花眼鏡",
        "招募志工於大廳協助引導，提供愛心傘與老花眼鏡",
        "招募志工於服務大廳協助引導並提供愛心傘與老花眼鏡",
        "招募志工在大廳協助引導並提供愛心傘與老花眼鏡",
        "招募志工於大廳協助引導並提供愛心傘、老花眼鏡",
    ],
    "opendata": [
        "定期更新開放資料集並於資訊公開專區發布",
        "定期更新開放資料集並於資訊公開專區公告",
        "定期檢視更新開放資料集並於資訊公開專區發布",
        "定期更新開放資料集，於資訊公開專區發布",
        "每季更新開放資料集並於資訊公開專區發布",
    ],
    "rural": [
        "組成行動服務車深入偏鄉縮短數位落差",
        "組成行動服務車深入偏鄉，縮短數位落差",
        "組成行動服務車定期深入偏鄉縮短數位落差",
        "派遣行動服務車深入偏鄉縮短數位落差",
        "組成行動服務車深入偏遠鄉里縮短數位落差",
    ],
}

ODD = ["建置區塊鏈存證驗證身分文件", "與超商合作代收規費減少排隊", "於夜間延長受理時段方便上班族"]


def make_entries() -> list[Entry]:
    out: list[Entry] = []
    for t, (_theme, texts) in enumerate(THEMES.items()):
        for a, text in enumerate(texts):
            out.append(Entry(id=len(out), kind="point", agency=AGENCIES[a], year=2021 + (a + t) % 3,
                             file=f"{a}.txt", item="一", measure="(一)", n=t + 1, text=text))
    for a, text in enumerate(ODD):
        out.append(Entry(id=len(out), kind="point", agency=AGENCIES[a], year=2023, file=f"{a}.txt",
                         item="二", measure="(二)", n=a + 1, text=text))
    return out


@pytest.fixture(scope="session")
def corpus() -> tuple[list[Entry], np.ndarray]:
    entries = make_entries()
    return entries, HashEncoder(dim=256).encode([e.text for e in entries])


@pytest.fixture(autouse=True)
def _home(tmp_path_factory, monkeypatch):
    monkeypatch.setenv("SVCSIM_HOME", str(tmp_path_factory.getbasetemp() / "home"))
