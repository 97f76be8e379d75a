"""The numbers the lectures' prose quotes agree with what the laptop profile measured.

A quoted number is marked in the markdown (``about 35<!-- claim: wgan_gp_fid ±20% -->``); the
value comes from ``course/results/claims/<lecture>.json``, written by
``python -m gancourse.claims run course/<lecture>.ipynb`` (gancourse/claims.py).
"""
from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from gancourse import claims

REPO = Path(__file__).resolve().parents[1]
LECTURES = sorted((REPO / "course").glob("[0-9][0-9]_*.ipynb"))


def _marked(path: Path) -> list[claims.Mark]:
    nb = nbformat.read(str(path), as_version=4)
    return [m for c in nb.cells if c.cell_type == "markdown" for m in claims.marks(c.source)]


def test_record_saves_only_for_the_runner(tmp_path, monkeypatch):
    monkeypatch.delenv(claims.ENV_VAR, raising=False)
    c = claims.Claims("10_gan_objectives_compared")
    assert c.record("fid", 35.2) == 35.2 and not any(tmp_path.iterdir())
    monkeypatch.setenv(claims.ENV_VAR, str(tmp_path))
    c.record("ratio", 4)
    assert json.loads((tmp_path / "10_gan_objectives_compared.json").read_text()) == {
        "fid": 35.2, "ratio": 4.0}
    for name, value in (("Bad Name", 1.0), ("fid", float("nan")), ("fid", float("inf"))):
        with pytest.raises(ValueError):
            c.record(name, value)
    with pytest.raises(ValueError, match="notebook stem"):
        claims.Claims("lecture ten")


def test_marks_are_parsed_and_compared():
    text = ("its FID is about 35<!-- claim: wgan_gp_fid ±20% --> after 1,200<!-- claim: steps ±0 -->"
            " steps, a ratio of 4.5<!--claim: ratio ± 1 -->")
    found = claims.marks(text)
    assert found == [claims.Mark(35.0, "wgan_gp_fid", 20.0, True), claims.Mark(1200.0, "steps", 0.0, False),
                     claims.Mark(4.5, "ratio", 1.0, False)]
    assert claims.agrees(found[0], 30.0) and not claims.agrees(found[0], 28.0)
    assert claims.agrees(found[1], 1200.0) and not claims.agrees(found[1], 1201.0)
    assert claims.agrees(found[2], 5.5) and not claims.agrees(found[2], 5.6)


def test_no_mark_escapes_the_check():
    """A claim comment the pattern does not read (a typo, a missing tolerance, a space before
    it) would leave its number unchecked: every one must parse."""
    for path in LECTURES:
        nb = nbformat.read(str(path), as_version=4)
        for cell in (c for c in nb.cells if c.cell_type == "markdown"):
            written = len(re.findall(r"<!--\s*claim", cell.source))
            assert written == len(claims.marks(cell.source)), f"{path.name}: a malformed claim mark"


@pytest.mark.parametrize("lecture", [p for p in LECTURES if _marked(p)], ids=lambda p: p.stem)
def test_quoted_numbers_agree_with_the_laptop_measurements(lecture):
    path = claims.RESULTS / f"{lecture.stem}.json"
    assert path.is_file(), f"run `python -m gancourse.claims run course/{lecture.name}` and commit {path}"
    record = json.loads(path.read_text())
    assert record["profile"] == "laptop" and record["provenance"]["git"]["commit"]
    assert record["provenance"]["command"].startswith("python -m gancourse.claims run")
    for mark in _marked(lecture):
        assert mark.name in record["values"], f"{lecture.name} quotes {mark.name!r}, never recorded"
        measured = record["values"][mark.name]
        assert claims.agrees(mark, measured), (
            f"{lecture.name} quotes {mark.quoted:g} for {mark.name!r}; the laptop run measured "
            f"{measured:.4g} (tolerance ±{mark.tolerance:g}{'%' if mark.relative else ''})")


def test_every_lecture_records_under_its_own_name():
    for path in LECTURES:
        text = path.read_text()
        for stem in set(re.findall(r'Claims\(\\"([0-9a-z_]+)\\"\)', text)):
            assert stem == path.stem, f"{path.name} records its claims as {stem!r}"
    assert any(_marked(p) for p in LECTURES), "no lecture marks a quoted number"
