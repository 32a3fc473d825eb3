#!/usr/bin/env bash
# Build the libFuzzer targets once and run each for a bounded time.
#
#   bash Fuzz/run.sh --smoke                 every target ~20 s (what CI runs)
#   bash Fuzz/run.sh --seconds 300 fuzz-json one target for 5 minutes
#   bash Fuzz/run.sh --asan --seconds 60     with AddressSanitizer as well (separate build dir)
#
# Targets: fuzz-header fuzz-json fuzz-jsonl fuzz-request (default: all). The committed seed corpus
# Fuzz/Corpus/<target>/ is only read; new corpus entries and libFuzzer's files go to a private
# mktemp directory that is removed at the end. A crashing input is copied to
# Fuzz/.build/fuzz-artifacts/ (ignored by git) and its path printed. Prints `ok - <target> (N runs)`
# or `FAIL - <target> ...` per target, then `N passed, M failed`; exits 1 if any failed.
set -euo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
all_targets=(fuzz-header fuzz-json fuzz-jsonl fuzz-request)
seconds=60
asan=0
targets=()
while [ $# -gt 0 ]; do
    case "$1" in
        --smoke) seconds=20 ;;
        --seconds) seconds="$2"; shift ;;
        --asan) asan=1 ;;
        -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
        fuzz-*) targets+=("$1") ;;
        *) echo "run.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
    esac
    shift
done
[ ${#targets[@]} -gt 0 ] || targets=("${all_targets[@]}")

build_flags=(--package-path "$here" --sanitize=fuzzer -Xswiftc -parse-as-library)
if [ "$asan" = 1 ]; then
    build_flags+=(--sanitize=address --scratch-path "$here/.build-asan")
    bin_dir="$here/.build-asan/debug"
else
    bin_dir="$here/.build/debug"
fi

work="$(mktemp -d /tmp/lrl-fuzz-XXXXXX)"
trap 'rm -rf "$work"' EXIT

started=$(date +%s)
if ! swift build "${build_flags[@]}" >"$work/build.log" 2>&1; then
    cat "$work/build.log" >&2
    echo "FAIL - build of the fuzz package"
    echo "0 passed, ${#targets[@]} failed"
    exit 1
fi
echo "# fuzz package built in $(( $(date +%s) - started )) s"

passed=0
failed=0
for target in "${targets[@]}"; do
    seeds="$here/Corpus/$target"
    if [ ! -x "$bin_dir/$target" ] || [ ! -d "$seeds" ]; then
        echo "FAIL - $target (no such target or no seed corpus)"
        failed=$((failed + 1))
        continue
    fi
    mkdir -p "$work/$target/corpus" "$work/$target/artifacts"
    log="$work/$target/log"
    # -timeout: one input taking over 10 s is a hang. -rss_limit_mb: a runaway allocation is a failure.
    # SWIFT_BACKTRACE=enable=no: Swift's own crash handler would otherwise take the trap from a failed
    # property before libFuzzer can save the input.
    # The request target runs with 64-byte lines and 200-byte payloads: longer inputs only slow it.
    max_len=8192
    [ "$target" = fuzz-request ] && max_len=1024
    status=0
    SWIFT_BACKTRACE=enable=no "$bin_dir/$target" "$work/$target/corpus" "$seeds" \
        -max_total_time="$seconds" -timeout=10 -rss_limit_mb=2048 -max_len="$max_len" \
        -artifact_prefix="$work/$target/artifacts/" -print_final_stats=1 >"$log" 2>&1 || status=$?
    runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
    artifact=$(find "$work/$target/artifacts" -type f | head -1)
    if [ "$status" = 0 ] && [ -z "$artifact" ]; then
        echo "ok - $target (${runs:-?} runs in ${seconds} s)"
        passed=$((passed + 1))
    else
        kept=""
        if [ -n "$artifact" ]; then
            mkdir -p "$here/.build/fuzz-artifacts"
            kept="$here/.build/fuzz-artifacts/$target-$(basename "$artifact")"
            cp "$artifact" "$kept"
        fi
        echo "FAIL - $target (exit $status) input: ${kept:-none saved}"
        grep -m1 -E 'property violated|Fatal error|ERROR: libFuzzer|ERROR: AddressSanitizer|SUMMARY' "$log" | sed 's/^/#   /' || true
        failed=$((failed + 1))
    fi
done

echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
