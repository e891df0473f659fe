#!/usr/bin/env bash
# Runs the sqllogictest corpus (../shared/slt) and the differential scripts on
# Chorus, prints per-file and total counts, and fails if the number of passing
# records / matching statements falls below the recorded baseline
# (scripts/conformance-baseline.txt): a regression gate, raised as Chorus improves.
set -euo pipefail
cd "$(dirname "$0")/.."
SLT_DIR="${CHORUS_SLT_DIR:-../shared/slt}"
baseline() { grep "^$1 " scripts/conformance-baseline.txt | awk '{print $2}'; }

cargo build --release -p chorus-conformance --bins
status=0

if [ -d "$SLT_DIR" ]; then
  out=$(./target/release/slt --engine chorus --jobs 2 --timeout-per-file 60 "$SLT_DIR" 2>&1 || true)
  echo "$out" | grep -v '^ok ' || true
  total=$(echo "$out" | grep '^total \[' | tail -1)
  passed=$(echo "$total" | sed -E 's/^total \[[a-z]+\]: ([0-9]+)\/.*/\1/')
  want=$(baseline slt)
  echo "sqllogictest: $passed records passed (baseline $want)"
  if [ -z "$passed" ] || [ "$passed" -lt "$want" ]; then
    echo "sqllogictest regression: $passed < $want"; status=1
  fi
else
  echo "sqllogictest corpus not found at $SLT_DIR: skipped"
fi

# One process per script with a time limit, so a hang costs one file.
matched=0
for f in crates/chorus-conformance/differential/*.sql; do
  line=$(timeout 120 ./target/release/differential --a sqlite --b chorus "$f" 2>&1 | grep -E '^(ok|FAIL) ' || true)
  if [ -z "$line" ]; then
    echo "HANG/CRASH $f (counted as 0 matching)"
    continue
  fi
  echo "$line"
  m=$(echo "$line" | sed -E 's/.* ([0-9]+)\/[0-9]+ match.*/\1/')
  matched=$((matched + m))
done
want=$(baseline differential)
echo "differential: $matched statements match SQLite (baseline $want)"
if [ -z "$matched" ] || [ "$matched" -lt "$want" ]; then
  echo "differential regression: $matched < $want"; status=1
fi
exit $status
