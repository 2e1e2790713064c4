"""Phrase bank, part 1: the city template (items, measure titles, goals) and the agencies.

All text here was written for svcsim; it imitates the *shape* of a Kaohsiung city template
(six 執行要項 with three or four 具體措施 each) without reproducing any real plan's sentences.
Every string is already in the parser's normal form (no whitespace except one space next to an
ASCII letter or digit), so a generated plan survives ``parse(write(plan))`` unchanged.
"""

from __future__ import annotations

from dataclasses import dataclass

ITEM0_TITLE = "訂定「提升服務計畫」"
"""The preliminary row every city plan starts with; parsed as item ``"0"``."""

ITEM0_MEASURES: tuple[str, ...] = (
    "訂定機關年度提升服務計畫，具體規劃為民服務工作。",
    "訂定機關年度提升服務執行計畫，具體規劃各項為民服務工作。",
)
ITEM0_POINTS: tuple[str, ...] = (
    "依據市府提升服務實施計畫訂定{ag}年度執行計畫，經核定後公開於機關網站。",
    "參照「高雄市政府提升服務實施計畫」研訂{ag}執行計畫，並督導各單位據以推動。",
    "由{unit}彙整各單位意見訂定年度執行計畫，陳核後於{ag}網站公告周知。",
)

# The template: (item code, item title, ((measure code, measure title), ...)).
TEMPLATE: tuple[tuple[str, str, tuple[tuple[str, str], ...]], ...] = (
    ("一", "健全基本服務機制，因應服務對象差異提供合宜服務", (
        ("(一)", "訂定業務標準作業程序，使服務處理方式一致；確保資訊提供與案件處理正確，並定期檢討修正作業流程。"),
        ("(二)", "提供清楚易懂的申辦資訊與進度查詢方式，增進服務過程的透明度。"),
        ("(三)", "重視第一線人員的服務態度，改善臨櫃與網站使用的便利性，營造友善的洽公環境。"),
        ("(四)", "依業務特性與服務對象差異，引進創新作法並持續改善品質，發展優質服務。"),
    )),
    ("二", "落實全程意見回饋與參與，使服務貼近民眾需要", (
        ("(一)", "邀請民眾參與服務設計或與民間協力合作，提供貼近民眾需要的服務。"),
        ("(二)", "運用多元意見蒐集工具，掌握民眾對服務的需求與建議，適時調整服務措施。"),
        ("(三)", "依服務特性辦理滿意度調查，了解民眾對服務的評價，作為檢討改善的依據。"),
        ("(四)", "重視民眾意見並積極回應，協助民眾解決問題。"),
    )),
    ("三", "簡化服務遞送流程與方式，增進民眾生活便利", (
        ("(一)", "擴大單一窗口服務範圍，減少申辦應附書表及謄本，提升申辦便利性。"),
        ("(二)", "依實際需要發展線上申辦及跨平台服務，提高民眾使用意願。"),
        ("(三)", "推動跨單位、跨機關流程整合與資訊資源共享，提供一站式整合服務。"),
        ("(四)", "掌握社會經濟發展趨勢，運用創新策略精進服務遞送方式，提升服務效能。"),
    )),
    ("四", "照顧多元服務對象並縮短城鄉差距，促進資源公平運用", (
        ("(一)", "考量服務對象特性差異，為特殊或弱勢族群提供合適服務，減輕其取得服務的負擔。"),
        ("(二)", "結合多元策略延伸服務據點，增進偏遠或交通不便地區民眾取得服務的機會。"),
        ("(三)", "考量數位落差，發展網路服務並輔以其他方式，提供可替代的服務管道。"),
    )),
    ("五", "推動開放政府與透明治理，精進機關管理創新", (
        ("(一)", "建立友善且安全的資料開放環境，落實資訊公開，促進資料共享與創新運用。"),
        ("(二)", "鼓勵民眾透過實體或網路管道參與政策形成，強化政策溝通與對話。"),
        ("(三)", "檢討機關內部作業流程，減少不必要的審核與行政程序，聚焦核心業務並推動服務創新。"),
    )),
    ("六", "掌握社會發展趨勢，前瞻規劃專案服務", (
        ("(一)", "主動發掘重要議題，前瞻規劃服務策略並預作準備。"),
        ("(二)", "運用法規調適、資訊技術與流程簡化，增加第一線服務措施的運作彈性。"),
        ("(三)", "結合跨域合作、民間資源、社會創新與社群協作，務實解決公共問題。"),
        ("(四)", "評估服務措施的必要性及成本效益，重視服務的制度化與持續推動。"),
    )),
)

