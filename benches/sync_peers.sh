#!/usr/bin/env bash
# Side by side, in one run on this machine: a register's push of N sales and its total pull of
# M products, against the built-in hub, Apache CouchDB 3.5 (the release CAJA_PEERS names, as
# for tests/common/couch.rs) and pouchdb-server (in memory; installed into
# target/pouchdb-server by this script). Prints wall-clock seconds for each, and the hub's
# peak memory.
#
#   bash benches/sync_peers.sh [N=10000] [M=100000]
#
# PEERS="hub couchdb pouchdb" (the default) picks which servers run.
#
# Each server gets the same register store (copied) and the same catalog CSV. A server whose
# program is missing is left out, said so.
set -euo pipefail
cd "$(dirname "$0")/.."
N=${1:-10000}
M=${2:-100000}
cargo build --release --quiet
CAJA=$PWD/target/release/caja
W=$(mktemp -d)
PIDS=()
cleanup() {
  for p in "${PIDS[@]}"; do kill "$p" 2>/dev/null || true; done
  pkill -f "$W" 2>/dev/null || true
  rm -rf "$W"
}
trap cleanup EXIT
export LANG=C
now() { date +%s.%N; }
secs() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", b - a }'; }
port() { python3 -c 'import socket; s=socket.socket(); s.bind(("127.0.0.1",0)); print(s.getsockname()[1])'; }
wait_up() { for _ in $(seq 100); do curl -sf "$1" >/dev/null && return 0; sleep 0.1; done; return 1; }

echo "making a register with $N sales and a catalog of $M products..."
"$CAJA" init --data-dir "$W/reg" --store Bench --register FV1 --supervisor ana --pin 1234 --demo >/dev/null
"$CAJA" soak --data-dir "$W/reg" --count "$N" >/dev/null
awk -v m="$M" 'BEGIN { print "sku,barcode,name,price,tax_rate";
  for (i = 1; i <= m; i++) printf "P%07d,77%011d,Producto de prueba %d,%d,19\n", i, i, i, 1000 + i % 5000 }' \
  >"$W/catalog.csv"

# run NAME URL: push, then a total pull into a fresh register.
run() {
  local name=$1 url=$2
  cp -r "$W/reg" "$W/reg-$name"
  sed -i -e "/^\[sync\]/,/^\[/{s|^url = .*|url = \"$url\"|;s|^user = .*|user = \"FV1\"|}" \
    -e "/^\[sync\]/,/^\[/s|^password = .*|password = \"clave-fv1-segura\"|" "$W/reg-$name/caja.toml"
  local t0 t1 t2
  t0=$(now)
  "$CAJA" sync --data-dir "$W/reg-$name" --push >/dev/null 2>"$W/$name-push.log" \
    || { tail -3 "$W/$name-push.log"; return 1; }
  t1=$(now)
  "$CAJA" sync --data-dir "$W/reg-$name" --pull total >/dev/null 2>"$W/$name-pull.log" \
    || { tail -3 "$W/$name-pull.log"; return 1; }
  t2=$(now)
  local pushed pulled
  pushed=$(grep -o 'enviados [0-9]*' "$W/$name-push.log" | tail -1)
  pulled=$(grep -o '[0-9]* en el catálogo' "$W/$name-pull.log" | tail -1)
  printf '%-16s push %7s s (%s)   pull total %7s s (%s)\n' "$name" "$(secs "$t0" "$t1")" \
    "$pushed" "$(secs "$t1" "$t2")" "$pulled"
}

