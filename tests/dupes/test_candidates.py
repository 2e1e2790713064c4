import numpy as np

from svcsim.dupes.candidates import candidate_pairs, lexical_candidates, semantic_candidates
from svcsim.embed import HashEncoder


def test_lexical_pairs_an_edited_copy_not_strangers():
    keys = ["每年檢討申辦案件作業流程精簡書表欄位", "每年檢討本所申辦案件作業流程精簡書表", "運用無人機巡查轄區公共設施"]
    assert lexical_candidates(keys).tolist() == [[0, 1]]


def test_shingles_do_not_cross_text_boundaries():
    # "一二" + "三四" would form 一二三四 if the concatenated texts leaked into each other
    assert lexical_candidates(["甲乙一二", "三四丙丁", "一二三四"], min_shared=1).tolist() == []


def test_max_df_drops_ubiquitous_shingles():
    keys = [f"提升服務品質{i:03d}" for i in range(20)]  # share only 提升服務品質
    assert len(lexical_candidates(keys, min_share=0.1)) == 190
    assert len(lexical_candidates(keys, min_share=0.1, max_df=10)) == 0


def test_semantic_pairs_are_symmetric_unique_and_thresholded():
    texts = ["設置單一服務窗口", "設置單一窗口服務", "辦理志工訓練", "志工訓練辦理"]
    v = HashEncoder(dim=128).encode(texts)
    pairs = semantic_candidates(v, k=1)
    assert pairs.tolist() == [[0, 1], [2, 3]]
    assert len(semantic_candidates(v, k=3, min_similarity=0.99)) == 0


def test_union_keeps_both_sources():
    keys = ["甲乙丙丁戊己", "甲乙丙丁戊庚", "子丑寅卯", "辰巳午未"]
    v = np.eye(4, dtype=np.float32)
    v[3] = v[2]  # 2 and 3 are semantic twins with nothing in common lexically
    pairs = candidate_pairs(keys, v, k=1, min_similarity=0.5).tolist()
    assert [0, 1] in pairs and [2, 3] in pairs
