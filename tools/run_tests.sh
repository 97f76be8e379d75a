#!/usr/bin/env bash
# `make test`: every phase of the suite on this machine, timed; a breakdown at the end (also on
# failure).  Times land in build/test-times/.
#
# The tests and the lectures run side by side, as two processes: most of either keeps one core
# busy (a notebook kernel, one pytest process), so on the 2-core CI machine each fills the other's
# idle core (measured: tools/test_report.py prints each one's time and the wall time of both).
# The lectures' output is kept in build/test-times/lectures.log and printed after the tests'.
#   env: MAKE, VENV, PYTEST_ARGS (passed to both pytest runs)
set -u
MAKE=${MAKE:-make}
VENV=${VENV:-.venv}
VPY="$PWD/$VENV/bin/python"
OUT="$PWD/build/test-times"
rm -rf "$OUT" && mkdir -p "$OUT"
status=0

phase() {  # phase NAME PARENT COMMAND...: run it, record "NAME<TAB>seconds<TAB>status<TAB>PARENT"
    local name=$1 parent=$2; shift 2
    local start end rc
    start=$(date +%s.%N)
    "$@"; rc=$?
    end=$(date +%s.%N)
    printf '%s\t%s\t%s\t%s\n' "$name" "$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}')" \
        "$rc" "$parent" >> "$OUT/phases.tsv"
    return $rc
}

tests() {
    GANCOURSE_PROFILE=ci "$VPY" -m pytest tests --junitxml="$OUT/tests.xml" ${PYTEST_ARGS:-}
}

lectures() (  # the lectures run from a fresh student course (what students get); a subshell: cd stays inside
    cd build/student-course && GANCOURSE_PROFILE=ci PYTHONPATH="$PWD" PYTHONDONTWRITEBYTECODE=1 \
        "$VPY" -m pytest --nbval-lax -p no:cacheprovider --junitxml="$OUT/lectures.xml" course \
        ${PYTEST_ARGS:-}
)

side_by_side() {  # the tests in the foreground, the lectures in the background; fails if either does
    local within="tests and lectures, side by side"
    phase "lectures (nbval)" "$within" lectures > "$OUT/lectures.log" 2>&1 &
    local lectures_pid=$! tests_rc lectures_rc
    phase "tests (library, grader, lab)" "$within" tests; tests_rc=$?
    wait "$lectures_pid"; lectures_rc=$?
    printf '\n%s\n' "---- lectures (nbval), run alongside the tests: build/test-times/lectures.log ----"
    cat "$OUT/lectures.log"
    [ "$tests_rc" = 0 ] || return "$tests_rc"
    return "$lectures_rc"
}

phase "install (venv, browser)" "" bash -c "$MAKE --no-print-directory venv VENV='$VENV' && bash tools/ensure_chromium.sh" \
    || status=$?
# built before the tests: the release's freshness is one of the tests, which fail if it is stale
[ "$status" = 0 ] && { phase "student course build" "" "$VPY" -m grader.student_course \
    --out build/student-course --force --skip-release-check || status=$?; }
[ "$status" = 0 ] && { phase "tests and lectures, side by side" "" side_by_side || status=$?; }
"$VPY" tools/test_report.py "$OUT" || true
exit "$status"
