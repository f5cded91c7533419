"""Account-type labels: signals, category table, mapping override, coding sheet, Krippendorff's
alpha."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from click.testing import CliRunner

from analysis import config
from analysis.importers import import_paths
from analysis.labels import agreement, apply_mapping, coding_sheet, label_from_signal, read_mapping
from analysis.schema import read_canonical


@pytest.fixture(autouse=True)
def _key(tmp_path, monkeypatch):
    monkeypatch.setattr(config, "PSEUDONYM_KEY_FILE", tmp_path / "key" / "pseudonym.key")


def test_signals_and_category_table():
    assert label_from_signal("verified_type=government") == (
        "business",
        "platform:verified_type=government",
    )
    assert label_from_signal("verified_type=blue")[0] == "unknown"
    assert (
        label_from_signal("category=MEDIA_NEWS_COMPANY;account_kind=facebook_page")[0]
        == "business"
    )
    assert label_from_signal("account_kind=facebook_profile") == (
        "personal",
        "platform:account_kind=facebook_profile",
    )


def test_mapping_overrides_signal_on_real_import(real_data, tmp_path):
    m = tmp_path / "map.csv"
    m.write_text("platform,handle,account_type\ntwitter,@TwitterDev,personal\n")
    import_paths(
        "twarc2",
        [real_data / "twarc2-docnow" / "verified_type.jsonl"],
        tmp_path / "o",
        labels=m,
        progress=False,
    )
    acc = read_canonical(tmp_path / "o").accounts.iloc[0]
    assert acc["account_type"] == "personal" and acc["account_type_source"] == "mapping:map.csv"


def test_mapping_errors_name_the_fix(tmp_path):
    m = tmp_path / "bad.csv"
    m.write_text("platform,handle,account_type\ntwitter,x,company\n")
    with pytest.raises(ValueError, match=r"row 2: account_type 'company'"):
        read_mapping(m)
    m.write_text("handle,account_type\nx,business\n")
    with pytest.raises(ValueError, match="missing: platform"):
        read_mapping(m)


def test_mapping_by_namespaced_id():
    acc = pd.DataFrame(
        {
            "account_id": ["reddit:bob", "reddit:al"],
            "platform": ["reddit"] * 2,
            "handle": ["bob", "al"],
            "account_type": ["unknown"] * 2,
            "account_type_source": ["none"] * 2,
        }
    )
    mp = pd.DataFrame(
        {"platform": ["reddit"], "handle": [""], "id": ["reddit:al"], "account_type": ["business"]}
    )
    out = apply_mapping(acc, mp)
    assert out["account_type"].tolist() == ["unknown", "business"] and out.attrs["relabelled"] == 1


def test_krippendorff_alpha_against_hand_formula():
    ids = [f"a{i}" for i in range(10)]
    a = pd.DataFrame({"account_id": ids, "account_type": ["business"] * 5 + ["personal"] * 5})
    b = a.copy()
    b.loc[0, "account_type"] = "personal"
    b.loc[9, "account_type"] = "business"
    res = agreement(a, b)
    # hand computation (Krippendorff 2004, nominal, 2 coders, no missing): coincidence matrix
    # o_bb = o_pp = 8, o_bp = o_pb = 2; n = 20, n_b = n_p = 10
    # D_o = (2 + 2) / 20; D_e = (10*10 + 10*10) / (20 * 19); alpha = 1 - D_o / D_e
    expected = 1 - (4 / 20) / (200 / 380)
    assert res["alpha"] == pytest.approx(expected)
    assert res["n_units"] == 10 and res["percent_agreement"] == pytest.approx(0.8)
    assert sorted(res["disagreements"]) == ["a0", "a9"]
    assert agreement(a, a)["alpha"] == pytest.approx(1.0)


def test_coding_sheet_and_cli(real_data, tmp_path, monkeypatch):
    from analysis.cli_label import label

    # two threads (two accounts to code): needs thread 3hahrw, which is not bundled
    extracted = real_data.path("reddit-praw-cassettes/extracted/comments_3hahrw.json").parent
    import_paths(None, [extracted], tmp_path / "o", progress=False)
    t = read_canonical(tmp_path / "o")
    sheet = coding_sheet(t.accounts, t.posts)
    assert len(sheet) == 2 and (sheet["account_type"] == "").all()
    assert sheet["url"].str.startswith("https://www.reddit.com/").all()
    out = tmp_path / "sheet.csv"
    r = CliRunner().invoke(label, ["export", "--data", str(tmp_path / "o"), "-o", str(out)])
    assert r.exit_code == 0, r.output and out.exists()
    a = pd.read_csv(out, dtype=str, keep_default_na=False)
    a["account_type"] = ["business", "personal"]
    b = a.copy()
    a.to_csv(tmp_path / "a.csv", index=False)
    b.to_csv(tmp_path / "b.csv", index=False)
    r = CliRunner().invoke(label, ["agreement", str(tmp_path / "a.csv"), str(tmp_path / "b.csv")])
    assert r.exit_code == 0 and "alpha = 1.000" in r.output
    assert np.isfinite(agreement(a, b)["alpha"])
