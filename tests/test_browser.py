"""The course in a real browser (Playwright driving Debian's Chromium, headless), both roles:

* a student opens the welcome lecture, runs it, moves an ipywidgets slider and sees the figure
  change; opens the Assignment List, fetches the released assignment, validates it untouched
  and sees its failing cells;
* an instructor opens Formgrader in the class folder's lab and sees every assignment, and the
  autograded submission of a student with its score.

Screenshots of each step land in build/browser/ (on a failure too: the last one shows where it
stopped).  `.ci/run` installs Chromium (Debian's package); the test fails, never skips, without
it.
"""
from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import time
import urllib.request
from contextlib import contextmanager
from pathlib import Path

import pytest
from servers import free_port, stop_group

from grader.classroom import Classroom, lab_env, make_student
from grader.submissions import EXAMPLES
from grader.workspace import REPO, assignment_ids

pytestmark = pytest.mark.slow
A = "a1_theory"  # the quickest assignment to grade and validate: no TensorFlow in its kernel
CHROMIUM = Path(os.environ.get("GANCOURSE_CHROMIUM", "/usr/bin/chromium"))
SHOTS = REPO / "build" / "browser"
#: the flags a headless Chromium needs here: root in a container, no GPU, and no background
#: connections (the machine is offline; Chromium retries them in bursts otherwise)
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--no-first-run",
                 "--disable-quic"]
TOKEN = "browser-test-token"
SECOND = 1000  # Playwright counts milliseconds


