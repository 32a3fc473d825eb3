#!/usr/bin/env bash
# The whole Laurel test suite, in tiers; `make test` and CI run this.
#   1. swift test: pure tests, channel-level codec tests, the in-process daemon on temporary
#      sockets, and subprocess tests of the built laureld / laurelctl / laurel-bench.
#   2. the systemd system test (.ci/systemd-test.sh): root only, boots systemd 252 in a private
#      namespace and drives the installed daemon through it.
#   3. a short coverage-guided fuzz run of every fuzz target (Fuzz/run.sh), when present.
#   4. swift test again, built with ThreadSanitizer (its own .build-tsan): every tier of stage 1,
#      including the TSan-built laureld / laurelctl the binary tests spawn; any race report fails.
# Ends with one line "N passed, M failed" counting every test of every tier (and each TSan report
# as one failure).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
LOG=$(mktemp -d /tmp/lrl-ci-XXXXXX)
TSAN_REPORTS=$(mktemp -d /tmp/lrl-tsan-XXXXXX)
trap 'rm -rf "$LOG" "$TSAN_REPORTS"' EXIT
PASSED=0 FAILED=0 STATUS=0

stage() { echo; echo "=== $* ==="; }

# Counts one `swift test` run into PASSED / FAILED from its log ($1) and exit status ($2).
count_swift_test() {
    local log=$1 rc=$2 summary total issues failed_tests
    summary=$(grep -E "Test run with [0-9]+ tests?" "$log" | tail -n 1)
    total=$(echo "$summary" | sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p')
    issues=$(echo "$summary" | sed -nE 's/.* with ([0-9]+) issues?.*/\1/p')
    # One "Test … failed after" line per failed test ("recorded an issue" lines repeat per issue).
    failed_tests=$(grep -E "^(✘|􀢄) Test .* failed after" "$log" | grep -cvE "^(✘|􀢄) Test run with" || true)
    total=${total:-0}
    if [ "$rc" -ne 0 ] || [ -n "$issues" ]; then
        STATUS=1
        [ "$failed_tests" -gt 0 ] || failed_tests=1
        FAILED=$((FAILED + failed_tests)); PASSED=$((PASSED + total - failed_tests))
        # With the lines after each issue: a failed binary test's message carries the daemon's log.
        grep -A 12 -E "recorded an issue|Fatal error|error:" "$log" | head -n 200
    else
        PASSED=$((PASSED + total))
    fi
}

# --- 1. swift test --------------------------------------------------------------------------
stage "swift test (warnings are errors)"
swift build --build-tests -Xswiftc -warnings-as-errors 2>&1 | tail -n 20
build_rc=${PIPESTATUS[0]}
if [ "$build_rc" -ne 0 ]; then
    echo "swift build failed"; FAILED=$((FAILED + 1)); STATUS=1
else
    swift test --skip-build --parallel 2>&1 | tee "$LOG/swift-test.log" | grep -E "^(✘|􀢄)|Test run with|error:|Fatal error" | tail -n 60
    count_swift_test "$LOG/swift-test.log" "${PIPESTATUS[0]}"
fi

# --- 2. systemd ----------------------------------------------------------------------------
if [ "$(id -u)" = 0 ]; then
    stage "systemd system test (release build, systemd 252 as PID 1 of a private namespace)"
    if make build >"$LOG/release.log" 2>&1; then
        bash .ci/systemd-test.sh --skip-build 2>&1 | tee "$LOG/systemd.log"
        rc=${PIPESTATUS[0]}
        line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$LOG/systemd.log" | tail -n 1)
        p=$(echo "$line" | sed -nE 's/^([0-9]+) passed.*/\1/p'); f=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
        PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0}))
        if [ "$rc" -ne 0 ]; then STATUS=1; [ -n "$line" ] || FAILED=$((FAILED + 1)); fi
    else
        tail -n 30 "$LOG/release.log"; echo "release build failed"; FAILED=$((FAILED + 1)); STATUS=1
    fi
else
    stage "systemd system test: not run (needs root to boot systemd in a namespace)"