GOALS: tuple[str, ...] = (
    "簡化服務流程，兼顧效率與公平，提供適切且正確的服務。",
    "擴大民眾參與，重視服務對象的意見回饋，提供有感的優質服務。",
    "推動開放治理，建立透明互信的合作關係，發展創新加值服務。",
    "整合機關資源，運用數位工具，提升整體為民服務品質。",
    "強化同仁服務意識，塑造親切、專業、有效率的機關形象。",
)

BASIS: tuple[str, ...] = (
    "行政院函頒「政府服務躍升方案」及相關評獎實施計畫。",
    "高雄市政府 {roc} 年度「提升服務實施計畫」。",
    "依據「高雄市政府提升服務實施計畫」辦理。",
    "高雄市政府 {roc} 年 1 月函頒之提升服務相關規定。",
)

CONTROL: tuple[str, ...] = (
    "一、平時查核：各單位於業務會報中檢討執行情形，隨時改進為民服務工作。",
    "二、年度查核：配合市府評獎期程，自行辦理年度執行成果考評。",
    "陸、其他：本計畫如有未盡事宜，得視實際需要修正補充。",
)


@dataclass(frozen=True)
class AgencyKind:
    """One kind of agency: its name suffix, the word it uses for itself, units and topics."""

    suffix: str
    self_word: str
    units: tuple[str, ...]
    all_units: str
    topics: tuple[str, ...]


KINDS: tuple[AgencyKind, ...] = (
    AgencyKind("局", "本局", ("秘書室", "綜合企劃科", "業務推廣科", "行政管理科", "資訊室", "人事室", "會計室"),
               "本局各科室", ("產業輔導", "商業登記", "補助申請", "場地租借", "許可核發")),
    AgencyKind("區公所", "本所", ("秘書室", "民政課", "社會課", "經建課", "兵役課", "人文課"),
               "各課室", ("戶籍登記", "急難救助", "里政服務", "災害防救", "役政業務")),
    AgencyKind("管理處", "本處", ("秘書室", "管理課", "工務課", "養護課", "企劃課", "資訊室"),
               "本處各課室", ("道路養護", "公園管理", "設施維護", "停車管理", "路燈維修")),
    AgencyKind("自來水廠", "本廠", ("營業課", "供水課", "水質檢驗課", "工務課", "總務室"),
               "本廠各單位", ("用水申請", "水費繳納", "水質檢驗", "管線搶修", "停水通知")),
    AgencyKind("服務中心", "本中心", ("服務組", "研究發展組", "行政組", "資訊組", "推廣組"),
               "本中心各組", ("諮詢服務", "個案管理", "課程報名", "證照申辦", "設備借用")),
)

SELF_WORDS: tuple[str, ...] = tuple(k.self_word for k in KINDS)

# Invented place-like name parts; combined they give thousands of distinct agencies.
NAME_A = "海濱港灣新興碧潭南嶺東岸北澄西峰青禾翠林朝陽明湖梧桐紫荊鳳鳴雲帆金沙玉泉松濤芳草"
NAME_B = "範例示範測試模擬虛構樣本"


def agency_name(index: int) -> tuple[str, AgencyKind]:
    """The invented agency number ``index`` and its kind; distinct for every index.

    >>> agency_name(0)[0]
    '高雄市政府海濱範例局'
    """
    kind = KINDS[index % len(KINDS)]
    rest = index // len(KINDS)
    n_pairs = len(NAME_A) // 2
    a = NAME_A[2 * (rest % n_pairs): 2 * (rest % n_pairs) + 2]
    rest //= n_pairs
    b = NAME_B[2 * (rest % (len(NAME_B) // 2)): 2 * (rest % (len(NAME_B) // 2)) + 2]
    rest //= len(NAME_B) // 2
    extra = f"第{rest + 1}" if rest else ""
    prefix = "高雄市" if kind.suffix == "區公所" else "高雄市政府"
    return f"{prefix}{extra}{a}{b}{kind.suffix}", kind


HEADERS: tuple[str, ...] = (
    "執行要項(具體措施)\t\t執行重點(實施方法)\t執行單位",
    "實施要項\t\t執行重點\t執行單位",
    "執 行 要 項\t具體措施\t執行方法\t執 行 單 位",
    "執行要項\t具體措施\t工作重點\t主(協)辦單位",
)
