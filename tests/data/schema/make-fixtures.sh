#!/bin/sh
# Regenerates the migration fixtures tests/data/schema/vN.db: for every schema
# version N from 1 to latest-1 (latest = the number of edge/store/sql/NNNN_*.sql
# files), a real database at exactly version N with rows in its tables, as a
# node of that release would have left it. edge/store/unit/migration_test.cc
# opens each with Store::Open and checks that the rows survive the migrations.
#
# vN.db is built the way a node's life builds it: migration 1, then the rows
# of seed-v1.sql, migration 2, seed-v2.sql, ... up to N; later migrations
# carry the earlier rows forward. A version without a seed-vK.sql adds no
# rows (the rows of earlier seeds still go through its migration); give a new
# migration a seed-vK.sql with rows for the tables it creates. Each migration
# runs in one transaction with foreign keys off, as Store::Migrate runs it.
# Then application_id and user_version are set as Store::Migrate sets them,
# and the file is VACUUMed (rollback journal, 512-byte pages: small files).
#
# Usage: tests/data/schema/make-fixtures.sh [--upto N] [--out DIR]
#   --upto N   build v1..vN (default: latest-1, what the test requires)
#   --out DIR  write there instead of beside this script
# Needs the sqlite3 command-line shell (Debian: apt install sqlite3).
# Re-runnable: each vN.db is rebuilt from scratch and replaced atomically.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
sql_dir=$(cd "$here/../../../edge/store/sql" && pwd)
out=$here
upto=

while [ $# -gt 0 ]; do
  case $1 in
    --upto) upto=${2:?--upto needs a version}; shift 2 ;;
    --out) out=${2:?--out needs a directory}; shift 2 ;;
    -h|--help) sed -n '2,22p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "make-fixtures.sh: unknown argument '$1' (see --help)" >&2; exit 2 ;;
  esac
done

command -v sqlite3 >/dev/null || { echo "make-fixtures.sh: sqlite3 not found (apt install sqlite3)" >&2; exit 1; }

# The migrations, checked to be numbered 1, 2, 3 ... like embed_sql.cmake does.
latest=0
for f in "$sql_dir"/[0-9][0-9][0-9][0-9]_*.sql; do
  [ -e "$f" ] || break
  latest=$((latest + 1))
  n=$(basename "$f" | sed 's/_.*//; s/^0*//')
  if [ "$n" != "$latest" ]; then
    echo "make-fixtures.sh: $(basename "$f") is out of order: expected number $latest" >&2
    exit 1
  fi
done
[ "$latest" -ge 1 ] || { echo "make-fixtures.sh: no migrations in $sql_dir" >&2; exit 1; }
[ -n "$upto" ] || upto=$((latest - 1))
case $upto in *[!0-9]*|'') echo "make-fixtures.sh: --upto '$upto' is not a number" >&2; exit 2 ;; esac
if [ "$upto" -gt "$latest" ]; then
  echo "make-fixtures.sh: --upto $upto, but the latest migration is $latest" >&2
  exit 2
fi
mkdir -p "$out"

migration() { ls "$sql_dir"/"$(printf '%04d' "$1")"_*.sql; }

v=1
while [ "$v" -le "$upto" ]; do
  tmp=$(mktemp "$out/.v$v.db.XXXXXX")
  script=$(mktemp)
  trap 'rm -f "$tmp" "$script"' EXIT
  rm -f "$tmp"
  {
    echo "PRAGMA page_size=512;"
    k=1
    while [ "$k" -le "$v" ]; do
      echo "BEGIN;"
      echo ".read '$(migration "$k")'"
      echo "COMMIT;"
      if [ -f "$here/seed-v$k.sql" ]; then
        echo "BEGIN;"
        echo ".read '$here/seed-v$k.sql'"
        echo "COMMIT;"
      fi
      k=$((k + 1))
    done
    echo "PRAGMA application_id=1397048391;"  # 0x53454447 "SEDG", store::kApplicationId
    echo "PRAGMA user_version=$v;"
    echo "PRAGMA foreign_keys=ON;"
    echo "VACUUM;"
  } >"$script"
  if ! sqlite3 -bail "$tmp" <"$script"; then
    echo "make-fixtures.sh: building v$v.db failed (see the error above)" >&2
    exit 1
  fi
  problems=$(sqlite3 "$tmp" "PRAGMA integrity_check; PRAGMA foreign_key_check;")
  if [ "$problems" != "ok" ]; then
    echo "make-fixtures.sh: v$v.db is not clean:" >&2
    echo "$problems" >&2
    exit 1
  fi
  # Tables left empty are not exercised by the migration test: say so.
  empty=$(sqlite3 "$tmp" "SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'
                          AND name NOT LIKE 'items_fts%' ORDER BY name" |
    while read -r t; do
      [ "$(sqlite3 "$tmp" "SELECT count(*) FROM \"$t\"")" = 0 ] && printf ' %s' "$t"
    done || true)
  mv -f "$tmp" "$out/v$v.db"
  rm -f "$script"
  trap - EXIT
  echo "v$v.db: schema $v, $(wc -c <"$out/v$v.db") bytes${empty:+ (no rows in:$empty)}"
  v=$((v + 1))
done
