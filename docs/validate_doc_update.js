function (n, o, u) {
  // caja-docs on CouchDB: the same rules as the built-in hub (src/hub/validate.rs), as far as
  // a validate_doc_update can see: it reads only the new and the stored document, so a points
  // movement is checked for its shape here and against its sale by the back office.
  var SEALED = ["sale", "refund", "cash", "nosale", "day_open", "day_correct", "shift_open",
    "shift_close", "closing", "void", "cancel", "points"];
  function no(why) { throw ({ forbidden: (n._id || "?") + ": " + why }); }
  var id = n._id || "";
  var ty = id.split(":")[0], rest = id.slice(ty.length + 1);
  var sealed = SEALED.indexOf(ty) >= 0;
  // Write-once, for admins too: a sealed document is never edited nor deleted.
  if (sealed && o && !o._deleted) no("sealed: a stored document is never replaced");
  if (n._deleted) { if (sealed || ty === "stock") no("sealed: never deleted"); return; }
  var admin = u.roles.indexOf("_admin") >= 0;
  if (!admin && ty !== "customer" && rest.indexOf(u.name + "-") !== 0)
    no("register " + u.name + " may not write it");
  if (n.type !== ty) no("type does not match the id");
  // A stock movement: the head office's (caja chain stock import), written once.
  if (ty === "stock") {
    if (!admin) no("stock movements are the head office's");
    if (o && !o._deleted) no("sealed: a stored document is never replaced");
    if (typeof n.sku !== "string" || !/^[A-Za-z0-9\-./_]{1,40}$/.test(n.sku)) no("sku is not a SKU");
    if (["count", "receipt", "adjust"].indexOf(n.kind) < 0) no("kind is count, receipt or adjust");
    if (typeof n.quantity !== "string" || !/^-?\d{1,15}(\.\d{1,3})?$/.test(n.quantity))
      no("quantity is not a decimal of up to 3 places");
    return;
  }
  function units(k, d) {
    var s = (d || n)[k];
    if (typeof s !== "string" || !/^-?\d{1,15}(\.\d{1,4})?$/.test(s)) no(k + " is not a decimal amount");
    var neg = s[0] === "-", t = neg ? s.slice(1) : s, p = t.split(".");
    var v = parseInt(p[0], 10) * 10000 + parseInt(((p[1] || "") + "0000").slice(0, 4), 10);
    return neg ? -v : v;
  }
  function sum(list, k) {
    if (!Array.isArray(list)) no("a list is missing");
    var t = 0; for (var i = 0; i < list.length; i++) t += units(k, list[i]); return t;
  }
  if (ty === "customer") {
    if (["CC", "NIT", "RFC", "PA", "CF"].indexOf(n.doc_type) < 0) no("unknown document type " + n.doc_type);
    if (typeof n.name !== "string" || !n.name.trim()) no("a customer needs a name");
    if (rest !== n.doc_type + "-" + n.doc_number) no("the id is not customer:TYPE-NUMBER");
    if (n.doc_type === "NIT") {
      var m = /^(\d{3,15})-(\d)$/.exec(n.doc_number || "");
      if (!m) no("a NIT is digits, a dash and its check digit");
      var w = [3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71], d = m[1], s = 0;
      for (var i = 0; i < d.length; i++) s += parseInt(d[d.length - 1 - i], 10) * w[i];
      var r = s % 11, check = r > 1 ? 11 - r : r;
      if (check !== parseInt(m[2], 10)) no("the NIT's check digit should be " + check);
    }
    return;
  }
  if (!sealed) no("unknown document type " + ty);
  if (ty === "points") {
    if (n.source !== rest) no("source does not match the id");
    if (!/^-?\d{1,18}$/.test(n.earned || "") || !/^-?\d{1,18}$/.test(n.redeemed || "") ||
      parseInt(n.earned, 10) - parseInt(n.redeemed, 10) !== parseInt(n.points, 10))
      no("points is not earned less redeemed");
    return;
  }
  if (n.number !== rest) no("the number does not match the id");
  if (rest.split("-")[0] !== n.register) no("register does not match the number");
  if (!/^\d{4}-\d{2}-\d{2}$/.test(n.business_date || "")) no("business_date is not a date");
  if (!/^[0-9a-f]{64}$/.test(n.hash || "") || !/^[0-9a-f]{64}$/.test(n.prev_hash || ""))
    no("hash is not a 64-digit hash");
  if (ty === "sale") {
    if (!Array.isArray(n.lines) || n.lines.length === 0) no("a sale without lines");
    var total = units("total");
    if (sum(n.lines, "total") !== total) no("the lines and the total do not add up");
    if (sum(n.tenders, "amount") - units("change") !== total + units("rounding"))
      no("the tenders, the change and the total do not add up");
  }
  if (ty === "refund") {
    var rt = units("total");
    if (sum(n.lines, "total") !== rt) no("the lines and the total do not add up");
    if (sum(n.tenders, "amount") !== rt + units("rounding")) no("the tenders and the total do not add up");
  }
  if (ty === "day_correct") {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(n.wrong || "")) no("wrong is not a date");
    if (typeof n.opened !== "string" || n.opened.indexOf(rest.split("-")[0] + "-DA-") !== 0)
      no("opened is not a day opening of this register");
    if (units("floats") < 0) no("floats are never negative");
  }
  if (ty === "cash" && (units("amount") <= 0 || ["in", "out"].indexOf(n.direction) < 0))
    no("a cash movement is a positive amount, in or out");
}
