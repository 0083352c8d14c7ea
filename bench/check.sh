#!/usr/bin/env bash
# Throughput and peak memory of `wxr check` on the network (not a test).
#
#   bench/check.sh [PINGS] [SOURCES] [HOSTS]      default: 10000 2000 20
#
# Writes an export of PINGS pingbacks from SOURCES source pages (each source
# pings PINGS/SOURCES posts), serves the source pages from HOSTS loopback
# addresses (127.0.0.1 … 127.0.0.HOSTS, one threaded Python server each; a
# third of the pages link back, a third do not, a third answer 404), and
# runs `wxr check --allow-private --host-interval 0` three times with
# /usr/bin/time: median wall time, MB/s of export, sources/s, peak RSS.
set -euo pipefail
cd "$(dirname "$0")/.."
pings=${1:-10000}
sources=${2:-2000}
hosts=${3:-20}
port=${WXR_BENCH_PORT:-18765}
data=target/bench-data
mkdir -p "$data"
bin=${WXR_BIN:-target/release/wxr}
[ -n "${WXR_BIN:-}" ] || cargo build --release --quiet
[ -x /usr/bin/time ] || { echo "needs /usr/bin/time (apt-get install time)" >&2; exit 1; }
export_file="$data/check-$pings-$sources.xml"

python3 - "$pings" "$sources" "$hosts" "$port" "$export_file" <<'EOF'
import sys
pings, sources, hosts, port, out = int(sys.argv[1]), int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]), sys.argv[5]
per = pings // sources
posts = max(per, pings // per // 5 or 1)
with open(out, "w") as f:
    f.write('<?xml version="1.0" encoding="UTF-8"?>\n<rss version="2.0" xmlns:content="http://purl.org/rss/1.0/modules/content/" '
            'xmlns:excerpt="http://wordpress.org/export/1.2/excerpt/" xmlns:dc="http://purl.org/dc/elements/1.1/" '
            'xmlns:wp="http://wordpress.org/export/1.2/">\n<channel>\n<title>Bench</title><link>http://bench-blog.net</link>\n'
            '<wp:wxr_version>1.2</wp:wxr_version><wp:base_site_url>http://bench-blog.net</wp:base_site_url>'
            '<wp:base_blog_url>http://bench-blog.net</wp:base_blog_url>\n')
    by_post = {}
    for s in range(sources):
        for k in range(per):
            by_post.setdefault((s * per + k) % posts, []).append(s)
    cid = 1
    for p in range(posts):
        f.write(f'<item><title>Post {p}</title><link>http://bench-blog.net/{p}/post-{p}/</link>'
                f'<content:encoded><![CDATA[<p>{"Body text. " * 200}</p>]]></content:encoded><excerpt:encoded></excerpt:encoded>'
                f'<wp:post_id>{p + 1}</wp:post_id><wp:post_date>2010-01-01 10:00:00</wp:post_date>'
                f'<wp:post_name>post-{p}</wp:post_name><wp:status>publish</wp:status><wp:post_type>post</wp:post_type>\n')
        for s in by_post.get(p, []):
            host = f"127.0.0.{s % hosts + 1}:{port}"
            f.write(f'<wp:comment><wp:comment_id>{cid}</wp:comment_id><wp:comment_author>Source {s}</wp:comment_author>'
                    f'<wp:comment_author_url>http://{host}/s/{s}</wp:comment_author_url>'
                    f'<wp:comment_content>[...] post {p} [...]</wp:comment_content><wp:comment_approved>1</wp:comment_approved>'
                    f'<wp:comment_type>pingback</wp:comment_type><wp:comment_parent>0</wp:comment_parent></wp:comment>\n')
            cid += 1
        f.write('</item>\n')
    f.write('</channel></rss>\n')
EOF

python3 - "$pings" "$sources" "$hosts" "$port" 2>/dev/null <<'EOF' &
import sys, threading
from http.server import ThreadingHTTPServer, BaseHTTPRequestHandler
pings, sources, hosts, port = (int(a) for a in sys.argv[1:5])
per = pings // sources
posts = max(per, pings // per // 5 or 1)
class H(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    def log_message(self, *a): pass
    def do_GET(self):
        s = int(self.path.rsplit("/", 1)[-1]) if self.path.startswith("/s/") else -1
        if s < 0 or s % 3 == 2:
            body, status = b"<html><body>not found</body></html>", 404
        else:
            links = "" if s % 3 == 1 else "".join(
                f'<a href="http://bench-blog.net/{(s * per + k) % posts}/post-{(s * per + k) % posts}/">x</a>' for k in range(per))
            body, status = f"<html><head><title>Source {s}</title></head><body><p>{'Words. ' * 300}</p>{links}</body></html>".encode(), 200
        self.send_response(status)
        self.send_header("Content-Type", "text/html; charset=utf-8")
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        self.wfile.write(body)
servers = [ThreadingHTTPServer((f"127.0.0.{h + 1}", port), H) for h in range(hosts)]
for srv in servers:
    threading.Thread(target=srv.serve_forever, daemon=True).start()
threading.Event().wait()
EOF
server=$!
trap 'kill $server 2>/dev/null || true' EXIT
sleep 1

bytes=$(stat -c %s "$export_file")
runs=() rss=()
for _ in 1 2 3; do
    /usr/bin/time -f "%e %M" -o "$data/time.txt" "$bin" check "$export_file" --allow-private --host-interval 0 \
        --retries 0 --format json -o "$data/check-report.json" -q || [ $? -eq 1 ]
    out=$(tail -1 "$data/time.txt")
    runs+=("${out% *}")
    rss+=("${out#* }")
done
median=$(printf '%s\n' "${runs[@]}" | sort -n | sed -n 2p)
peak=$(printf '%s\n' "${rss[@]}" | sort -n | tail -1)
python3 - "$data/check-report.json" <<'EOF'
import json, sys
s = json.load(open(sys.argv[1]))["summary"]
print(f"pings {s['pings']} · sources {s['sources_unique']} on {s['hosts_unique']} hosts · fetched {s['fetched']} · "
      f"errors {s['findings']['error']} · by code {s['by_code']}")
EOF
awk -v b="$bytes" -v t="$median" -v r="$peak" -v n="$sources" \
    'BEGIN { printf "wxr check: %.1f MB export, %.2f s median, %.1f MB/s, %.0f sources/s, peak RSS %.1f MB\n", b/1e6, t, b/1e6/t, n/t, r/1024 }'
