"""Feedback pages render their math offline: LaTeX in markdown becomes MathML
(grader/feedback.py), checked against latex2mathml's own conversion and through nbconvert."""
from __future__ import annotations

import latex2mathml.converter
import nbformat
from nbconvert import HTMLExporter

from grader.feedback import MathToMathML, math_to_mathml


def test_inline_and_display_math_become_mathml():
    out = math_to_mathml(r"so $D^*(x) = \frac{1}{2}$ and $$\min_G \max_D V(D, G)$$ end")
    assert out.startswith("so <math") and out.endswith("</math> end")
    assert latex2mathml.converter.convert(r"D^*(x) = \frac{1}{2}") in out
    assert latex2mathml.converter.convert(r"\min_G \max_D V(D, G)", display="block") in out
    assert "$" not in out and "\n" not in out
    assert 'display="block"' in math_to_mathml(r"\[ x^2 \]")
    assert 'display="inline"' in math_to_mathml(r"\( x^2 \)")


def test_prose_dollars_code_and_unreadable_latex_stay_as_written():
    for text in ("it costs $5 and $10 today", "a lone $ sign", "`$HOME` is set",
                 "```bash\necho $x$\n```", "no math at all", ""):
        assert math_to_mathml(text) == text
    mixed = "run `echo $PATH` for $x_1$"
    out = math_to_mathml(mixed)
    assert out.startswith("run `echo $PATH` for <math") and "$x_1$" not in out
    assert math_to_mathml(r"price \$3 and $y$").startswith(r"price \$3 and <math")


def test_feedback_page_shows_mathml_not_latex():
    nb = nbformat.v4.new_notebook()
    nb.cells = [nbformat.v4.new_markdown_cell(
        "The optimal discriminator is\n\n$$D^*(x)=\\frac{p_{data}(x)}{p_{data}(x)+p_g(x)}$$\n\n"
        "- for every $x$ in the *support*")]
    nb, _ = MathToMathML().preprocess(nb, {})
    html, _ = HTMLExporter(template_name="classic").from_notebook_node(nb)
    body = html[html.index("The optimal"):]
    assert body.count("<math") == 2 and "<em>support</em>" in body
    assert "$$" not in body and "\\frac" not in body


def test_every_formula_of_the_course_converts_without_unknown_commands():
    import json
    import re
    from pathlib import Path

    from grader.feedback import CODE, MATH

    repo = Path(__file__).resolve().parent.parent
    formulas = 0
    for path in sorted(repo.glob("solutions/*/*.ipynb")) + sorted(repo.glob("course/*.ipynb")):
        for cell in json.loads(path.read_text())["cells"]:
            if cell["cell_type"] != "markdown":
                continue
            for i, part in enumerate(CODE.split("".join(cell["source"]))):
                for m in (MATH.finditer(part) if i % 2 == 0 else ()):
                    formulas += 1
                    out = math_to_mathml(m.group(0))
                    assert out.startswith("<math"), (path.name, m.group(0))
                    unknown = re.findall(r">(\\[A-Za-z]+)<", out)  # the converter's echo
                    assert not unknown, (path.name, m.group(0), unknown)
    assert formulas > 1000


def test_the_known_mistake_of_a_verdict_is_shown_and_nothing_else():
    from nbformat import NotebookNode

    from grader.feedback import show_verdict

    named = NotebookNode(output_type="error", ename="AssertionError", traceback=[],
                         evalue="f(1) is 3, want 2\nThis looks like a known mistake: adds two.")
    show_verdict(named)
    # the hint (authored text) is shown; the check's message, which may name an input, is not
    assert named.traceback == ["This looks like a known mistake: adds two."]
    kernel = NotebookNode(output_type="error", ename="ValueError", traceback=["ValueError: x"],
                          evalue="x\n(hidden check: f(1) is 3\nThis looks like a known mistake: "
                                 "a (b) c.\nThis looks like a known mistake: d.)")
    show_verdict(kernel)
    assert kernel.traceback == ["ValueError: x", "This looks like a known mistake: a (b) c.",
                                "This looks like a known mistake: d."]
    plain = NotebookNode(output_type="error", ename="E", evalue="no hint", traceback=[])
    show_verdict(plain)
    assert plain.traceback == []
    stream = NotebookNode(output_type="stream", name="stdout", text="hi")
    show_verdict(stream)
    assert stream == NotebookNode(output_type="stream", name="stdout", text="hi")


def test_no_known_mistake_is_claimed_from_missing_observations():
    from nbformat import NotebookNode

    from grader.feedback import show_verdict

    why = ("the test did not receive the result 'ys' from your notebook (did the code under "
           "test raise an error or stop the cell?)\nThis looks like a known mistake: a.")
    out = NotebookNode(output_type="error", ename="ValueError", traceback=["ValueError: x"],
                       evalue=f"x\n(hidden check: {why})")
    show_verdict(out)
    assert out.traceback == ["ValueError: x"]


def test_a_partial_credit_verdict_names_parts_not_their_messages():
    from nbformat import NotebookNode

    from grader.feedback import name_failed_parts

    text = ("Partial credit: 2.5 of 3 points. Parts that failed:\n"
            "ValueError for bad shapes (part worth 17% of the points): shapes (5, 3) and (5, 4) "
            "should raise ValueError\nThis looks like a known mistake: no checks.\n")
    out = NotebookNode(output_type="stream", name="stdout", text=text)
    name_failed_parts(out)
    assert out.text == ("Partial credit: 2.5 of 3 points. Parts that failed:\n"
                        "ValueError for bad shapes (part worth 17% of the points)\n"
                        "This looks like a known mistake: no checks.\n")
    other = NotebookNode(output_type="stream", name="stdout", text="x (part worth 5% of the points): y")
    name_failed_parts(other)
    assert other.text == "x (part worth 5% of the points): y"  # a student's print stays
