from svcsim.dupes.align import align, tiles
from svcsim.text.normalize import match_key


def test_reordered_clauses_are_fully_covered():
    a = "設置多語服務櫃檯並提供外語翻譯人員，協助新住民辦理各項業務申請。"
    b = "協助新住民辦理各項業務申請，設置多語服務櫃檯並提供外語翻譯人員。"
    al = align(a, b)
    assert al.cover_short == 1.0 and al.cover_long == 1.0
    assert len(al.spans) == 2


def test_spans_point_into_the_original_texts():
    a = "本局於網站公告「標準作業流程」及應備文件１２項。"
    b = "本所於網站公告標準作業流程 及應備文件12項"
    al = align(a, b)
    assert al.spans, "the shared run must be found across punctuation and width"
    for a0, a1, b0, b1 in al.spans:
        assert match_key(a[a0:a1]) == match_key(b[b0:b1])
    # 本局/本所 differ: the first span starts after them on both sides
    assert al.spans[0][0] == 1 + 1 and al.spans[0][2] == 2
    assert a[al.spans[-1][0]:al.spans[-1][1]].endswith("１２項")
    assert b[al.spans[-1][2]:al.spans[-1][3]].endswith("12項")


def test_runs_shorter_than_min_run_do_not_count():
    al = align("提供民眾服務", "民眾服務提供")  # shares 民眾服務 (4) and 提供 (2)
    assert al.covered_a == 4
    assert align("提供民眾", "民眾提供").covered_a == 0


def test_each_character_is_used_once():
    # b repeats the phrase; a has it once, so only one copy of it may be covered in b
    al = align("設置單一窗口", "設置單一窗口設置單一窗口")
    assert al.cover_a == 1.0 and al.cover_b == 0.5


def test_tiles_prefer_the_longest_run_and_are_deterministic():
    a, b = "甲乙丙丁戊己庚辛", "戊己庚辛甲乙丙丁戊"
    # 甲乙丙丁戊 (5) wins; 戊己庚辛 then has only 3 free characters left in a, below min_run
    assert tiles(a, b) == [(0, 4, 5)]
    assert tiles(b, a) == [(4, 0, 5)]


def test_empty_and_punctuation_only_texts():
    al = align("", "。，")
    assert al.cover_short == 0.0 and al.spans == ()


def test_window_cover_bounds_what_tiling_covers():
    import random

    from svcsim.dupes.align import tiles
    from svcsim.suggest.copying import _window_cover

    def _grams(s, k):
        return tuple(s[i : i + k] for i in range(len(s) - k + 1))

    rng = random.Random(0)
    for _ in range(2000):
        a = "".join(rng.choice("甲乙丙丁戊") for _ in range(rng.randint(0, 30)))
        b = "".join(rng.choice("甲乙丙丁戊") for _ in range(rng.randint(0, 30)))
        covered = sum(n for _, _, n in tiles(a, b, min_run=4))
        assert covered <= _window_cover(_grams(a, 4), frozenset(_grams(b, 4)), 4)
        assert covered <= _window_cover(_grams(b, 4), frozenset(_grams(a, 4)), 4)
