#!/bin/sh
# Instructions per keystroke and per sale on the sale screen, counted by callgrind (valgrind),
# which counts the same on a noisy machine as on a quiet one.
#
# A store of 100,000 products is made; the register sells 10 and then 30 tickets of four
# scanned barcodes each (13 digits and Enter per scan, F12 and Enter to pay), drawing every
# key through the real crossterm backend into a counter. Start-up, login and the shift's
# opening are the same in both runs, so the difference divided by the extra keys (or tickets)
# is the cost of one keystroke (or one sale): handling the key, drawing the frame, the lookup
# among 100,000 items and the sale's commit.
#
#   sh benches/keystrokes.sh          (needs valgrind; about a minute)
set -eu
command -v valgrind >/dev/null || { echo "valgrind is needed: apt-get install valgrind" >&2; exit 1; }
cd "$(dirname "$0")/.."
cargo build --release --quiet
caja="$PWD/target/release/caja"
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
items=100000
awk -v n=$items 'BEGIN {
  print "sku,barcode,name,price,tax_rate";
  for (i = 0; i < n; i++) printf "P%06d,77%011d,Producto de prueba %d,%d,19\n", i, i, i, 100 * (5 + i % 500);
}' > "$work/catalog.csv"
"$caja" init --data-dir "$work/store" --store Banco --register FV1 --supervisor bench \
  --pin 1234 --language es >/dev/null 2>&1
"$caja" catalog import --data-dir "$work/store" "$work/catalog.csv" >/dev/null 2>&1
# count TICKETS [--scanner]: instructions and keys of one run
count() {
  rm -rf "$work/run" && cp -r "$work/store" "$work/run"
  valgrind --tool=callgrind --callgrind-out-file="$work/cg" \
    "$caja" --data-dir "$work/run" bench-register --items $items --tickets "$@" \
    > "$work/out" 2>/dev/null
  echo "$(sed -n 's/^summary: //p' "$work/cg") $(sed -n 's/^keys //p' "$work/out")"
}
report() {
  awk -v what="$1" -v i1="$2" -v k1="$3" -v i2="$4" -v k2="$5" 'BEGIN {
    printf "%-30s %9.0f instructions per key, %10.0f per ticket (%d keys)\n",
      what, (i2 - i1) / (k2 - k1), (i2 - i1) / 20, (k2 - k1) / 20;
  }'
}
report "typed, a frame per key" $(count 10) $(count 30)
set -- $(count 10 --scanner) $(count 30 --scanner) $(count 20 --scanner --scans 8)
report "scanned, a frame per barcode" "$1" "$2" "$3" "$4"
# A barcode, and a sale on its own: 20 tickets of eight scans less 20 of four gives 80 scans;
# a ticket of four scans less its four scans is the sale: F12, Enter, the commit, their frames.
awk -v a="$1" -v b="$3" -v i8="$5" 'BEGIN {
  ticket = (b - a) / 20;
  i4 = a + ticket * 10;
  scan = (i8 - i4) / 80;
  printf "%-30s %9.0f instructions per scan (13 digits and Enter)\n", "a scanned barcode", scan;
  printf "%-30s %9.0f instructions (F12, Enter, the commit, their frames)\n", "a sale, paid", ticket - 4 * scan;
}'