@contextmanager
def lab_server(cmd: list[str], cwd: Path, scratch: Path, env: dict[str, str]):
    """A JupyterLab server on loopback; yields its base URL, stops it (and its kernels)."""
    port = free_port()
    args = ["--no-browser", "--ip=127.0.0.1", f"--port={port}",
            f"--IdentityProvider.token={TOKEN}", *(["--allow-root"] if os.getuid() == 0 else [])]
    env = dict(env, JUPYTER_DATA_DIR=str(scratch / "data"),
               JUPYTER_RUNTIME_DIR=str(scratch / "runtime"),
               JUPYTERLAB_WORKSPACES_DIR=str(scratch / "workspaces"))
    log_path = scratch / "lab.log"
    with open(log_path, "w") as log:
        proc = subprocess.Popen([*cmd, *args], cwd=cwd, env=env, stdout=log,
                                stderr=subprocess.STDOUT, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 120
        while True:
            try:
                urllib.request.urlopen(f"{base}/api/status?token={TOKEN}", timeout=5)
                break
            except OSError:
                assert proc.poll() is None, log_path.read_text()[-3000:]
                assert time.monotonic() < deadline, "JupyterLab did not answer within 120 s"
                time.sleep(1)
        yield base
    finally:
        stop_group(proc)


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.is_file(), (f"no Chromium at {CHROMIUM}: `apt-get install chromium` "
                                "(.ci/run does), or set GANCOURSE_CHROMIUM")
    shutil.rmtree(SHOTS, ignore_errors=True)
    SHOTS.mkdir(parents=True)
    with sync_playwright() as p:
        chromium = p.chromium.launch(executable_path=str(CHROMIUM), headless=True,
                                     args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@contextmanager
def page_of(browser, name: str):
    """A fresh page; its screenshot goes to build/browser/<name>-failed.png if a step fails."""
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    page = context.new_page()
    page.set_default_timeout(60 * SECOND)
    try:
        yield page
    except BaseException:
        page.screenshot(path=SHOTS / f"{name}-failed.png")
        raise
    finally:
        context.close()


@pytest.fixture(scope="module")
def room(tmp_path_factory):
    """A class with the assignment released and one student's full answer autograded."""
    root = tmp_path_factory.mktemp("browser-class")
    room = Classroom.init(root / "class")
    room.release(A)
    alice = root / "alice"
    make_student(alice, "alice", room)
    run = dict(cwd=alice, check=True, capture_output=True)
    subprocess.run([sys.executable, "-m", "nbgrader", "fetch_assignment", A], **run)
    shutil.copyfile(EXAMPLES / "example_full" / A / f"{A}.ipynb", alice / A / f"{A}.ipynb")
    subprocess.run([sys.executable, "-m", "nbgrader", "submit", A], **run)
    room.collect(A)
    room.autograde(A, verbose=False)
    return room


def menu(page, top: str, item: str) -> None:
    """Click JupyterLab's menu bar entry ``top``, then its item ``item``."""
    page.locator(".lm-MenuBar-itemLabel", has_text=top).first.click()
    page.locator(".lm-Menu-itemLabel").filter(has_text=item).first.click()


def shot(page, name: str) -> None:
    page.screenshot(path=SHOTS / f"{name}.png")


def test_a_student_runs_a_lecture_moves_a_slider_and_validates_an_assignment(
        browser, room, tmp_path):
    from playwright.sync_api import expect

    carol = tmp_path / "carol"
    make_student(carol, "carol", room)  # her Assignment List reads the class exchange
    shutil.copytree(REPO / "course", carol / "course")
    env = dict(lab_env(), PYTHONPATH=str(REPO), GANCOURSE_PROFILE="ci")
    jupyter = str(Path(sys.executable).parent / "jupyter")
    with lab_server([jupyter, "lab", f"--ServerApp.root_dir={carol}"], carol, tmp_path,
                    env) as base, page_of(browser, "student") as page:
        # the welcome lecture, run in the browser
        page.goto(f"{base}/lab/tree/course/00_welcome.ipynb?token={TOKEN}")
        page.locator(".jp-Notebook").wait_for()
        expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible()
        menu(page, "Run", "Run All Cells")
        handle = page.get_by_role("slider").first  # ipywidgets' slider handle
        handle.wait_for(timeout=300 * SECOND)
        widget = page.locator(".widget-interact").filter(has=handle)
        figure, readout = widget.locator("img").first, widget.locator(".widget-readout").first
        figure.wait_for()
        before = figure.get_attribute("src")
        expect(readout).to_have_text("0.100")
        widget.scroll_into_view_if_needed()
        shot(page, "student-lecture-slider-before")
        handle.focus()
        for _ in range(6):
            page.keyboard.press("ArrowRight")  # six steps of 0.05 in log10(std)
        expect(readout).to_have_text("0.200")
        expect(figure).not_to_have_attribute("src", before, timeout=60 * SECOND)
        expect(page.get_by_text("Python 3 (ipykernel) | Idle")).to_be_visible()  # last redraw
        widget.scroll_into_view_if_needed()
        shot(page, "student-lecture-slider-after")

        # the Assignment List: fetch the released assignment, open it, Validate it untouched
        menu(page, "Nbgrader", "Assignment List")
        released = page.locator("#released_assignments_list .list_item").filter(has_text=A)
        released.get_by_role("button", name="Fetch").click()
        fetched = page.locator("#fetched_assignments_list").filter(has_text=A)
        expect(fetched).to_be_visible()
        shot(page, "student-assignment-list")
        assert (carol / A / f"{A}.ipynb").is_file()  # nbgrader fetched it into her folder
        fetched.get_by_text(A, exact=True).first.click()  # unfold: the assignment's notebooks
        fetched.get_by_role("link", name=A, exact=True).last.click()  # opens it in the lab
        notebook = page.locator(".jp-NotebookPanel:visible")  # (the lecture's tab is hidden)
        expect(notebook).to_contain_text("Assignment 1")
        # Validate checks the *current* notebook: activate its tab, as a student clicking it does
        page.locator(".lm-TabBar-tab").filter(has_text=f"{A}.ipynb").first.click()
        expect(page.locator("#jp-main-statusbar")).to_contain_text(f"{A}.ipynb")
        notebook.get_by_role("button", name="Validate").click()
        dialog = page.locator(".jp-Dialog")
        expect(dialog).to_contain_text("NotImplementedError", timeout=300 * SECOND)
        expect(dialog).not_to_contain_text("Success")
        shot(page, "student-validate")


def test_an_instructor_sees_every_assignment_and_a_graded_submission_in_formgrader(
        browser, room, tmp_path):
    from playwright.sync_api import expect

    lab = [sys.executable, "-m", "grader.classroom", "lab", "--class", str(room.root), "--"]
    with lab_server(lab, REPO, tmp_path, os.environ) as base, \
            page_of(browser, "instructor") as page:
        page.goto(f"{base}/lab?token={TOKEN}")
        menu(page, "Nbgrader", "Formgrader")
        formgrader = page.frame_locator("iframe").first
        table = formgrader.locator("table").first
        for a in assignment_ids():
            expect(table).to_contain_text(a)
        shot(page, "instructor-formgrader-assignments")
        # the autograded submission, with the score the pipeline gave it
        page.goto(f"{base}/formgrader/manage_students?token={TOKEN}")
        expect(page.locator("table")).to_contain_text("alice")
        expected = json.loads((EXAMPLES / "expected_scores.json").read_text())["example_full"][A]
        page.goto(f"{base}/formgrader/manage_submissions/{A}?token={TOKEN}")
        row = page.locator("tr").filter(has_text="alice")
        expect(row).to_contain_text(f"{float(expected):g} / ")
        shot(page, "instructor-formgrader-submission")


def test_a_feedback_page_renders_its_math_offline_and_shows_no_hidden_test(browser, room):
    from playwright.sync_api import expect

    (page_path,) = [p for p in room.feedback(A) if p.parent.parent.name == "alice"]
    with page_of(browser, "feedback") as page:
        requests = []
        page.route("**/*", lambda route: (requests.append(route.request.url),
                                          route.continue_() if route.request.url.startswith(
                                              "file:") else route.abort()))
        page.goto(page_path.as_uri())
        expect(page.locator("body")).to_contain_text("hidden tests ran here")
        expect(page.locator("body")).not_to_contain_text("BEGIN HIDDEN TESTS")
        math = page.locator("math").first  # MathML, laid out by the browser itself
        math.scroll_into_view_if_needed()
        box = math.bounding_box()
        assert box and box["width"] > 5 and box["height"] > 5, box
        assert "$" not in (math.text_content() or "")
        shot(page, "student-feedback-page")
    # offline, the only request a page makes elsewhere is the CDN MathJax it does not need
    assert all(u.startswith("file:") or "mathjax" in u.lower() for u in requests), requests
