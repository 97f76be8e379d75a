"""The breakdown `make test` prints (tools/test_report.py) from the phases and JUnit files."""
from __future__ import annotations

import importlib.util
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
_spec = importlib.util.spec_from_file_location("test_report", REPO / "tools" / "test_report.py")
report_module = importlib.util.module_from_spec(_spec)
_spec.loader.exec_module(report_module)

TESTS_XML = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="tests.test_grading" name="a" time="100.5" />
<testcase classname="tests.test_grading" name="b" time="20.0" />
<testcase classname="tests.test_gan" name="c" time="30.0" />
</testsuite></testsuites>"""
LECTURES_XML = """<?xml version="1.0" encoding="utf-8"?><testsuites><testsuite name="pytest">
<testcase classname="course.05_vanilla_gan.ipynb" name="Cell 0" time="1.5" />
<testcase classname="course.05_vanilla_gan.ipynb" name="Cell 1" time="2.0" />
</testsuite></testsuites>"""


def test_the_breakdown_adds_phases_groups_files_and_lectures(tmp_path):
    (tmp_path / "phases.tsv").write_text("install\t60.0\t0\ntests\t1200.0\t0\nlectures\t140.0\t1\n")
    (tmp_path / "tests.xml").write_text(TESTS_XML)
    (tmp_path / "lectures.xml").write_text(LECTURES_XML)
    text = report_module.report(tmp_path)
    assert "total" in text and "1400.0 s = 23.3 min" in text and "(budget 30 min: 78%)" in text
    assert "(failed, exit 1)" in text
    grading = [line for line in text.splitlines() if line.strip().startswith("grading (")]
    assert grading and grading[0].split()[-2] == "120.5"
    assert "tests/test_grading.py" in text and "tests/test_gan.py" in text
    assert "course/05_vanilla_gan.ipynb" in text and "3.5 s" in text


def test_phases_run_side_by_side_count_once(tmp_path):
    within = "tests and lectures, side by side"
    (tmp_path / "phases.tsv").write_text(
        f"install\t60.0\t0\t\nlectures\t300.0\t0\t{within}\ntests\t1000.0\t2\t{within}\n"
        f"{within}\t1010.0\t2\t\n")
    lines = report_module.report(tmp_path).splitlines()
    assert any("1070.0 s = 17.8 min" in line for line in lines)  # 60 + 1010, not + 1300
    parent = next(i for i, line in enumerate(lines) if line.startswith(f"  {within}"))
    assert "(failed, exit 2)" in lines[parent]
    # each part listed, indented, under the phase it ran within
    assert lines[parent + 1].startswith("    lectures ") and "300.0 s" in lines[parent + 1]
    assert lines[parent + 2].startswith("    tests ") and "(failed, exit 2)" in lines[parent + 2]


def test_a_missing_folder_still_prints_a_header(tmp_path):
    assert "where the time went" in report_module.report(tmp_path / "none")
