// PouchDB against a caja hub: pull caja-docs into a replica, push a catalog into caja-catalog,
// then pull again (nothing new). Prints one JSON line of what happened; exits 1 on any error.
// Usage: node replicate.js HUB_URL USER PASSWORD
const PouchDB = require("pouchdb-core")
  .plugin(require("pouchdb-adapter-memory"))
  .plugin(require("pouchdb-adapter-http"))
  .plugin(require("pouchdb-replication"));

async function main() {
  const [url, username, password] = process.argv.slice(2);
  const auth = { username, password };
  const docs = new PouchDB(url + "/caja-docs", { auth, skip_setup: true });
  const replica = new PouchDB("replica", { adapter: "memory" });
  const pulled = await replica.replicate.from(docs);
  const again = await replica.replicate.from(docs);
  const sale = await replica.get("sale:FV1-000001");
  const info = await replica.info();

  const catalog = new PouchDB("catalog", { adapter: "memory" });
  await catalog.put({ _id: "product:POUCH1", type: "product", sku: "POUCH1", name: "Desde PouchDB",
    barcodes: ["7709990000017"], price: "2500", tax_rate: "19", active: true });
  const pushed = await catalog.replicate.to(new PouchDB(url + "/caja-catalog", { auth, skip_setup: true }));
  console.log(JSON.stringify({
    pulled: { ok: pulled.ok, docs_written: pulled.docs_written, errors: pulled.errors.length },
    again: { docs_written: again.docs_written },
    replica_docs: info.doc_count,
    sale_type: sale.type,
    pushed: { ok: pushed.ok, docs_written: pushed.docs_written, errors: pushed.errors.length },
  }));
}

main().catch((e) => {
  console.error("pouchdb:", e && (e.stack || e.message || JSON.stringify(e)));
  process.exit(1);
});
