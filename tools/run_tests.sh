#!/usr/bin/env bash
# `make test`: every phase of the suite on this machine, timed; a breakdown at the end (also on
# failure).  Phases stop at the first that fails.  Times land in build/test-times/.
#   env: MAKE, VENV, PYTEST_ARGS (passed to both pytest runs)
set -u
MAKE=${MAKE:-make}
VENV=${VENV:-.venv}
VPY="$PWD/$VENV/bin/python"
OUT="$PWD/build/test-times"
rm -rf "$OUT" && mkdir -p "$OUT"
status=0

phase() {  # phase NAME COMMAND...: run it, record "NAME<TAB>seconds<TAB>exit status"
    local name=$1; shift
    local start end rc
    start=$(date +%s.%N)
    "$@"; rc=$?
    end=$(date +%s.%N)
    printf '%s\t%s\t%s\n' "$name" "$(awk -v a="$start" -v b="$end" 'BEGIN{printf "%.1f", b-a}')" \
        "$rc" >> "$OUT/phases.tsv"
    return $rc
}

lectures() (  # the lectures run from a fresh student course (what students get); a subshell: cd stays inside
    cd build/student-course && GANCOURSE_PROFILE=ci PYTHONPATH="$PWD" PYTHONDONTWRITEBYTECODE=1 \
        "$VPY" -m pytest --nbval-lax -p no:cacheprovider --junitxml="$OUT/lectures.xml" course \
        ${PYTEST_ARGS:-}
)

phase "install (venv, browser)" bash -c "$MAKE --no-print-directory venv VENV='$VENV' && bash tools/ensure_chromium.sh" \
    || status=$?
[ "$status" = 0 ] && { GANCOURSE_PROFILE=ci phase "tests (library, grader, lab)" \
    "$VPY" -m pytest tests --junitxml="$OUT/tests.xml" ${PYTEST_ARGS:-} || status=$?; }
# the release's freshness is one of the tests above
[ "$status" = 0 ] && { phase "student course build" "$VPY" -m grader.student_course \
    --out build/student-course --force --skip-release-check || status=$?; }
[ "$status" = 0 ] && { phase "lectures (nbval)" lectures || status=$?; }
"$VPY" tools/test_report.py "$OUT" || true
exit "$status"
