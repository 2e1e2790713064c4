"""benchmarks/domain_adapt.py (the #15 domain-adaptation experiment): the mined pairs and batches follow the plan structure (no training here)."""

from __future__ import annotations

import importlib.util
import random
import sys
from pathlib import Path

import pytest

from svcsim.errors import InputError
from svcsim.model import Entry

_spec = importlib.util.spec_from_file_location(
    "domain_adapt", Path(__file__).resolve().parents[2] / "benchmarks" / "domain_adapt.py")
domain_adapt = importlib.util.module_from_spec(_spec)
sys.modules["domain_adapt"] = domain_adapt  # dataclasses look their module up by name
_spec.loader.exec_module(domain_adapt)
MinedPair, _batches, mine_pairs, tune_model = (domain_adapt.MinedPair, domain_adapt._batches,
                                               domain_adapt.mine_pairs, domain_adapt.tune_model)


def _plan(agency: str, year: int, measures: dict[str, list[str]], start: int) -> list[Entry]:
    out, i = [], start
    for code, (title, *points) in measures.items():
        out.append(Entry(id=i, kind="measure_title", agency=agency, year=year, file=f"{agency}.txt", item="一",
                         measure=code, n=None, text=title))
        i += 1
        for n, text in enumerate(points, start=1):
            out.append(Entry(id=i, kind="point", agency=agency, year=year, file=f"{agency}.txt", item="一",
                             measure=code, n=n, text=text))
            i += 1
    return out


def test_pairs_join_points_of_one_template_measure_across_agencies_only():
    es = _plan("甲", 2024, {"(一)": ["簡化作業流程", "檢討申請表單", "減少應備文件"],
                            "(二)": ["提供查詢管道", "公開辦理進度"]}, 0)
    # 乙 numbers the same template measure differently: the title, not the code, decides
    es += _plan("乙", 2024, {"(三)": ["簡化作業流程。", "盤點申辦書表"], "(一)": ["設置單一窗口", "整合臨櫃收件"]}, 100)
    pairs = mine_pairs(es)
    got = {frozenset((p.a, p.b)) for p in pairs}
    assert frozenset(("檢討申請表單", "盤點申辦書表")) in got
    assert frozenset(("減少應備文件", "盤點申辦書表")) in got
    assert not any({"檢討申請表單", "減少應備文件"} == set(g) for g in got)  # same agency: not a pair
    assert not any("公開辦理進度" in g or "整合臨櫃收件" in g for g in got)  # measures no one else has
    assert len(got) == 2
    assert mine_pairs(list(reversed(es))) == pairs  # order of the input does not matter


def test_batches_never_hold_two_pairs_of_one_measure_or_one_text():
    pairs = [MinedPair(f"a{m}{i}", f"b{m}{i}", f"m{m}") for m in range(6) for i in range(5)]
    batches = _batches(pairs, 4, random.Random(0))
    assert batches and all(2 <= len(b) <= 4 for b in batches)
    for b in batches:
        assert len({p.measure for p in b}) == len(b)
    assert _batches(pairs, 4, random.Random(0)) == batches


def test_tune_refuses_an_existing_folder_and_too_few_pairs(tmp_path):
    with pytest.raises(InputError, match="already exists"):
        tune_model(tmp_path, [MinedPair("a", "b", "m"), MinedPair("c", "d", "n")], tmp_path)
    with pytest.raises(InputError, match="mined pairs"):
        tune_model(tmp_path, [], tmp_path / "new")
