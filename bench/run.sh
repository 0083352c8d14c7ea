#!/usr/bin/env bash
# Throughput and peak memory of wxr on generated exports (not a test).
#
#   bench/run.sh [SIZE_MB...]        default: 100 1000
#
# Generates deterministic realistic exports with ../shared/tools/gen_wxr.py
# (cached in target/bench-data), builds the release binary, and runs each
# (JSON Lines, JSON, info, SQL scripts, an SQLite database, a Hugo site)
# command three times with /usr/bin/time, printing the median wall time,
# MB/s (10^6 bytes per second of input) and the peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000)
gen=../shared/tools/gen_wxr.py
data=target/bench-data
mkdir -p "$data"
# WXR_BIN=path measures that binary instead of building one.
bin=${WXR_BIN:-target/release/wxr}
[ -n "${WXR_BIN:-}" ] || cargo build --release --quiet
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }

measure() { # label input args...
    local label=$1 input=$2; shift 2
    local bytes runs=() rss=()
    bytes=$(stat -c %s "$input")
    for _ in 1 2 3; do
        local out
        [ -z "${site:-}" ] || rm -rf "$site"
        /usr/bin/time -f "%e %M" -o "$data/time.txt" "$bin" "$@" >/dev/null 2>&1
        out=$(tail -1 "$data/time.txt")
        runs+=("${out% *}")
        rss+=("${out#* }")
    done
    local median peak
    median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)
    peak=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
    awk -v l="$label" -v b="$bytes" -v t="$median" -v r="$peak" \
        'BEGIN { printf "%-40s %8.1f MB  %6.2f s  %7.1f MB/s  peak RSS %6.1f MB\n", l, b/1e6, t, b/1e6/t, r/1024 }'
}

for mb in "${sizes[@]}"; do
    f="$data/gen-${mb}mb.xml"
    [ -f "$f" ] || python3 "$gen" --target-mb "$mb" -o "$f" --quiet
    measure "convert --format jsonl" "$f" convert "$f" --format jsonl -q
    measure "convert --format json" "$f" convert "$f" --format json -q
    measure "info" "$f" info "$f" -q
    for d in sqlite postgres mysql; do
        measure "convert --format sql --dialect $d" "$f" convert "$f" --format sql --dialect "$d" -q
    done
    # The database is written to the disk (a temporary file, then renamed).
    site=$data/blog.db measure "convert --format sqlite" "$f" convert "$f" --format sqlite -o "$data/blog.db" -q
    rm -f "$data/blog.db"
    # The site goes to memory (/dev/shm) when it can, to time wxr rather
    # than the disk; a second line writes it to this disk.
    if [ -d /dev/shm ] && [ -w /dev/shm ]; then
        site=/dev/shm/wxr-bench-site measure "convert --format markdown (tmpfs)" "$f" \
            convert "$f" --format markdown -o /dev/shm/wxr-bench-site -q
        rm -rf /dev/shm/wxr-bench-site
    fi
    site=$data/site measure "convert --format markdown (disk)" "$f" convert "$f" --format markdown -o "$data/site" -q
    rm -rf "$data/site"
done
