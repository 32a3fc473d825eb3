#!/usr/bin/env python3
"""Small measuring helpers for Benchmarks/run.sh (standard library only).

  ready    SOCK_DIR LOGFILE -- laureld ARGS...   start laureld with a fake $NOTIFY_SOCKET; print "PID MS"
                                                  (MS = start to READY=1) and leave the daemon running
  drop     SOCKET SPOOL N                          drop-to-searchable latency of N lone files; print ms values
  rss      PID                                     print "VmRSS_kB VmHWM_kB"
  sqlite   DB N TERM=EXPR...                       time the daemon's FTS queries straight on a database copy
  redis    CSVFILE                                 print requests/s from redis-benchmark --csv output
  field    KEY                                     read a JSON object on stdin and print one key
"""
import json, os, socket, sqlite3, statistics, subprocess, sys, time


def ready(args):
    sock_dir, logfile = args[0], args[1]
    cmd = args[args.index("--") + 1:]
    path = os.path.join(sock_dir, "notify.sock")
    if os.path.exists(path):
        os.unlink(path)
    listener = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
    listener.bind(path)
    env = dict(os.environ, NOTIFY_SOCKET=path, LAUREL_LOG_LEVEL="warning")
    env.pop("LISTEN_FDS", None)
    log = open(logfile, "ab")
    started = time.monotonic()
    proc = subprocess.Popen(cmd, env=env, stdout=log, stderr=log, start_new_session=True)
    listener.settimeout(0.2)
    deadline = started + 600
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            sys.exit(f"laureld exited with {proc.returncode} before READY=1 (see {logfile})")
        try:
            data = listener.recv(4096)
        except socket.timeout:
            continue
        if b"READY=1" in data.split(b"\n") or data.startswith(b"READY=1"):
            print(proc.pid, round((time.monotonic() - started) * 1000, 1))
            return
    proc.kill()
    sys.exit("laureld did not send READY=1 within 600 s")


def request(sock, line):
    """Send one request line and read the whole reply; return its final line."""
    sock.sendall(line.encode() + b"\n")
    buf = b""
    while True:
        while b"\n" in buf:
            l, buf = buf.split(b"\n", 1)
            if l.startswith(b"OK ") or l.startswith(b"ERR "):
                return l.decode()
        chunk = sock.recv(65536)
        if not chunk:
            raise RuntimeError("connection closed")
        buf += chunk


def drop(args):
    sock_path, spool, n = args[0], args[1], int(args[2])
    s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    s.connect(sock_path)
    results = []
    for i in range(n):
        term = f"lonedrop{os.getpid()}x{i}"
        body = f"Award: 最美社區團隊\nNominee: 李{i}號 {term}\nCycle: 2026\n\n{term} 志願者堅守一線，為社區居民配送物資。\n"
        tmp = os.path.join(spool, "tmp", term + ".nom")
        with open(tmp, "w") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        t0 = time.monotonic()
        os.rename(tmp, os.path.join(spool, "new", term + ".nom"))
        while True:
            final = request(s, f"SEARCH {term} limit=1")
            if final.startswith("OK total=") and not final.startswith("OK total=0"):
                break
            if time.monotonic() - t0 > 30:
                sys.exit(f"{term} not searchable after 30 s")
            time.sleep(0.0005)
        results.append((time.monotonic() - t0) * 1000)
        time.sleep(0.05)  # a lone file: let the daemon go idle between drops
    print(" ".join(f"{r:.1f}" for r in results))


def rss(args):
    fields = {}
    with open(f"/proc/{args[0]}/status") as f:
        for line in f:
            k, _, v = line.partition(":")
            fields[k] = v.split()[0] if v.split() else "0"
    print(fields.get("VmRSS", "0"), fields.get("VmHWM", "0"))


def sqlite_queries(args):
    """Times what LaurelStore's search runs (docs/STORAGE.md), straight on a copy of the database:
    total (count of the match, stopped at the cap of 1,000 as the store does), tier 1 (nominee_fts:
    newest 200 matches with bm25) and tier 2 (entry_fts newest first joined to entry, LIMIT 20).
    Prints TERM, median ms of that whole search, median ms of an exact (uncapped) count, which the
    store used to run, and the exact count."""
    db, runs = args[0], int(args[1])
    conn = sqlite3.connect(f"file:{db}?mode=ro", uri=True)
    for spec in args[2:]:
        term, _, expr = spec.partition("=")
        whole, counting = [], []
        for _ in range(runs):
            t0 = time.perf_counter()
            count = conn.execute("SELECT count(*) FROM entry_fts WHERE entry_fts MATCH ?", (expr,)).fetchone()[0]
            t1 = time.perf_counter()
            conn.execute("SELECT count(*) FROM (SELECT 1 FROM entry_fts WHERE entry_fts MATCH ? LIMIT 1001)", (expr,)).fetchone()
            conn.execute("SELECT nominee_fts.rowid, bm25(nominee_fts) FROM nominee_fts WHERE nominee_fts MATCH ? "
                         "ORDER BY nominee_fts.rowid DESC LIMIT 200", (expr,)).fetchall()
            conn.execute("SELECT e.* FROM entry_fts CROSS JOIN entry e ON e.seq = entry_fts.rowid "
                         "WHERE entry_fts MATCH ? ORDER BY entry_fts.rowid DESC LIMIT 20", (expr,)).fetchall()
            t2 = time.perf_counter()
            whole.append((t2 - t1) * 1000)
            counting.append((t1 - t0) * 1000)
        print(f"{term}\t{statistics.median(whole):.2f}\t{statistics.median(counting):.2f}\t{count}")


def redis_csv(args):
    with open(args[0]) as f:
        rows = [l.strip().split('","') for l in f if l.strip()]
    header = [h.strip('"') for h in rows[0]]
    values = [v.strip('"') for v in rows[-1]]
    d = dict(zip(header, values))
    print(d.get("rps"), d.get("p50_latency_ms", ""), d.get("p99_latency_ms", ""))


def field(args):
    obj = json.load(sys.stdin)
    for key in args:
        obj = obj[key] if not isinstance(obj, list) else obj[int(key)]
    print(obj)


if __name__ == "__main__":
    {"ready": ready, "drop": drop, "rss": rss, "sqlite": sqlite_queries, "redis": redis_csv, "field": field}[
        sys.argv[1]](sys.argv[2:])