fi

# --- 3. fuzz smoke ---------------------------------------------------------------------------
if [ -x Fuzz/run.sh ]; then
    stage "fuzz smoke run"
    bash Fuzz/run.sh --smoke 2>&1 | tee "$LOG/fuzz.log" | tail -n 20
    rc=${PIPESTATUS[0]}
    line=$(grep -E "^[0-9]+ passed, [0-9]+ failed" "$LOG/fuzz.log" | tail -n 1)
    p=$(echo "$line" | sed -nE 's/^([0-9]+) passed.*/\1/p'); f=$(echo "$line" | sed -nE 's/.* ([0-9]+) failed.*/\1/p')
    PASSED=$((PASSED + ${p:-0})); FAILED=$((FAILED + ${f:-0}))
    if [ "$rc" -ne 0 ]; then STATUS=1; [ -n "$line" ] || FAILED=$((FAILED + 1)); fi
fi

# --- 4. ThreadSanitizer ---------------------------------------------------------------------
# The whole of stage 1 again, with the test bundle and the laureld / laurelctl / laurel-bench it
# spawns (found next to the bundle, so the TSan builds in .build-tsan) all built with TSan.
# LAUREL_TEST_TIME_SCALE stretches every test deadline: TSan makes everything 5–15× slower, and
# deadlines are the only thing the scale changes (docs/RELIABILITY.md, "Sanitizers").
# TSAN_OPTIONS: halt_on_error=0 so one report does not hide the next; second_deadlock_stack=1 for
# both stacks of a lock-order inversion; log_path sends every process's reports to files in
# $TSAN_REPORTS (mode 1777: the binary tests run laureld as nobody and laurelctl as test users),
# because a spawned daemon's stderr goes to a scratch directory that the test deletes. The binary
# tests pass TSAN_OPTIONS on to the children they start with a clean environment.
TSAN_SCALE=6
stage "swift test under ThreadSanitizer (test deadlines x$TSAN_SCALE)"
tsan_started=$SECONDS
swift build --build-tests --sanitize=thread --scratch-path .build-tsan 2>&1 | tail -n 20
build_rc=${PIPESTATUS[0]}
echo "TSan build: $((SECONDS - tsan_started)) s"
if [ "$build_rc" -ne 0 ]; then
    echo "swift build --sanitize=thread failed"; FAILED=$((FAILED + 1)); STATUS=1
else
    chmod 1777 "$TSAN_REPORTS"
    tests_started=$SECONDS
    LAUREL_TEST_TIME_SCALE=$TSAN_SCALE \
        TSAN_OPTIONS="halt_on_error=0 second_deadlock_stack=1 log_path=$TSAN_REPORTS/tsan" \
        swift test --skip-build --sanitize=thread --scratch-path .build-tsan 2>&1 | tee "$LOG/tsan-test.log" \
        | grep -E "^(✘|􀢄)|Test run with|error:|Fatal error|ThreadSanitizer" | tail -n 60
    count_swift_test "$LOG/tsan-test.log" "${PIPESTATUS[0]}"
    echo "TSan test run: $((SECONDS - tests_started)) s"
    # Reports from any process: the log files, and the test output in case a process ignored log_path.
    reports=$(cat "$LOG/tsan-test.log" "$TSAN_REPORTS"/tsan* 2>/dev/null | grep -c "WARNING: ThreadSanitizer" || true)
    if [ "${reports:-0}" -gt 0 ]; then
        echo "ThreadSanitizer reported $reports problem(s):"
        for file in "$TSAN_REPORTS"/tsan*; do
            [ -e "$file" ] || continue
            echo "--- $(basename "$file") ---"; head -n 200 "$file"
        done
        grep -A 40 "WARNING: ThreadSanitizer" "$LOG/tsan-test.log" | head -n 200
        FAILED=$((FAILED + reports)); STATUS=1
    else
        echo "ThreadSanitizer: no reports"
    fi
fi

echo
echo "$PASSED passed, $FAILED failed"
exit $STATUS
