"""--agency as users type it: short forms, 臺/台, prefixes; no match or several is an error, never silence."""

import pytest

from svcsim.errors import InputError
from svcsim.store.agencies import match_agency

NAMES = ["高雄市政府勞工局", "高雄市政府社會局", "高雄市海濱區公所", "臺北市政府民政局", "高雄市政府勞動檢查處"]


@pytest.mark.parametrize("typed, meant", [
    ("勞工局", "高雄市政府勞工局"),
    ("高雄市政府勞工局", "高雄市政府勞工局"),
    ("台北市政府民政局", "臺北市政府民政局"),
    ("民政", "臺北市政府民政局"),
    ("海濱區", "高雄市海濱區公所"),
    (" 社會局 ", "高雄市政府社會局"),
])
def test_the_agency_the_user_means(typed, meant):
    assert match_agency(typed, NAMES) == meant


def test_unknown_names_list_the_closest():
    with pytest.raises(InputError, match="no agency .*勞動局.*closest: .*高雄市政府勞"):
        match_agency("勞動局", NAMES)


def test_ambiguous_names_list_the_candidates():
    with pytest.raises(InputError, match="matches 2 agencies"):
        match_agency("勞", NAMES)
