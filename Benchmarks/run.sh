#!/usr/bin/env bash
# Laurel benchmarks: laureld against redis-server and sqlite3 on this machine, in one command.
#
#   Benchmarks/run.sh                 # everything, including the 1,000,000-entry registry
#   LARGE=0 Benchmarks/run.sh         # skip the 1M registry
#   DURATION=5 INGEST=20000 Benchmarks/run.sh
#
# Builds release, measures, writes Benchmarks/results/<date>.md and prints it. Everything runs on
# Unix sockets in a private temporary directory, and every process started here is stopped at the end.
set -euo pipefail

DURATION=${DURATION:-10}     # seconds per load run
INGEST=${INGEST:-100000}     # single files dropped for the ingest run (and the registry for GET/SEARCH)
LARGE=${LARGE:-1000000}      # entries in the large registry (JSON Lines batches); 0 skips it
DROPS=${DROPS:-20}           # lone files for drop-to-searchable latency
ROOT=$(cd "$(dirname "$0")/.." && pwd)
HELP="python3 $ROOT/Benchmarks/helpers.py"

need=()
command -v redis-server >/dev/null || need+=(redis-server)
command -v redis-benchmark >/dev/null || need+=(redis-tools)
command -v redis-cli >/dev/null || need+=(redis-tools)
command -v hyperfine >/dev/null || need+=(hyperfine)
command -v python3 >/dev/null || need+=(python3)
if ((${#need[@]})); then
    echo "installing ${need[*]}" >&2
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >&2
fi

cd "$ROOT"
echo "building release…" >&2
swift build -c release >&2
BIN=$(swift build -c release --show-bin-path)

WORK=$(mktemp -d /tmp/lrl-bench-XXXXXX)
PIDS=()
cleanup() {
    for pid in "${PIDS[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
    for pid in "${PIDS[@]}"; do
        for _ in $(seq 100); do kill -0 "$pid" 2>/dev/null || break; sleep 0.1; done
        kill -KILL "$pid" 2>/dev/null || true
    done
    rm -rf "$WORK"
}
trap cleanup EXIT
trap "exit 130" INT TERM

ROWS=()    # Markdown table rows
row() { ROWS+=("| $1 | $2 | $3 | $4 |"); echo "  $1: $2 (ref: $3; target: $4)" >&2; }
bench() { "$BIN/laurel-bench" "$@"; }
jfield() { $HELP field "$@"; }
fmt() { printf "%'.0f" "$1"; }

# start_laureld NAME → sets LPID, LSOCK, LSPOOL, LSTATE, READY_MS (start → READY=1 through $NOTIFY_SOCKET)
start_laureld() {
    local dir=$WORK/$1
    mkdir -p "$dir"
    LSOCK=$dir/s LSPOOL=$dir/spool LSTATE=$dir/state
    read -r LPID READY_MS < <($HELP ready "$dir" "$dir/laureld.log" -- \
        "$BIN/laureld" --socket "$LSOCK" --drop-dir "$LSPOOL" --state-dir "$LSTATE")
    PIDS+=("$LPID")
}
stop_pid() {
    kill -TERM "$1" 2>/dev/null || return 0
    for _ in $(seq 300); do kill -0 "$1" 2>/dev/null || return 0; sleep 0.1; done
    kill -KILL "$1" 2>/dev/null || true
}
stats_files() { "$BIN/laurelctl" stats --socket "$LSOCK" --json | python3 -c 'import json,sys; o=json.load(sys.stdin); print(o["files"]+o["rejected_files"], o["entries"], o["rejected_files"])'; }
wait_files() {  # wait until files+rejected ≥ $1; print seconds since $2 (date +%s.%N)
    local deadline=$((SECONDS + 3600)) done_files
    while :; do
        done_files=$(stats_files | cut -d' ' -f1) || { echo "laurelctl stats failed" >&2; exit 1; }
        ((done_files >= $1)) && break
        ((SECONDS < deadline)) || { echo "ingest did not finish within an hour" >&2; exit 1; }
        sleep 0.05
    done
    python3 -c "import time; print(f'{time.time() - $2:.2f}')"
}
load() {  # load OP CLIENTS [--query Q] → JSON
    local op=$1 clients=$2; shift 2
    bench --socket "$LSOCK" --op "$op" --clients "$clients" --duration "$DURATION" --json "$@"
}
load_row() {  # load_row LABEL OP CLIENTS TARGET [args]
    local label=$1 op=$2 clients=$3 target=$4; shift 4
    local j; j=$(load "$op" "$clients" "$@")
    row "$label" "$(fmt "$(jfield rps <<<"$j")")/s, p50 $(jfield p50_ms <<<"$j") ms, p99 $(jfield p99_ms <<<"$j") ms, errors $(jfield errors <<<"$j")" "" "$target"
}

TERMS=("王偉" "金銀湖" "社區" "schrodinger")
TERM_KIND=("2-char name" "3-char place" "common word" "Latin word")
TERM_EXPR=('"王伟"' '"金银 银湖"' '"社区"' '"schrodinger"*')

echo "== 1. PING over a Unix socket" >&2
start_laureld ping
row "laureld start → READY=1 (empty registry)" "$READY_MS ms" "" "< 1000 ms"
redis-server --port 0 --unixsocket "$WORK/redis.sock" --save "" --appendonly no --daemonize no \
    --logfile "$WORK/redis.log" &
RPID=$!; PIDS+=("$RPID")
for _ in $(seq 100); do redis-cli -s "$WORK/redis.sock" ping >/dev/null 2>&1 && break; sleep 0.05; done
for c in 50 1; do
    j=$(load ping $c)
    lrps=$(jfield rps <<<"$j")
    # redis measured twice: by its own redis-benchmark, and by laurel-bench's raw engine
    # (--target redis), so the comparison is also made with the same client on both sides.
    jr=$(bench --socket "$WORK/redis.sock" --target redis --op ping --clients $c --duration "$DURATION" --json)
    same=$(jfield rps <<<"$jr")
    n=$(python3 -c "print(max(20000, int(float('$lrps') * $DURATION)))")
    redis-benchmark -s "$WORK/redis.sock" -t ping_inline -c $c -n "$n" --csv >"$WORK/redis-$c.csv" 2>/dev/null
    read -r rrps _ rp99 < <($HELP redis "$WORK/redis-$c.csv")
    ratio=$(python3 -c "print(f'{float($lrps)/float($rrps):.2f}')")
    ratio_same=$(python3 -c "print(f'{float($lrps)/float($same):.2f}')")
    row "PING, $c client(s)" "$(fmt "$lrps")/s, p99 $(jfield p99_ms <<<"$j") ms (${ratio}× redis-benchmark's figure, ${ratio_same}× redis under the same client)" \
        "redis-server: redis-benchmark $(fmt "$rrps")/s, p99 $rp99 ms; laurel-bench $(fmt "$same")/s, p99 $(jfield p99_ms <<<"$jr") ms" \
        "$([ $c = 50 ] && echo '≥ 0.8× redis' || echo '')"
done
read -r kb hwm < <($HELP rss "$LPID")
row "laureld RSS, empty, after PING load" "$((kb / 1024)) MB (peak $((hwm / 1024)) MB)" "redis $(( $($HELP rss "$RPID" | cut -d' ' -f1) / 1024 )) MB" "< 300 MB"
stop_pid "$RPID"; stop_pid "$LPID"

echo "== 2. Ingest of $INGEST single files" >&2
start_laureld ingest
bench generate --count "$INGEST" --out "$LSPOOL/tmp/gen" --seed 42 --format nom 2>&2
t0=$(date +%s.%N)
find "$LSPOOL/tmp/gen" -maxdepth 1 -name '*.nom' -print0 | xargs -0 -n 5000 mv -t "$LSPOOL/new/"
moved=$(python3 -c "import time; print(f'{time.time() - $t0:.2f}')")
secs=$(wait_files "$INGEST" "$t0")
read -r files entries rejected < <(stats_files)
row "ingest $INGEST files dropped into new/" "$(fmt "$(python3 -c "print($INGEST / $secs)")") files/s ($secs s; the rename took $moved s; $entries entries, $rejected refused)" "" "≥ 2,000 files/s"
lat=$($HELP drop "$LSOCK" "$LSPOOL" "$DROPS")
med=$(python3 -c "import statistics; v=[float(x) for x in '$lat'.split()]; print(f'{statistics.median(v):.1f} ms (min {min(v):.1f}, max {max(v):.1f})')")
row "drop → searchable, lone file (median of $DROPS)" "$med" "" "< 50 ms"

# measure_registry LABEL: GET and SEARCH under 16 and 50 clients, RSS, sqlite3 directly.
measure_registry() {
    local label=$1
    read -r kb hwm < <($HELP rss "$LPID")
    row "laureld RSS idle, $label" "$((kb / 1024)) MB" "" "< 300 MB"
    for c in 16 50; do
        load_row "GET, $label, $c clients" get "$c" "$([ $c = 16 ] && echo '≥ 20,000/s' || echo '')" --sample-ids 2000
    done
    for i in "${!TERMS[@]}"; do
        for c in 16 50; do
            load_row "SEARCH ${TERMS[$i]} (${TERM_KIND[$i]}), $label, $c clients" search "$c" \
                "$([ $c = 16 ] && [ "$LARGE_PHASE" = 1 ] && echo 'p99 < 20 ms' || echo '')" --query "${TERMS[$i]}"
        done
    done
    read -r kb hwm < <($HELP rss "$LPID")
    row "laureld RSS after load, $label" "$((kb / 1024)) MB (peak $((hwm / 1024)) MB)" "" "< 300 MB"
    # The storage layer's own limit: the same FTS queries straight on a copy of the database.
    sqlite3 "$LSTATE/registry.sqlite" ".backup '$WORK/copy.sqlite'" 2>/dev/null ||
        cp "$(ls "$LSTATE"/*.sqlite "$LSTATE"/*.db 2>/dev/null | head -1)" "$WORK/copy.sqlite"
    local specs=()
    for i in "${!TERMS[@]}"; do specs+=("${TERMS[$i]}=${TERM_EXPR[$i]}"); done
    while IFS=$'\t' read -r term whole counting count; do
        row "sqlite3 direct: SEARCH $term, $label (count to 1,000 + tier 1 + page of 20)" "$whole ms (an exact count alone: $counting ms; $count matches)" "" ""
    done < <($HELP sqlite "$WORK/copy.sqlite" 20 "${specs[@]}")
    rm -f "$WORK/copy.sqlite"
}
LARGE_PHASE=0
measure_registry "$(fmt "$entries") entries"

echo "== 6. One whole process: laurelctl get vs redis-cli GET" >&2
redis-server --port 0 --unixsocket "$WORK/redis.sock" --save "" --appendonly no --daemonize no \
    --logfile "$WORK/redis.log" &
RPID=$!; PIDS+=("$RPID")
for _ in $(seq 100); do redis-cli -s "$WORK/redis.sock" ping >/dev/null 2>&1 && break; sleep 0.05; done
id=$("$BIN/laurelctl" list --socket "$LSOCK" --limit 1 --json | python3 -c 'import json,sys; print(json.load(sys.stdin)["entries"][0]["id"])')
"$BIN/laurelctl" get "$id" --socket "$LSOCK" --json >"$WORK/entry.json"
redis-cli -s "$WORK/redis.sock" -x SET "$id" <"$WORK/entry.json" >/dev/null
hyperfine -N --warmup 5 --runs 100 --export-json "$WORK/hf.json" \
    "$BIN/laurelctl get $id --socket $LSOCK --json" "redis-cli -s $WORK/redis.sock GET $id" >/dev/null 2>&1
read -r lmean rmean < <(python3 -c "import json; r=json.load(open('$WORK/hf.json'))['results']; print(*(f'{x[\"mean\"]*1000:.2f}' for x in r))")
row "whole process: laurelctl get ID (hyperfine, mean)" "$lmean ms" "redis-cli GET key: $rmean ms" ""
stop_pid "$RPID"
stop_pid "$LPID"

if ((LARGE > 0)); then
    echo "== 3b. $LARGE entries (JSON Lines batches of 500)" >&2
    start_laureld large
    bench generate --count "$LARGE" --out "$LSPOOL/tmp/gen" --seed 1000 --format jsonl --per-file 500 2>&2
    nfiles=$(find "$LSPOOL/tmp/gen" -maxdepth 1 -name '*.jsonl' | wc -l)
    t0=$(date +%s.%N)
    find "$LSPOOL/tmp/gen" -maxdepth 1 -name '*.jsonl' -print0 | xargs -0 mv -t "$LSPOOL/new/"
    secs=$(wait_files "$nfiles" "$t0")
    read -r files entries rejected < <(stats_files)
    row "load $LARGE nominations ($nfiles JSON Lines files)" "$secs s ($(fmt "$(python3 -c "print($LARGE / $secs)")") nominations/s; $entries entries, $rejected refused)" "" ""
    LARGE_PHASE=1
    measure_registry "$(fmt "$entries") entries"
    stop_pid "$LPID"
    # Restart on the large registry: time to READY=1.
    read -r LPID READY_MS < <($HELP ready "$WORK/large" "$WORK/large/laureld.log" -- \
        "$BIN/laureld" --socket "$LSOCK" --drop-dir "$LSPOOL" --state-dir "$LSTATE")
    PIDS+=("$LPID")
    read -r kb hwm < <($HELP rss "$LPID")
    row "laureld restart → READY=1, $(fmt "$entries") entries" "$READY_MS ms (RSS $((kb / 1024)) MB)" "" "< 1000 ms"
    stop_pid "$LPID"
fi

OUT=$ROOT/Benchmarks/results/$(date -u +%Y-%m-%d).md
{
    echo "# laureld benchmarks, $(date -u '+%Y-%m-%d %H:%M UTC')"
    echo
    echo "Machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | sed 's/^ *//'), $(awk '/MemTotal/ {printf "%.0f GiB", $2/1048576}' /proc/meminfo) RAM;" \
        "$(swift --version 2>/dev/null | head -1); $(redis-server --version | cut -d' ' -f1-3); SQLite $(python3 -c 'import sqlite3; print(sqlite3.sqlite_version)')."
    echo "Command: \`DURATION=$DURATION INGEST=$INGEST LARGE=$LARGE Benchmarks/run.sh\` (closed loop, one request in flight per connection; $DURATION s per load run)."
    echo
    echo "| measure | laureld | reference | target |"
    echo "|---|---|---|---|"
    printf '%s\n' "${ROWS[@]}"
} >"$OUT"
cat "$OUT"
echo "written to $OUT" >&2
