#!/usr/bin/env bash
# Laurel under a real systemd 252: install, socket activation, spool, reload, journal, hardening.
#
#   sudo .ci/systemd-test.sh [--skip-build] [--bin-dir DIR] [--stub]
#
#   --skip-build   use binaries already built in .build/release (CI builds once); also LAUREL_SKIP_BUILD=1
#   --bin-dir DIR  install the binaries from DIR instead of .build/release
#   --stub         install the stand-ins in .ci/stub (tests the systemd side without the daemon)
#
# systemd runs as PID 1 of a private PID + mount namespace. Everything it writes lives in that
# namespace: tmpfs on /tmp and /run (never boot without them: boot-time tmpfiles would empty the
# machine's /tmp), on /usr/local, /var/lib, /var/spool, /var/log and /var/tmp, and a private copy of
# /etc (so systemd-sysusers does not add users to the machine's /etc/passwd). Nothing is left on
# the machine; the last checks prove it. Every wait has a deadline. Prints `N passed, M failed`.
set -uo pipefail

ROOT=$(cd "$(dirname "$0")/.." && pwd)
SKIP_BUILD=${LAUREL_SKIP_BUILD:-0}
BIN_DIR=$ROOT/.build/release
EXPOSURE_THRESHOLD=${LAUREL_EXPOSURE_THRESHOLD:-5}   # tenths: fail above 0.5
while [ $# -gt 0 ]; do
    case $1 in
        --skip-build) SKIP_BUILD=1 ;;
        --bin-dir) BIN_DIR=$2; SKIP_BUILD=1; shift ;;
        --stub) BIN_DIR=$ROOT/.ci/stub; SKIP_BUILD=1 ;;
        *) echo "usage: $0 [--skip-build] [--bin-dir DIR] [--stub]" >&2; exit 2 ;;
    esac
    shift
done
[ "$(id -u)" = 0 ] || { echo "$0: must run as root (it boots systemd in a namespace)" >&2; exit 2; }

PASSED=0 FAILED=0
pass() { PASSED=$((PASSED + 1)); echo "ok   - $1"; }
fail() { FAILED=$((FAILED + 1)); echo "FAIL - $1"; [ -n "${2:-}" ] && printf '%s\n' "$2" | sed 's/^/       /'; }
# check NAME COMMAND…: passes when COMMAND exits 0; shows its output when it fails.
check() {
    local name=$1 out; shift
    if out=$("$@" 2>&1); then pass "$name"; else fail "$name" "$out"; fi
}

UNSHARE_PID= PID1=
# ns COMMAND…: run inside the namespace with a hard timeout (NS_TIMEOUT seconds, default 30).
ns() { timeout --kill-after=5 "${NS_TIMEOUT:-30}" nsenter -t "$PID1" -p -m "$@"; }
# wait_for SECONDS DESCRIPTION COMMAND…: polls COMMAND until it succeeds or the deadline passes.
wait_for() {
    local deadline=$((SECONDS + $1)) name=$2; shift 2
    until "$@" >/dev/null 2>&1; do
        if [ $SECONDS -ge $deadline ]; then return 1; fi
        sleep 0.2
    done
}

