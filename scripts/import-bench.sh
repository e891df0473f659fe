#!/usr/bin/env bash
# .import acceptance benchmark: generates a CSV file of N lines (default
# 1,000,000: a header and N-1 rows), imports it with `sqlite3` and with the
# release `chorus` binary (`.import --csv FILE t` into a new file database,
# best of RUNS runs each), prints both times (wall and user+sys CPU; on a
# loaded machine the CPU times are the steadier), and checks that the two
# imported tables are equal (sqlite3 reads both files and compares the rows
# in both directions with EXCEPT, plus row counts and integrity_check).
#
#   scripts/import-bench.sh [LINES] [RUNS]
#   CHORUS=path/to/chorus scripts/import-bench.sh
set -euo pipefail
cd "$(dirname "$0")/.."
lines=${1:-1000000}
runs=${2:-3}
chorus=${CHORUS:-target/release/chorus}
sqlite=${SQLITE3:-sqlite3}
if [ ! -x "$chorus" ]; then
  cargo build --release -p chorus-cli >&2
fi
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
csv=$dir/data.csv
# Deterministic data: integers, reals, text with commas, quotes and
# newlines inside quoted fields, empty fields, and a UTF-8 name.
awk -v n="$lines" 'BEGIN {
  print "id,name,amount,note,flag";
  for (i = 1; i < n; i++) {
    if (i % 1000 == 0) note = "\"multi, \"\"quoted\"\"\"";
    else if (i % 7 == 0) note = "";
    else note = "note " (i * 7919 % 100003);
    printf "%d,name_%d_caf\303\251,%d.%02d,%s,%s\n", i, i % 5003, (i * 31) % 100000, i % 100, note, (i % 3 ? "yes" : "no");
  }
}' > "$csv"
echo "CSV: $lines lines, $(stat -c %s "$csv") bytes"

best() { # best wall and CPU (user+sys) seconds of $runs runs of: $1 DB
  local prog=$1 bw="" bc=""
  for _ in $(seq "$runs"); do
    rm -f "$dir/$2"*
    /usr/bin/time -o "$dir/time" -f "%e %U %S" "$prog" "$dir/$2" ".import --csv $csv t"
    read -r w u s < "$dir/time"
    local c
    c=$(echo "$u + $s" | bc)
    if [ -z "$bw" ] || [ "$(echo "$w < $bw" | bc)" = 1 ]; then bw=$w; fi
    if [ -z "$bc" ] || [ "$(echo "$c < $bc" | bc)" = 1 ]; then bc=$c; fi
  done
  echo "$bw $bc"
}
read -r ts tsc <<<"$(best "$sqlite" s.db)"
read -r tc tcc <<<"$(best "$chorus" c.db)"
printf 'sqlite3 .import: %.3f s wall, %.3f s CPU\nchorus  .import: %.3f s wall, %.3f s CPU (best of %d)\n' "$ts" "$tsc" "$tc" "$tcc" "$runs"
echo "chorus/sqlite3: wall $(echo "scale=3; $tc / $ts" | bc), CPU $(echo "scale=3; $tcc / $tsc" | bc)"

cmp=$("$sqlite" "$dir/s.db" "ATTACH '$dir/c.db' AS c" \
  "SELECT (SELECT count(*) FROM main.t), (SELECT count(*) FROM c.t),
          (SELECT count(*) FROM (SELECT * FROM main.t EXCEPT SELECT * FROM c.t)),
          (SELECT count(*) FROM (SELECT * FROM c.t EXCEPT SELECT * FROM main.t)),
          (SELECT sql FROM main.sqlite_schema WHERE name='t') = (SELECT sql FROM c.sqlite_schema WHERE name='t')")
ic=$("$sqlite" "$dir/c.db" "PRAGMA integrity_check")
echo "rows sqlite3|chorus|only-in-sqlite3|only-in-chorus|same-schema: $cmp; chorus file integrity_check: $ic"
n=$((lines - 1))
if [ "$cmp" != "$n|$n|0|0|1" ] || [ "$ic" != ok ]; then
  echo "FAIL: imported tables differ"
  exit 1
fi
if [ "$(echo "$tc <= $ts" | bc)" != 1 ]; then
  echo "FAIL: chorus is slower than sqlite3"
  exit 2
fi
echo "OK"
