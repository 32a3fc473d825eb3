#!/usr/bin/env bash
# The whole Laurel test suite, in tiers; `make test` and CI run this.
#   1. swift test: pure tests, channel-level codec tests, the in-process daemon on temporary
#      sockets, and subprocess tests of the built laureld / laurelctl / laurel-bench.
#   2. the systemd system test (.ci/systemd-test.sh): root only, boots systemd 252 in a private
#      namespace and drives the installed daemon through it.
#   3. a short coverage-guided fuzz run of every fuzz target (Fuzz/run.sh), when present.
# Ends with one line "N passed, M failed" counting every test of every tier.
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
cd "$ROOT"
LOG=$(mktemp -d /tmp/lrl-ci-XXXXXX)
trap 'rm -rf "$LOG"' EXIT
PASSED=0 FAILED=0 STATUS=0

stage() { echo; echo "=== $* ==="; }

# --- 1. swift test --------------------------------------------------------------------------
stage "swift test (warnings are errors)"
swift build --build-tests -Xswiftc -warnings-as-errors 2>&1 | tail -n 20
build_rc=${PIPESTATUS[0]}
if [ "$build_rc" -ne 0 ]; then
    echo "swift build failed"; FAILED=$((FAILED + 1)); STATUS=1
else
    swift test --skip-build --parallel 2>&1 | tee "$LOG/swift-test.log" | grep -E "^(✘|􀢄)|Test run with|error:|Fatal error" | tail -n 60
    rc=${PIPESTATUS[0]}
    summary=$(grep -E "Test run with [0-9]+ tests?" "$LOG/swift-test.log" | tail -n 1)
    total=$(echo "$summary" | sed -nE 's/.*Test run with ([0-9]+) tests?.*/\1/p')
    issues=$(echo "$summary" | sed -nE 's/.* with ([0-9]+) issues?.*/\1/p')
    failed_tests=$(grep -cE "^(✘|􀢄) Test .* (failed|recorded an issue)" "$LOG/swift-test.log" || true)
    total=${total:-0}
    if [ "$rc" -ne 0 ] || [ -n "$issues" ]; then
        STATUS=1
        [ "$failed_tests" -gt 0 ] || failed_tests=1
        FAILED=$((FAILED + failed_tests)); PASSED=$((PASSED + total - failed_tests))
        grep -E "recorded an issue|failed after|Fatal error|error:" "$LOG/swift-test.log" | head -n 80
    else
        PASSED=$((PASSED + total))
    fi
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

echo
echo "$PASSED passed, $FAILED failed"
exit $STATUS
