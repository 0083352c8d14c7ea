#!/usr/bin/env bash
# Throughput and peak memory of wxr on generated exports (not a test).
#
#   bench/run.sh [SIZE_MB...]        default: 100 1000
#   bench/run.sh hostile             only the hostile inputs
#
# Generates deterministic realistic exports with ../shared/tools/gen_wxr.py
# (cached in target/bench-data), builds the release binary, and runs each
# (JSON Lines, JSON, info, SQL scripts, an SQLite database, a Hugo site)
# command three times with /usr/bin/time, printing the median wall time,
# MB/s (10^6 bytes per second of input) and the peak RSS. Then the same for
# small hostile inputs that once took quadratic time, generated here.
set -euo pipefail
cd "$(dirname "$0")/.."
sizes=("$@")
[ ${#sizes[@]} -gt 0 ] || sizes=(100 1000)
[ "${sizes[*]}" != hostile ] || sizes=()
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

for mb in ${sizes[@]+"${sizes[@]}"}; do
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

# Hostile inputs: each once took quadratic time, or memory per item (the
# peak RSS of the many-items cases). They are timed here; the tests check
# only what each fix changed in the output.
hostile() { # case: writes (once) and names $data/hostile-CASE.xml
    local f=$data/hostile-$1.xml
    [ -f "$f" ] || python3 - "$1" "$f" <<'PY'
import sys
case, path = sys.argv[1], sys.argv[2]
wp = 'xmlns:wp="http://wordpress.org/export/1.2/"'
decls, body = "", ""
if case == "undeclared-prefixes":
    # 200,000 distinct prefixes no one declared, in one item.
    body = "<item><wp:post_id>1</wp:post_id>" + "".join("<p%d:x/>" % i for i in range(200000)) + "</item>"
elif case == "same-slug":
    # 30,000 published posts with one slug.
    body = "".join(
        "<item><title>Same</title><link>http://blog.example/same/</link><wp:post_id>%d</wp:post_id>"
        "<wp:post_date>2020-01-01 00:00:00</wp:post_date><wp:post_name>same</wp:post_name>"
        "<wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>\n" % i
        for i in range(1, 30001))
elif case == "many-attachments":
    # One post and 30,000 attachments uploaded to it.
    body = ("<item><title>Post</title><link>http://blog.example/post/</link><wp:post_id>1</wp:post_id>"
        "<wp:post_name>post</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type></item>\n")
    body += "".join(
        "<item><title>a%d</title><link>http://blog.example/post/a%d/</link><wp:post_id>%d</wp:post_id>"
        "<wp:post_name>a%d</wp:post_name><wp:status>inherit</wp:status><wp:post_parent>1</wp:post_parent>"
        "<wp:post_type>attachment</wp:post_type>"
        "<wp:attachment_url>http://blog.example/wp-content/uploads/a%d.jpg</wp:attachment_url></item>\n"
        % (i, i, i, i, i)
        for i in range(2, 30002))
elif case in ("many-items", "many-items-sparse"):
    # 2,500,000 minimal items, numbered 1, 2, 3… or scattered over 2^62.
    step = 1 if case == "many-items" else 1000003
    body = "".join(
        "<item><title>t%d</title><wp:post_id>%d</wp:post_id><wp:post_type>post</wp:post_type>"
        "<wp:status>publish</wp:status></item>\n" % (i, i * step % 2**62)
        for i in range(1, 2500001))
elif case == "declared-prefixes":
    # 100,000 declarations in scope, and 100,000 elements to resolve.
    decls = "".join(' xmlns:q%d="urn:q:%d"' % (i, i) for i in range(100000))
    body = "<item><wp:post_id>1</wp:post_id>" + "<wp:x/>" * 100000 + "</item>"
with open(path, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" %s%s><channel>' % (wp, decls))
    f.write("<wp:wxr_version>1.2</wp:wxr_version>\n%s\n</channel></rss>\n" % body)
PY
    echo "$f"
}
f=$(hostile undeclared-prefixes)
measure "info: 200k undeclared prefixes" "$f" info "$f" -q
f=$(hostile declared-prefixes)
measure "info: 100k declared prefixes in scope" "$f" info "$f" -q
site_dir=$data/site
[ ! -d /dev/shm ] || [ ! -w /dev/shm ] || site_dir=/dev/shm/wxr-bench-site
for c in same-slug many-attachments; do
    f=$(hostile $c)
    site=$site_dir measure "convert --format markdown: $c" "$f" convert "$f" --format markdown -o "$site_dir" -q
    rm -rf "$site_dir"
done
for c in many-items many-items-sparse; do
    f=$(hostile $c)
    measure "info: $c" "$f" info "$f" -q
    measure "convert --format jsonl: $c" "$f" convert "$f" --format jsonl -q
done
# `check` of a source page of 1 MiB of nested <div>s (the body limit),
# served from 127.0.0.1 by Python; the link back is at the bottom.
port=${WXR_BENCH_PORT:-18766}
pages=$data/hostile-pages
mkdir -p "$pages"
f=$data/hostile-deep-page-$port.xml
python3 - "$pages/deep.html" "$f" "$port" <<'PY'
import sys
page, export, port = sys.argv[1], sys.argv[2], sys.argv[3]
link = '<a href="http://blog.example/deep/">the post</a>'
head = "<!DOCTYPE html><html><head><title>Deep</title></head><body>"
with open(page, "w") as p:
    p.write(head + "<div>" * ((2**20 - len(head) - len(link)) // 5) + link)
with open(export, "w") as x:
    x.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:wp="http://wordpress.org/export/1.2/">'
        "<channel><link>http://blog.example</link><wp:wxr_version>1.2</wp:wxr_version>"
        "<wp:base_site_url>http://blog.example</wp:base_site_url>\n"
        "<item><title>Deep</title><link>http://blog.example/deep/</link><wp:post_id>1</wp:post_id>"
        "<wp:post_name>deep</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>"
        "<wp:comment><wp:comment_id>1</wp:comment_id><wp:comment_author_url>http://127.0.0.1:%s/deep.html"
        "</wp:comment_author_url><wp:comment_approved>1</wp:comment_approved>"
        "<wp:comment_type>pingback</wp:comment_type></wp:comment></item>\n</channel></rss>\n" % port)
PY
python3 -m http.server --bind 127.0.0.1 --directory "$pages" "$port" >/dev/null 2>&1 &
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
python3 - "$port" <<'PY'
import socket, sys, time
for _ in range(100):
    try:
        socket.create_connection(("127.0.0.1", int(sys.argv[1])), 0.1).close()
        break
    except OSError:
        time.sleep(0.05)
PY
measure "check: a page of 1 MiB of nested divs" "$pages/deep.html" \
    check "$f" --allow-private --host-interval 0 --retries 0 --fail-on never --format json -q
