#!/usr/bin/env bash
# Runs every fuzz target (or the ones named) for SECONDS each (default 600), one after the other,
# on the nightly toolchain, growing fuzz/corpus/TARGET/ with what the fuzzer finds new. A crash
# is left in fuzz/artifacts/TARGET/ and stops the run: fix it, then copy the input into the
# target's corpus so that `cargo test` replays it. Prints each target's executions.
#
# The repository keeps each target's seeds (seed-*, made from real files) and, after
# `cargo fuzz cmin`, the smallest 400 of what the fuzzer kept (40 backups): enough for the
# replay to catch a regression without bloating the tree; a run here grows them again.
#
#   sh fuzz/run.sh [SECONDS] [TARGET...]
set -eu
cd "$(dirname "$0")"
secs=${1:-600}
[ $# -gt 0 ] && shift
targets=${*:-$(sed -n 's/^name = "\(.*\)"$/\1/p' Cargo.toml | grep -v caja-fuzz)}
cargo +nightly fuzz build --fuzz-dir . -O
for t in $targets; do
  log=$(mktemp)
  if ! cargo +nightly fuzz run --fuzz-dir . -O "$t" "corpus/$t" -- \
      -max_total_time="$secs" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log"
    echo "FAILED: $t (the input is in fuzz/artifacts/$t/)"
    exit 1
  fi
  runs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -1)
  echo "$t: ${runs:-?} executions in ${secs} s, no crash; corpus $(ls "corpus/$t" | wc -l) inputs"
  rm -f "$log"
done