cleanup() {
    if [ -n "$PID1" ] && kill -0 "$PID1" 2>/dev/null; then
        timeout 10 nsenter -t "$PID1" -p -m systemctl poweroff --no-block >/dev/null 2>&1
        local deadline=$((SECONDS + 20))
        while kill -0 "$UNSHARE_PID" 2>/dev/null && [ $SECONDS -lt $deadline ]; do sleep 0.2; done
        # Killing PID 1 of a PID namespace ends every process in it.
        kill -0 "$PID1" 2>/dev/null && kill -KILL "$PID1" 2>/dev/null
    fi
    if [ -n "$UNSHARE_PID" ]; then
        kill -0 "$UNSHARE_PID" 2>/dev/null && kill -KILL "$UNSHARE_PID" 2>/dev/null
        wait "$UNSHARE_PID" 2>/dev/null
    fi
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# --- Build (unless told the binaries exist) -------------------------------------------------
if [ "$SKIP_BUILD" != 1 ]; then
    make -C "$ROOT" build || { echo "build failed"; echo "0 passed, 1 failed"; exit 1; }
fi
for b in laureld laurelctl laurel-bench; do
    [ -x "$BIN_DIR/$b" ] || { echo "missing $BIN_DIR/$b (build first, or use --stub)"; echo "0 passed, 1 failed"; exit 1; }
done

# --- Boot -----------------------------------------------------------------------------------
# /tmp and /run first, always. Then the private copy of /etc, then tmpfs over what install,
# sysusers, tmpfiles, PrivateTmp= and journald would otherwise write on the machine.
unshare --pid --fork --mount --mount-proc sh -c '
    set -e
    mount -t tmpfs tmpfs /tmp
    mount -t tmpfs tmpfs /run
    mkdir /run/lrl-etc
    cp -a /etc/. /run/lrl-etc/
    mount --bind /run/lrl-etc /etc
    for d in /usr/local /var/lib /var/spool /var/log /var/tmp; do mount -t tmpfs tmpfs "$d"; done
    exec /lib/systemd/systemd --system --log-target=null
' </dev/null >/dev/null 2>&1 &
UNSHARE_PID=$!

deadline=$((SECONDS + 10))
until PID1=$(cat /proc/$UNSHARE_PID/task/$UNSHARE_PID/children 2>/dev/null | awk '{print $1}') && [ -n "$PID1" ] \
      && [ "$(cat /proc/$PID1/comm 2>/dev/null)" = systemd ]; do
    PID1=
    [ $SECONDS -ge $deadline ] && break
    kill -0 "$UNSHARE_PID" 2>/dev/null || break
    sleep 0.1
done
if [ -z "$PID1" ]; then fail "systemd started as PID 1 of the namespace"; echo "$PASSED passed, $FAILED failed"; exit 1; fi
pass "systemd started as PID 1 of the namespace (host pid $PID1)"

running() { local s; s=$(ns systemctl is-system-running 2>/dev/null); [ "$s" = running ] || [ "$s" = degraded ]; }
if wait_for 60 "boot" running; then
    pass "system reached running|degraded ($(ns systemctl is-system-running 2>/dev/null))"
else
    fail "system reached running|degraded" "$(ns systemctl is-system-running 2>&1; ns systemctl --failed --no-pager 2>&1)"
    echo "$PASSED passed, $FAILED failed"; exit 1
fi

# --- Install --------------------------------------------------------------------------------
# The checkout may itself live under /tmp (hidden in the namespace by its private /tmp), so the
# files `make install` needs and the binaries are copied in through a pipe first.
STAGE=/run/lrl-src
stage() {
    tar -C "$ROOT" -cf - Makefile systemd Config docs/SYSTEMD.md | ns sh -c "mkdir -p $STAGE && tar -C $STAGE -xf -" &&
    tar -C "$BIN_DIR" -cf - laureld laurelctl laurel-bench | ns sh -c "mkdir -p $STAGE/bin && tar -C $STAGE/bin -xf -"
}
check "the build is staged into the namespace" stage
check "make install (SKIP_BUILD) into the namespace" \
    ns make -C "$STAGE" install SKIP_BUILD=1 BUILD_BIN="$STAGE/bin"
check "make install twice keeps the existing config" \
    ns sh -c "echo '# edited' >> /etc/laurel/laureld.toml && make -C '$STAGE' install SKIP_BUILD=1 BUILD_BIN='$STAGE/bin' && tail -1 /etc/laurel/laureld.toml | grep -qx '# edited'"
check "units pass systemd-analyze verify with no output" \
    ns sh -c 'out=$(systemd-analyze verify --man=no /usr/local/lib/systemd/system/laureld.socket /usr/local/lib/systemd/system/laureld.service 2>&1); [ -z "$out" ] || { echo "$out"; exit 1; }'
check "systemd-sysusers creates laurel and laurel-submit" \
    ns sh -c 'systemd-sysusers && getent passwd laurel && getent group laurel-submit | grep -q laurel'
# A submitter to drop files as: a member of laurel-submit only.
check "a submitter account in laurel-submit" \
    ns sh -c 'mkdir -p /run/sysusers.d && printf "u lrl-submitter -\nm lrl-submitter laurel-submit\n" > /run/sysusers.d/lrl-test.conf && systemd-sysusers && id -nG lrl-submitter | grep -qw laurel-submit'
check "systemd-tmpfiles creates the spool with maildrop modes" \
    ns sh -c 'systemd-tmpfiles --create && [ "$(stat -c %a:%U:%G /var/spool/laurel/new)" = 3730:laurel:laurel-submit ] && [ "$(stat -c %a /var/spool/laurel/rejected)" = 700 ]'
check "daemon-reload" ns systemctl daemon-reload
check "laureld.socket starts" ns systemctl start laureld.socket
check "the socket is srw-rw---- root:laurel" \
    ns sh -c '[ "$(stat -c %A:%U:%G /run/laurel/laureld.sock)" = srw-rw----:root:laurel ]'
check "laureld.service is not running before the first connection" \
    sh -c "! timeout 10 nsenter -t $PID1 -p -m systemctl is-active --quiet laureld.service"

# --- Queries through the socket (the first one activates the service) ----------------------
CTL="env LAUREL_SOCKET=/run/laurel/laureld.sock /usr/local/bin/laurelctl"
check "laurelctl ping (activates laureld.service)" ns $CTL ping
check "laureld.service is active" ns systemctl is-active --quiet laureld.service
check "laurelctl stats --json prints JSON" \
    ns sh -c "$CTL stats --json | python3 -c 'import json,sys; json.load(sys.stdin)'"
check "the daemon runs as laurel, not root" \
    ns sh -c '[ "$(ps -o user= -p "$(systemctl show -P MainPID laureld.service)")" = laurel ]'

# --- A drop through tmp/ → new/ as a member of laurel-submit, then searchable --------------
TOKEN="Lrltest$RANDOM$RANDOM"
DROP="lrl-$TOKEN.json"
check "the submitter cannot list new/" \
    ns sh -c 'runuser -u lrl-submitter -- ls /var/spool/laurel/new 2>&1 | grep -q "Permission denied"'
check "the submitter drops a file via tmp/ and rename into new/" \
    ns runuser -u lrl-submitter -- sh -c "umask 027 && printf '%s\n' '{\"award\":\"Laurel CI\",\"nominee\":\"$TOKEN Team\",\"kind\":\"team\",\"cycle\":\"2026\",\"citation\":\"Kept the $TOKEN lights on.\"}' > /var/spool/laurel/tmp/$DROP && mv /var/spool/laurel/tmp/$DROP /var/spool/laurel/new/$DROP"
searchable() { ns sh -c "$CTL search '$TOKEN' --json | grep -q '$TOKEN'"; }
if wait_for 30 "search" searchable; then pass "the dropped file becomes searchable"; else
    fail "the dropped file becomes searchable" "$(ns $CTL search "$TOKEN" --json 2>&1; ns ls -lR /var/spool/laurel 2>&1)"; fi

# --- Reload, stop, journal ------------------------------------------------------------------
check "systemctl reload laureld succeeds" ns systemctl reload laureld.service
check "laureld.service is still active after reload" ns systemctl is-active --quiet laureld.service
check "systemctl stop laureld" ns systemctl stop laureld.service
check "laureld.socket stays listening after the service stops" \
    ns sh -c 'systemctl is-active --quiet laureld.socket && [ -S /run/laurel/laureld.sock ]'
check "the journal holds PRIORITY, MESSAGE, CODE_FILE and LAUREL_FILE from laureld" \
    ns sh -c "journalctl -u laureld.service -o json --no-pager | python3 -c '
import json, sys
entries = [json.loads(l) for l in sys.stdin if l.strip()]
ok = [e for e in entries if all(k in e for k in (\"PRIORITY\", \"MESSAGE\", \"CODE_FILE\", \"LAUREL_FILE\"))]
mine = [e for e in ok if \"$TOKEN\" in e[\"LAUREL_FILE\"]]
print(len(entries), \"entries,\", len(ok), \"structured,\", len(mine), \"about the dropped file\")
sys.exit(0 if mine else 1)'"
check "systemd-analyze security exposure ≤ 0.$EXPOSURE_THRESHOLD" \
    ns systemd-analyze security --offline=yes --threshold="$EXPOSURE_THRESHOLD" /usr/local/lib/systemd/system/laureld.service
echo "     $(ns systemd-analyze security --offline=yes /usr/local/lib/systemd/system/laureld.service 2>/dev/null | tail -1)"
check "a second query re-activates the service through the kept socket" ns $CTL ping
check "make uninstall removes the binaries and units" \
    ns sh -c "systemctl stop laureld.service laureld.socket && make -C '$STAGE' uninstall && [ ! -e /usr/local/bin/laureld ] && [ ! -e /usr/local/lib/systemd/system/laureld.service ]"

# --- Power off, then prove nothing reached the machine --------------------------------------
ns systemctl poweroff --no-block >/dev/null 2>&1
if wait_for 30 "poweroff" sh -c "! kill -0 $UNSHARE_PID"; then pass "the namespace powered off"; else fail "the namespace powered off"; fi
cleanup; PID1= UNSHARE_PID=
check "the machine's /etc/passwd has no laurel user" sh -c '! grep -q "^laurel:" /etc/passwd'
check "nothing installed on the machine" \
    sh -c '[ ! -e /usr/local/bin/laureld ] && [ ! -e /usr/local/lib/systemd/system/laureld.service ] && [ ! -e /etc/laurel ] && [ ! -e /var/spool/laurel ] && [ ! -e /var/lib/laurel ]'

echo "$PASSED passed, $FAILED failed"
[ "$FAILED" = 0 ]
