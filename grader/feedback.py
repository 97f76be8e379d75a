"""What a student's feedback page may show: nbgrader's, without the hidden tests.

``nbgrader generate_feedback`` renders the autograded notebook, whose test cells hold the hidden
tests (restored from the gradebook for grading) and, since grader/verdict.py, the trusted
checks with their references.  Sending that page would publish them.  The course's
configuration (grader/nbgrader_config.py) adds :class:`HideHiddenTests` to the feedback
preprocessors: every graded test cell loses its ``### BEGIN HIDDEN TESTS`` ...
``### END HIDDEN TESTS`` regions, replaced by one line saying that hidden tests ran; the
cell's outputs (the grader's verdict, with the known mistake it names: :func:`show_verdict`;
a partial-credit verdict names the failed parts, not their messages: :func:`name_failed_parts`)
and score stay.  Student cells are never touched (a
student who types the markers in an answer cell sees the answer as written).

:class:`MathToMathML` renders the markdown cells' LaTeX as MathML, so the page shows its math
offline (nbgrader's template loads MathJax from a CDN).
"""
from __future__ import annotations

import re

import latex2mathml.converter
from nbgrader import utils
from nbgrader.preprocessors import NbGraderPreprocessor
from traitlets import Unicode

from grader.verdict import BEGIN, END


def hide_hidden_tests(source: str, note: str) -> str:
    """``source`` with every BEGIN/END HIDDEN TESTS region replaced by ``note`` (a region with
    no END runs to the end of the cell)."""
    lines, out, hidden = source.splitlines(), [], False
    for line in lines:
        if not hidden and BEGIN in line:
            hidden = True
            out.append(line[: line.index(BEGIN)] + note)
        elif hidden:
            hidden = END not in line
        else:
            out.append(line)
    return "\n".join(out)


class HideHiddenTests(NbGraderPreprocessor):
    """Remove the hidden tests (and their checks) from the test cells of a feedback page."""

    note = Unicode("# (hidden tests ran here; they are not shown)", config=True)

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "code" and utils.is_grade(cell) and not utils.is_solution(cell):
            cell.source = hide_hidden_tests(cell.source, self.note)
            for out in cell.get("outputs", []):
                show_verdict(out)
                name_failed_parts(out)
        return cell, resources


#: what a check says when the kernel reported nothing (grader/verdict.py)
NO_OBSERVATIONS = "did not receive the result"
KNOWN_MISTAKE = re.compile(r"\nThis looks like a known mistake: [^\n]*?\.(?=\)?(?:\n|$))")


#: a failed part as the verdict lists it under partial credit (grader/sandbox_kernel.py)
FAILED_PART = re.compile(r"^(?P<part>.+? \(part worth \d+% of the points\)): .*$", re.M)


def name_failed_parts(output) -> None:
    """On the page, a partial-credit verdict names each failed part and its share, without the
    part's check message (which may name a hidden input); known-mistake lines stay."""
    text = output.get("text") if output.get("output_type") == "stream" else None
    if isinstance(text, str) and text.startswith("Partial credit: "):
        output["text"] = FAILED_PART.sub(r"\g<part>", text)


def show_verdict(output) -> None:
    """Show on the page the known mistake a failed test cell looks like (grader/mistakes.py).

    A page renders an error output by its traceback only, and the grader's verdict
    (grader/sandbox_kernel.py) keeps the traceback short or empty: a traceback would quote the
    hidden probe, and a check's own message may name a hidden input.  The known-mistake lines of
    the verdict (authored text, no inputs) are added to the traceback; a "mistake" matched on a
    test that observed nothing (it stopped first) is no evidence, and is left out.
    """
    if output.get("output_type") != "error" or not output.get("evalue"):
        return
    if NO_OBSERVATIONS in output["evalue"]:
        return
    hints = [m.group(0).strip() for m in KNOWN_MISTAKE.finditer(output["evalue"])]
    shown = "\n".join(output.get("traceback") or [])
    output["traceback"] = list(output.get("traceback") or []) + [h for h in hints if h not in shown]


#: fenced code blocks and inline code spans: never math
CODE = re.compile(r"(```.*?```|~~~.*?~~~|`[^`\n]*`)", re.S)
#: $$display$$, \[display\], $inline$ (pandoc's rule: no blank after the opening $ or before the
#: closing one, no digit right after it, so "costs $5 and $10" stays prose), \(inline\)
MATH = re.compile(r"\$\$(?P<d1>.+?)\$\$|\\\[(?P<d2>.+?)\\\]"
                  r"|(?<![\\$])\$(?![\s$])(?P<i1>(?:\\\$|[^$])+?)(?<![\s\\])\$(?!\d)"
                  r"|\\\((?P<i2>.+?)\\\)", re.S)


#: commands the converter does not know, in words it does (checked over every formula of the
#: course's notebooks: no other command is left unconverted)
TEX_ALIASES = {r"\lVert": r"\|", r"\rVert": r"\|", r"\arg": r"\operatorname{arg}"}
_ALIAS = re.compile("|".join(re.escape(k) + r"(?![A-Za-z])" for k in TEX_ALIASES))


def _mathml(match: re.Match) -> str:
    display = match.group("d1") is not None or match.group("d2") is not None
    tex = next(g for g in match.group("d1", "d2", "i1", "i2") if g is not None)
    tex = _ALIAS.sub(lambda m: TEX_ALIASES[m.group(0)], tex)
    try:
        html = latex2mathml.converter.convert(tex.strip(), display="block" if display else "inline")
    except Exception:  # noqa: BLE001 - LaTeX the converter cannot read: shown as written
        return match.group(0)
    return html.replace("\n", " ")  # one line: a blank line would end the HTML block


def math_to_mathml(markdown: str) -> str:
    """``markdown`` with its LaTeX math replaced by MathML, which browsers render without
    MathJax (a feedback page opened offline showed raw LaTeX: MathJax comes from a CDN).  Code
    blocks and code spans are left alone."""
    parts = CODE.split(markdown)
    return "".join(part if i % 2 else MATH.sub(_mathml, part) for i, part in enumerate(parts))


class MathToMathML(NbGraderPreprocessor):
    """Render the math of every markdown cell as MathML (see :func:`math_to_mathml`)."""

    def preprocess_cell(self, cell, resources, cell_index):
        if cell.cell_type == "markdown":
            cell.source = math_to_mathml(cell.source)
        return cell, resources
