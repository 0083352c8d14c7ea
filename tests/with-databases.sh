#!/usr/bin/env bash
# Runs a command (by default `cargo test`) with throwaway PostgreSQL and
# MariaDB servers: fresh data directories in a temporary directory, on
# 127.0.0.1 only, stopped and deleted when the command ends. The tests find
# them through WXR_TEST_POSTGRES_URL and WXR_TEST_MYSQL_URL.
#
#   tests/with-databases.sh                 cargo test, SQL tests included
#   tests/with-databases.sh cargo test sql  only the SQL tests
#
# Needs the server packages (Debian: postgresql mariadb-server); nothing
# runs as a system service. As root, PostgreSQL runs as the `postgres` user.
set -euo pipefail
[ $# -gt 0 ] || set -- cargo test

PGBIN=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1 || true)
if [ -z "$PGBIN" ] && command -v pg_ctl >/dev/null; then PGBIN=$(dirname "$(command -v pg_ctl)"); fi
for need in "$PGBIN/initdb" "$PGBIN/pg_ctl"; do
    [ -x "$need" ] || { echo "with-databases: PostgreSQL server binaries not found (install postgresql)" >&2; exit 1; }
done
for need in mariadb-install-db mariadbd mariadb mariadb-admin psql; do
    command -v "$need" >/dev/null || { echo "with-databases: $need not found (install postgresql and mariadb-server)" >&2; exit 1; }
done

BASE=$(mktemp -d "${TMPDIR:-/tmp}/wxr-db.XXXXXX")
chmod 755 "$BASE"
PGPORT=${WXR_PGPORT:-54329}
MYPORT=${WXR_MYPORT:-33069}
as_pg=()
if [ "$(id -u)" = 0 ]; then as_pg=(runuser -u postgres --); fi

stop() {
    "${as_pg[@]}" "$PGBIN/pg_ctl" -D "$BASE/pg/data" -m immediate stop >/dev/null 2>&1 || true
    mariadb-admin --no-defaults --socket="$BASE/my/sock" -uroot shutdown >/dev/null 2>&1 || true
    wait 2>/dev/null || true
    rm -rf "$BASE"
}
trap stop EXIT

mkdir -p "$BASE/pg" "$BASE/pgsock" "$BASE/my"
if [ "$(id -u)" = 0 ]; then chown postgres "$BASE/pg" "$BASE/pgsock"; fi
"${as_pg[@]}" "$PGBIN/initdb" -D "$BASE/pg/data" -U postgres -A trust --no-sync -E UTF8 --locale=C.UTF-8 >/dev/null
"${as_pg[@]}" "$PGBIN/pg_ctl" -D "$BASE/pg/data" -l "$BASE/pg/log" -w -o \
    "-c listen_addresses=127.0.0.1 -p $PGPORT -k $BASE/pgsock -c fsync=off -c synchronous_commit=off -c full_page_writes=off" \
    start >/dev/null

my_user=()
if [ "$(id -u)" = 0 ]; then my_user=(--user=root); fi
mariadb-install-db --no-defaults "${my_user[@]}" --datadir="$BASE/my/data" \
    --auth-root-authentication-method=normal --skip-test-db >/dev/null
mariadbd --no-defaults "${my_user[@]}" --datadir="$BASE/my/data" --socket="$BASE/my/sock" --port="$MYPORT" \
    --bind-address=127.0.0.1 --pid-file="$BASE/my/pid" --log-error="$BASE/my/err.log" --skip-log-bin \
    --innodb-flush-log-at-trx-commit=0 2>>"$BASE/my/err.log" &
for _ in $(seq 1 100); do
    mariadb-admin --no-defaults --socket="$BASE/my/sock" -uroot ping >/dev/null 2>&1 && break
    sleep 0.1
done
mariadb-admin --no-defaults --socket="$BASE/my/sock" -uroot ping >/dev/null \
    || { echo "with-databases: MariaDB did not start:" >&2; cat "$BASE/my/err.log" >&2; exit 1; }

export WXR_TEST_POSTGRES_URL="postgres://postgres@127.0.0.1:$PGPORT/postgres"
export WXR_TEST_MYSQL_URL="mysql://root@127.0.0.1:$MYPORT/"
"$@"