PEERS=${PEERS:-hub couchdb pouchdb}
want() { case " $PEERS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# The built-in hub.
if want hub; then
HP=$(port)
"$CAJA" hub --data-dir "$W/hub" user add FV1 --password clave-fv1-segura >/dev/null 2>&1
"$CAJA" hub --data-dir "$W/hub" catalog import "$W/catalog.csv" >/dev/null 2>&1
"$CAJA" hub --data-dir "$W/hub" --listen "127.0.0.1:$HP" 2>/dev/null &
HUB=$!
PIDS+=("$HUB")
wait_up "http://127.0.0.1:$HP/_up"
run hub "http://127.0.0.1:$HP"
A="admin:clave-admin-segura@127.0.0.1:$HP"
echo "                 the hub's peak memory after push and pull: $(awk '/VmHWM/ { print $2, $3 }' /proc/$HUB/status)"
"$CAJA" hub --data-dir "$W/hub" user add admin --password clave-admin-segura --admin >/dev/null 2>&1
t0=$(now); rows=$(curl -sf "http://$A/_caja/stock" | wc -l); t1=$(now)
echo "                 stock page: $((rows - 1)) products in $(secs "$t0" "$t1") s"
top=$(curl -sf "http://$A/_caja/stock?format=json" | python3 -c 'import json,sys; r=json.load(sys.stdin)["rows"]; print(min(r, key=lambda x: float(x["on_hand"]))["sku"])')
total=$(curl -sf "http://$A/_caja/kardex?sku=$top&format=json&limit=1" | python3 -c 'import json,sys; print(json.load(sys.stdin)["total"])')
t0=$(now); curl -sf "http://$A/_caja/kardex?sku=$top&limit=1000&from=$((total > 1000 ? total - 999 : 1))" >/dev/null; t1=$(now)
echo "                 kardex of $top: $total movements, its last page of 1000 in $(secs "$t0" "$t1") s"
echo "                 the hub's peak memory after the stock pages: $(awk '/VmHWM/ { print $2, $3 }' /proc/$HUB/status)"
t0=$(now); curl -sf -H 'Accept: text/html' "http://$A/" >/dev/null; t1=$(now)
echo "                 status page (with caja chain check's findings over every document): $(secs "$t0" "$t1") s"
fi

# Apache CouchDB 3.5.
if ! want couchdb; then
  :
elif [ -n "${CAJA_PEERS:-}" ] && [ -x "$CAJA_PEERS/couchdb-start.sh" ]; then
  CP=$(port)
  ERL_EPMD_PORT=$(port) "$CAJA_PEERS/couchdb-start.sh" "$W/couch" "$CP" benchpass1 >/dev/null
  C="http://admin:benchpass1@127.0.0.1:$CP"
  "$CAJA" chain setup --url "$C" >/dev/null
  "$CAJA" chain user add FV1 --password clave-fv1-segura --url "$C" >/dev/null
  "$CAJA" chain catalog import "$W/catalog.csv" --url "$C" >/dev/null
  run couchdb-3.5 "http://127.0.0.1:$CP"
else
  echo "couchdb-3.5      left out: CAJA_PEERS names no couchdb-start.sh"
fi

# pouchdb-server, in memory.
PS=target/pouchdb-server
if ! want pouchdb; then
  :
elif command -v npm >/dev/null && { [ -x "$PS/node_modules/.bin/pouchdb-server" ] ||
    { mkdir -p "$PS" && npm install --prefix "$PS" --no-audit --no-fund --loglevel=error \
        pouchdb-server@4.2.0 >/dev/null 2>&1; }; }; then
  PP=$(port)
  (cd "$W" && exec "$OLDPWD/$PS/node_modules/.bin/pouchdb-server" --in-memory --port "$PP" \
    >/dev/null 2>&1) &
  PIDS+=("$!")
  wait_up "http://127.0.0.1:$PP/"
  for db in caja-catalog caja-docs caja-registers; do curl -sf -X PUT "http://127.0.0.1:$PP/$db" >/dev/null; done
  "$CAJA" chain user add FV1 --password clave-fv1-segura --url "http://127.0.0.1:$PP" >/dev/null
  "$CAJA" chain catalog import "$W/catalog.csv" --url "http://127.0.0.1:$PP" >/dev/null
  run pouchdb-server "http://127.0.0.1:$PP"
else
  echo "pouchdb-server   left out: npm could not install it"
fi
