#!/usr/bin/env bash
# Side by side, in one run on this machine: a register's push of N sales and its replace pull
# of M products, against the built-in hub, Apache CouchDB 3.5 (the release CAJA_PEERS names,
# as for tests/common/couch.rs) and pouchdb-server (in memory; installed into
# target/pouchdb-server by this script). Prints wall-clock seconds for each, the hub's and the
# register's peak memory, and the median of ROUNDS rounds (each on fresh servers, taking turns)
# with the hub's speed against each other server.
#
#   bash benches/sync_peers.sh [N=10000] [M=100000]
#
# PEERS="hub couchdb pouchdb" (the default) picks which servers run; ROUNDS=3 how many times;
# PULL=replace the pull's mode (replace, total or partial).
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

PULL=${PULL:-replace}
ROUNDS=${ROUNDS:-3}
: >"$W/results"

# run NAME URL: push, then a pull into a fresh copy of the register.
run() {
  local name=$1 url=$2
  rm -rf "$W/reg-$name"
  cp -r "$W/reg" "$W/reg-$name"
  sed -i -e "/^\[sync\]/,/^\[/{s|^url = .*|url = \"$url\"|;s|^user = .*|user = \"FV1\"|}" \
    -e "/^\[sync\]/,/^\[/s|^password = .*|password = \"clave-fv1-segura\"|" "$W/reg-$name/caja.toml"
  local t0 t1 t2
  t0=$(now)
  "$CAJA" sync --data-dir "$W/reg-$name" --push >/dev/null 2>"$W/$name-push.log" \
    || { tail -3 "$W/$name-push.log"; return 1; }
  t1=$(now)
  /usr/bin/time -f '%M' -o "$W/$name-pull.rss" \
    "$CAJA" sync --data-dir "$W/reg-$name" --pull "$PULL" >/dev/null 2>"$W/$name-pull.log" \
    || { tail -3 "$W/$name-pull.log"; return 1; }
  t2=$(now)
  local pushed pulled
  pushed=$(grep -o 'enviados [0-9]*' "$W/$name-push.log" | tail -1)
  pulled=$(grep -o '[0-9]* en el catálogo' "$W/$name-pull.log" | tail -1)
  printf '%-16s push %7s s (%s)   pull %s %6s s (%s; register peak %s KiB)\n' "$name" \
    "$(secs "$t0" "$t1")" "$pushed" "$PULL" "$(secs "$t1" "$t2")" "$pulled" \
    "$(tail -1 "$W/$name-pull.rss")"
  echo "$name $(secs "$t0" "$t1") $(secs "$t1" "$t2")" >>"$W/results"
}

PEERS=${PEERS:-hub couchdb pouchdb}
want() { case " $PEERS " in *" $1 "*) return 0 ;; *) return 1 ;; esac; }

# The built-in hub.
hub_round() {
HP=$(port)
rm -rf "$W/hub"
"$CAJA" hub --data-dir "$W/hub" user add FV1 --password clave-fv1-segura >/dev/null 2>&1
"$CAJA" hub --data-dir "$W/hub" catalog import "$W/catalog.csv" >/dev/null 2>&1
"$CAJA" hub --data-dir "$W/hub" --listen "127.0.0.1:$HP" 2>/dev/null &
HUB=$!
PIDS+=("$HUB")
wait_up "http://127.0.0.1:$HP/_up"
run hub "http://127.0.0.1:$HP"
A="admin:clave-admin-segura@127.0.0.1:$HP"
echo "                 the hub's peak memory after push and pull: $(awk '/VmHWM/ { print $2, $3 }' /proc/$HUB/status)"
if [ "$1" -gt 1 ]; then kill "$HUB"; wait "$HUB" 2>/dev/null || true; return 0; fi
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
kill "$HUB"; wait "$HUB" 2>/dev/null || true
}

# Apache CouchDB 3.5.
couch_round() {
if ! want couchdb; then
  :
elif [ -n "${CAJA_PEERS:-}" ] && [ -x "$CAJA_PEERS/couchdb-start.sh" ]; then
  CP=$(port)
  rm -rf "$W/couch"
  ERL_EPMD_PORT=$(port) "$CAJA_PEERS/couchdb-start.sh" "$W/couch" "$CP" benchpass1 >/dev/null
  C="http://admin:benchpass1@127.0.0.1:$CP"
  "$CAJA" chain setup --url "$C" >/dev/null
  "$CAJA" chain user add FV1 --password clave-fv1-segura --url "$C" >/dev/null
  "$CAJA" chain catalog import "$W/catalog.csv" --url "$C" >/dev/null
  run couchdb-3.5 "http://127.0.0.1:$CP"
else
  echo "couchdb-3.5      left out: CAJA_PEERS names no couchdb-start.sh"
fi
}

# pouchdb-server, in memory.
PS=target/pouchdb-server
pouch_round() {
if ! want pouchdb; then
  :
elif command -v npm >/dev/null && { [ -x "$PS/node_modules/.bin/pouchdb-server" ] ||
    { mkdir -p "$PS" && npm install --prefix "$PS" --no-audit --no-fund --loglevel=error \
        pouchdb-server@4.2.0 >/dev/null 2>&1; }; }; then
  PP=$(port)
  (cd "$W" && exec "$OLDPWD/$PS/node_modules/.bin/pouchdb-server" --in-memory --port "$PP" \
    >/dev/null 2>&1) &
  local pp=$!
  PIDS+=("$pp")
  wait_up "http://127.0.0.1:$PP/"
  for db in caja-catalog caja-docs caja-registers; do curl -sf -X PUT "http://127.0.0.1:$PP/$db" >/dev/null; done
  "$CAJA" chain user add FV1 --password clave-fv1-segura --url "http://127.0.0.1:$PP" >/dev/null
  "$CAJA" chain catalog import "$W/catalog.csv" --url "http://127.0.0.1:$PP" >/dev/null
  run pouchdb-server "http://127.0.0.1:$PP"
  pkill -P "$pp" 2>/dev/null || true
  kill "$pp" 2>/dev/null || true
else
  echo "pouchdb-server   left out: npm could not install it"
fi
}

for r in $(seq "$ROUNDS"); do
  echo "round $r of $ROUNDS:"
  if want hub; then hub_round "$r"; fi
  couch_round
  pouch_round
done

# The medians, and the hub's speed against each other server.
awk '
  { push[$1] = push[$1] " " $2; pull[$1] = pull[$1] " " $3 }
  function median(list,   a, n, i, j, t) {
    n = split(list, a, " ")
    for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
    return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2
  }
  END {
    print "medians:"
    for (k in push) { mp[k] = median(push[k]); ml[k] = median(pull[k]); printf "%-16s push %6.2f s   pull %6.2f s\n", k, mp[k], ml[k] }
    if ("hub" in mp) for (k in mp) if (k != "hub")
      printf "the hub against %-16s push %.1fx as fast, pull %.1fx as fast\n", k, mp[k] / mp["hub"], ml[k] / ml["hub"]
  }' "$W/results"
