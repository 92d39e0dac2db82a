//! The words of what goes wrong below the screens, by key, in both languages: each problem and
//! note the store's check can find, each refusal a person can meet, a rebuild's losses, the
//! pull history, the sync client's and the printer's failures, the catalog and customer files'
//! errors and caja.toml's problems. Each typed error (`store::check::Problem`,
//! `store::Refusal`, `sync::client::SyncError`, `devices::printer::Fault`, `csvio::CsvError`,
//! `config::ConfigProblem`, ...) names its keys and fills the values; its `Display` is the
//! English, for logs.

use super::Language;

/// (key, Spanish, English).
const TEXTS: &[(&str, &str, &str)] = &[
    (
        "page_checks",
        "el archivo de la tienda falla las verificaciones de página de redb (una falla del disco); `caja rebuild` recupera todas las ventas del diario electrónico",
        "the store file fails redb's page checks (a disk fault); `caja rebuild` recovers every sale from the electronic journal",
    ),
    (
        "unreadable",
        "la tienda no se puede leer: {detail}",
        "the store cannot be read: {detail}",
    ),
    (
        "not_comparable",
        "la tienda no se puede comparar con su diario ({detail})",
        "the store cannot be compared with its journal ({detail})",
    ),
    (
        "journal_header",
        "archivo del diario {file}: {detail}",
        "journal file {file}: {detail}",
    ),
    (
        "journal_bytes",
        "archivo del diario {file}: los bytes {from} a {to} están dañados (se usa la copia de esos documentos que tiene la tienda)",
        "journal file {file}: bytes {from} to {to} are damaged (the store's copy of those documents is used)",
    ),
    (
        "journal_bytes_alone",
        "archivo del diario {file}: los bytes {from} a {to} están dañados",
        "journal file {file}: bytes {from} to {to} are damaged",
    ),
    (
        "journal_gap",
        "diario: faltan los documentos #{from} a #{to}",
        "journal: documents #{from} to #{to} are missing",
    ),
    (
        "journal_gap_one",
        "diario: falta el documento #{from}",
        "journal: document #{from} is missing",
    ),
    (
        "journal_record_hash",
        "registro #{seq} del diario: el documento no coincide con su hash",
        "journal record #{seq}: the document does not match its hash",
    ),
    (
        "journal_differs",
        "documento #{seq}: el diario y la tienda guardan documentos distintos",
        "document #{seq}: the journal and the store hold different documents",
    ),
    ("journal", "diario: {detail}", "journal: {detail}"),
    (
        "gap",
        "faltan los documentos #{from} a #{to} en la cadena",
        "documents #{from} to #{to} are missing from the chain",
    ),
    (
        "gap_one",
        "falta el documento #{from} en la cadena",
        "document #{from} is missing from the chain",
    ),
    (
        "unreadable_document",
        "el documento #{seq} no se puede leer: {detail}",
        "document #{seq} cannot be read: {detail}",
    ),
    (
        "unreadable_record",
        "el registro #{seq} del diario no es un documento que esta caja sepa leer",
        "journal record #{seq} is not a document this caja can read",
    ),
    (
        "newer_record",
        "el registro #{seq} del diario lo escribió una caja más nueva (registro versión {version}); actualice caja",
        "journal record #{seq} was written by a newer caja (record version {version}); update caja",
    ),
    (
        "journal_foreign",
        "el archivo del diario {file} pertenece a la tienda {name} ({id}…), no a esta: sáquelo de la carpeta journal (esta tienda no cambió y rehace su diario al abrir)",
        "journal file {file} belongs to store {name} ({id}…), not to this one: move it out of the journal folder (this store is unchanged and rewrites its journal when it opens)",
    ),
    (
        "disk_full_free",
        "el disco está lleno ({mib} MiB libres): no se guardó; libere espacio (copias viejas, registros) y vuelva a intentar",
        "the disk is full ({mib} MiB free): not saved; free some space (old backups, logs) and try again",
    ),
    (
        "disk_full",
        "el disco está lleno: no se guardó; libere espacio (copias viejas, registros) y vuelva a intentar",
        "the disk is full: not saved; free some space (old backups, logs) and try again",
    ),
    (
        "disk_read_only",
        "el disco quedó de solo lectura (la tarjeta puede estar fallando): nada se puede guardar; haga ya una copia (`caja backup --to` funciona así) y llame al técnico",
        "the disk became read-only (the card may be failing): nothing can be saved; take a backup now (`caja backup --to` works like this) and call the technician",
    ),
    (
        "disk_earlier",
        "una escritura anterior en el disco falló: la caja vuelve a abrir la tienda antes de la próxima; vuelva a intentar",
        "an earlier write to the disk failed: the register reopens the store before the next one; try again",
    ),
    (
        "hub_short_password",
        "una contraseña necesita al menos 8 caracteres",
        "a password needs at least 8 characters",
    ),
    (
        "hub_in_use",
        "un hub en marcha tiene abierta esta carpeta y no responde en su hub.sock: detenga ese hub, o use un caja igual de nuevo que él",
        "a running hub has this folder open and does not answer on its hub.sock: stop that hub, or use a caja as new as it is",
    ),
    (
        "journal_not_whole",
        "la caja está vendiendo y su diario electrónico no está completo ({problem}): `caja journal` lee el diario mientras la caja vende; detenga la caja para leer la tienda, o use `caja check`",
        "the register is selling and its electronic journal is not whole ({problem}): `caja journal` reads the journal while the register sells; stop the register to read the store, or run `caja check`",
    ),
    (
        "journal_empty",
        "el diario no tiene ningún archivo legible",
        "the journal has no readable file",
    ),
    (
        "journal_set_aside",
        "diario: desde el registro #{from} no se pudo pasar a la tienda ({why}); se guardó aparte en journal/{file}, y la tienda sigue desde su último documento",
        "journal: from record #{from} on nothing could be replayed into the store ({why}); kept aside in journal/{file}, and the store goes on from its last document",
    ),
    (
        "header_empty",
        "el archivo está vacío (su creación se cortó, p. ej. por un disco lleno)",
        "the file is empty (making it was cut short, for example by a full disk)",
    ),
    (
        "header_not_journal",
        "no es un archivo del diario de caja",
        "not a caja journal file",
    ),
    (
        "header_newer",
        "lo escribió una caja más nueva (formato {found}; esta lee hasta el {supported}); actualice caja",
        "written by a newer caja (format {found}; this one reads up to {supported}); update caja",
    ),
    (
        "header_cut_short",
        "su encabezado está cortado",
        "its header is cut short",
    ),
    (
        "header_checksum",
        "la suma de verificación de su encabezado no coincide",
        "its header's checksum does not match",
    ),
    (
        "header_undecodable",
        "su encabezado no se puede leer",
        "its header cannot be read",
    ),
    (
        "unreadable_product",
        "el producto {sku} no se puede leer: {detail}",
        "product {sku} cannot be read: {detail}",
    ),
    (
        "chain_broken",
        "{number}: no sigue al documento anterior (cadena rota)",
        "{number}: does not follow the previous document (chain broken)",
    ),
    (
        "edited",
        "{number}: el contenido no coincide con su hash (editado después de guardarse)",
        "{number}: content does not match its hash (edited after commit)",
    ),
    (
        "numbering",
        "{number}: se esperaba el número {expected} (salto o repetición)",
        "{number}: expected number {expected} (gap or reuse)",
    ),
    (
        "counters",
        "{number}: los contadores de las series no concuerdan con la cadena",
        "{number}: series counters disagree with the chain",
    ),
    (
        "foreign_number",
        "{number}: el número o la caja no pertenecen a la caja {register}",
        "{number}: number or register does not belong to register {register}",
    ),
    (
        "date_back",
        "{number}: la fecha de negocio {date} retrocede",
        "{number}: business date {date} goes back",
    ),
    (
        "date_closed",
        "{number}: la fecha de negocio {date} ya estaba cerrada",
        "{number}: business date {date} was already closed",
    ),
    (
        "z_mismatch",
        "{number}: el reporte Z no concuerda con los documentos del día",
        "{number}: the Z report does not match the day's documents",
    ),
    ("figures", "{number}: {detail}", "{number}: {detail}"),
    (
        "doc_mismatch",
        "las cifras guardadas no concuerdan con las líneas: {part}",
        "the stored figures do not match the lines: {part}",
    ),
    (
        "refund_over",
        "{number}: devuelve más de la línea {line} de {original} de lo que se vendió",
        "{number}: refunds more of {original} line {line} than was sold",
    ),
    (
        "refund_no_line",
        "{number}: devuelve la línea {line} de {original}, que no es una línea de una venta anterior",
        "{number}: refunds {original} line {line}, which is not an earlier sale line",
    ),
    (
        "no_sale_unauthorized",
        "{number}: una apertura del cajón sin supervisor",
        "{number}: a drawer opening without a supervisor",
    ),
    (
        "cash_move_not_positive",
        "{number}: el monto de un movimiento de efectivo debe ser positivo",
        "{number}: cash movement amount must be positive",
    ),
    (
        "void_unauthorized",
        "{number}: una línea anulada después del pago sin supervisor",
        "{number}: a line voided after payment without a supervisor",
    ),
    (
        "void_negative",
        "{number}: una anulación de un monto negativo",
        "{number}: a void of a negative amount",
    ),
    (
        "cancel_unauthorized",
        "{number}: un tiquete con pagos cancelado sin supervisor",
        "{number}: a ticket with tenders cancelled without a supervisor",
    ),
    (
        "orphan_barcode",
        "el código de barras {barcode} apunta al producto {sku}, que no existe",
        "barcode {barcode} points to missing product {sku}",
    ),
    (
        "barcode_not_indexed",
        "producto {sku}: el código de barras {barcode} no está indexado a él",
        "product {sku}: barcode {barcode} is not indexed to it",
    ),
    (
        "note_unclosed",
        "la caja se detuvo sin cerrarse (un corte de luz o un kill); la tienda volvió a su último punto de control, y la caja reproduce el resto desde el diario al abrir",
        "the register stopped without closing (a power cut or a kill); the store went back to its last checkpoint, and the register replays the rest from the journal when it opens",
    ),
    (
        "note_journal_behind",
        "los documentos #{from} a #{to} no están en el diario (la caja los escribe allí al abrir)",
        "documents #{from} to #{to} are not in the journal (the register writes them there when it opens)",
    ),
    // Refusals.
    (
        "day_already_open",
        "la fecha de negocio {open} ya está abierta; ciérrela (Z) antes de abrir otra",
        "business date {open} is already open; close it (Z) before opening another",
    ),
    (
        "not_a_folder",
        "{dir} es un archivo, no una carpeta: dé la carpeta donde guardar las copias (donde está montada la USB)",
        "{dir} is a file, not a folder: give the folder to keep the backups in (where the USB stick is mounted)",
    ),
    (
        "os_not_found",
        "el archivo o la carpeta no existe",
        "the file or folder does not exist",
    ),
    (
        "os_permission",
        "sin permiso: revise el dueño y los permisos del archivo o la carpeta",
        "permission denied: check the owner and the permissions of the file or folder",
    ),
    (
        "os_is_dir",
        "es una carpeta, no un archivo",
        "it is a folder, not a file",
    ),
    ("os_not_dir", "no es una carpeta", "it is not a folder"),
    ("os_exists", "ya existe", "it exists already"),
    (
        "os_timed_out",
        "se agotó el tiempo de espera",
        "it timed out",
    ),
    (
        "os_other",
        "el sistema dice: {why}",
        "the system says: {why}",
    ),
    (
        "whynot_no_file",
        "no hay archivo de la tienda",
        "there is no store file",
    ),
    (
        "whynot_locked",
        "el archivo de la tienda quedó bloqueado por una apertura que falló",
        "the store file is locked by an open that failed",
    ),
    (
        "whynot_copy",
        "no se pudo copiar para repararlo: {why}",
        "it could not be copied for a repair: {why}",
    ),
    (
        "whynot_database",
        "no abre ni después de repararlo ({why})",
        "it does not open even after a repair ({why})",
    ),
    (
        "day_same",
        "la fecha de negocio {date} ya es la abierta: no hay nada que corregir",
        "business date {date} is the one open already: there is nothing to correct",
    ),
    (
        "day_has_sales",
        "la fecha de negocio {date} ya tiene documentos ({number}) y sus fechas no se reescriben: ciérrela con el Z; la fecha siguiente sigue al último cierre",
        "business date {date} has documents already ({number}) and their dates are never rewritten: close it with the Z; the next date follows the last close",
    ),
    (
        "day_needs_supervisor",
        "la fecha de negocio {date} está más de un día después del último cierre; un supervisor debe confirmarla",
        "business date {date} is more than one day after the last close; a supervisor must confirm it",
    ),
    (
        "day_not_this",
        "la fecha de negocio abierta es {open}, no {date}",
        "business date {open} is open, not {date}",
    ),
    (
        "no_day_open",
        "no hay una fecha de negocio abierta",
        "no business date is open",
    ),
    (
        "no_day_open_for",
        "no hay una fecha de negocio abierta; abra {date} primero",
        "no business date is open; open {date} first",
    ),
    (
        "shift_already_open",
        "{cashier} ya tiene un turno abierto",
        "{cashier} already has a shift open",
    ),
    (
        "no_shift",
        "{cashier} no tiene un turno abierto",
        "{cashier} has no shift open",
    ),
    (
        "cannot_close",
        "no se puede cerrar {date}: {why}",
        "cannot close {date}: {why}",
    ),
    (
        "blocker_shift",
        "el turno de {cashier} está abierto",
        "the shift of {cashier} is open",
    ),
    (
        "blocker_held",
        "{count} tiquete(s) en espera",
        "{count} ticket(s) are on hold",
    ),
    (
        "float_negative",
        "la base no puede ser negativa",
        "a float cannot be negative",
    ),
    (
        "counted_negative",
        "el efectivo contado no puede ser negativo",
        "counted cash cannot be negative",
    ),
    (
        "product_twice",
        "el producto {sku} aparece dos veces",
        "product {sku} appears twice",
    ),
    (
        "final_consumer",
        "el consumidor final no es un registro de cliente; deje la venta sin cliente",
        "the final consumer is not a customer record; leave the sale without one",
    ),
    (
        "nothing_changed",
        "{key}: no cambió nada",
        "{key}: nothing changed",
    ),
    (
        "customer_twice",
        "{key} aparece dos veces",
        "{key} appears twice",
    ),
    ("customer_row", "{key}: {why}", "{key}: {why}"),
    (
        "held_with_tenders",
        "un tiquete con pagos tomados solo lo borra un supervisor",
        "a ticket with tenders taken is deleted only by a supervisor",
    ),
    (
        "range_empty",
        "el rango {from}-{to} está vacío",
        "range {from}-{to} is empty",
    ),
    (
        "bad_user_name",
        "'{name}' no es un nombre de usuario: de 1 a 24 minúsculas, dígitos, . _ -",
        "'{name}' is not a user name: 1 to 24 lowercase letters, digits, . _ -",
    ),
    (
        "not_a_backup",
        "{path} no es un archivo de copia",
        "{path} is not a backup file",
    ),
    (
        "backup_changed",
        "{path} cambió desde que se hizo (su suma en {sum} no coincide): se rechaza",
        "{path} has changed since it was made (its checksum in {sum} does not match): refusing it",
    ),
    (
        "backup_repaired",
        "{path} necesitó reparación: no es una copia sana",
        "{path} needed repair: not a sound backup",
    ),
    (
        "backup_foreign",
        "{path} es de otra tienda ({name}, caja {register}): se rechaza",
        "{path} belongs to another store ({name} register {register}): refusing it",
    ),
    (
        "store_unknown",
        "la tienda en {dir} no se puede leer, así que no se puede comparar con la copia; para restaurar una copia de cualquier tienda sobre ella, agregue --any-store",
        "the store in {dir} cannot be read, so it cannot be compared with the backup; to restore a backup of any store over it, add --any-store",
    ),
    (
        "not_verified",
        "{path} no pasa la verificación: {problem}",
        "{path} does not verify: {problem}",
    ),
    (
        "not_verified_count",
        "{path} no pasa la verificación: no tiene los documentos de la tienda",
        "{path} does not verify: it does not hold the store's documents",
    ),
    (
        "running_register",
        "la caja en uso: {said}",
        "the running register: {said}",
    ),
    (
        "request_unknown",
        "la caja no entendió la petición (¿es de otra versión de caja?)",
        "the register did not understand the request (is it another version of caja?)",
    ),
    (
        "folder_name",
        "{dir} no se puede pasar a la caja en uso; elija un nombre de carpeta más simple",
        "{dir} cannot be passed to the running register; choose a simpler folder name",
    ),
    (
        "date_backwards",
        "la fecha de negocio {given} es anterior a {last}, la fecha del último documento; las fechas nunca retroceden",
        "business date {given} is before {last}, the date of the last document; dates never go back",
    ),
    (
        "barcode_taken",
        "el código de barras {barcode} ya es del producto {sku}",
        "barcode {barcode} already belongs to product {sku}",
    ),
    (
        "refund_empty",
        "no hay nada que devolver",
        "nothing to refund",
    ),
    (
        "refund_no_such_line",
        "la venta no tiene línea {line}",
        "the sale has no line {line}",
    ),
    (
        "refund_repeated",
        "la línea {line} aparece dos veces",
        "line {line} appears twice",
    ),
    // The catalog and customer files.
    ("csv_at", "línea {line}: {what}", "line {line}: {what}"),
    (
        "csv_at_column",
        "línea {line}, columna {column}: {what}",
        "line {line}, column {column}: {what}",
    ),
    (
        "csv_cannot_read",
        "no se puede leer el archivo: {detail}",
        "cannot read the file: {detail}",
    ),
    (
        "csv_empty",
        "el archivo está vacío; se esperaba el encabezado {header}",
        "the file is empty; expected the header {header}",
    ),
    (
        "csv_unknown_column",
        "columna desconocida; se esperaba {expected}",
        "unknown column; expected {expected}",
    ),
    (
        "csv_unknown_catalog_column",
        "columna desconocida; se esperaba sku,barcode,name,price,tax_rate (y, si se quiere, más columnas barcode, active, sold_by y open_price)",
        "unknown column; expected sku,barcode,name,price,tax_rate (and optionally more barcode columns, active, sold_by and open_price)",
    ),
    (
        "csv_column_twice",
        "la columna aparece dos veces",
        "the column appears twice",
    ),
    ("csv_missing_column", "falta la columna", "missing column"),
    (
        "csv_not_utf8",
        "no es texto UTF-8; guarde el archivo como \"CSV UTF-8\"",
        "not UTF-8 text; save the file as \"CSV UTF-8\"",
    ),
    (
        "csv_negative_price",
        "'{price}': un precio no puede ser negativo",
        "'{price}': a price cannot be negative",
    ),
    (
        "csv_flag",
        "'{value}': use true o false",
        "'{value}': use true or false",
    ),
    (
        "csv_sold_by",
        "'{value}': use unit o weight",
        "'{value}': use unit or weight",
    ),
    (
        "csv_sku_again",
        "'{sku}' ya aparece en la línea {first}",
        "'{sku}' already appears on line {first}",
    ),
    (
        "csv_barcode_again",
        "'{barcode}' ya es del producto de la línea {first}",
        "'{barcode}' already belongs to the product on line {first}",
    ),
    (
        "csv_final_consumer",
        "el consumidor final no es un registro de cliente",
        "the final consumer is not a customer record",
    ),
    (
        "csv_stock_qty",
        "'{value}': una cantidad de unidades con hasta 3 decimales (un conteo desde 0, un ingreso mayor que 0, un ajuste distinto de 0)",
        "'{value}': a number of units with up to 3 decimals (a count from 0, a receipt above 0, an adjustment other than 0)",
    ),
    (
        "csv_stock_kind",
        "'{value}': use count, receipt o adjust",
        "'{value}': use count, receipt or adjust",
    ),
    (
        "csv_unknown_sku",
        "'{sku}' no está en el catálogo",
        "'{sku}' is not in the catalog",
    ),
    (
        "csv_stock_note",
        "la nota tiene caracteres de control o más de 200 caracteres",
        "the note has control characters or more than 200 characters",
    ),
    (
        "csv_customer_again",
        "{key} ya aparece en la línea {first}",
        "{key} already appears on line {first}",
    ),
    // The catalog's own rules for a product.
    (
        "cat_bad_sku",
        "el SKU está vacío, tiene más de 40 caracteres, o tiene espacios o caracteres de control: '{sku}'",
        "the SKU is empty or longer than 40 characters, or has spaces or control characters: '{sku}'",
    ),
    (
        "cat_bad_barcode",
        "'{barcode}' no es un código de barras: de 1 a 40 letras, dígitos o - . / sin espacios",
        "'{barcode}' is not a barcode: 1 to 40 letters, digits or - . / without spaces",
    ),
    (
        "csv_too_many_fields",
        "la fila tiene {found} campos y el encabezado {columns} columnas (¿un precio con coma decimal sin comillas?)",
        "the row has {found} fields and the header {columns} columns (a price with a decimal comma, unquoted?)",
    ),
    (
        "cat_name_empty",
        "el nombre está vacío",
        "the name is empty",
    ),
    (
        "cat_name_long",
        "el nombre tiene {chars} caracteres; a lo sumo 120",
        "the name has {chars} characters; at most 120",
    ),
    (
        "cat_name_control",
        "el nombre tiene un carácter de control en la posición {at}",
        "the name has a control character at position {at}",
    ),
    (
        "cat_negative_price",
        "el precio no puede ser negativo",
        "the price cannot be negative",
    ),
    ("product", "producto {sku}: {why}", "product {sku}: {why}"),
    // The pull history.
    (
        "history_imported",
        "{at} importado {file} ({rows} filas)",
        "{at} import {file} ({rows} rows)",
    ),
    (
        "history_superseded",
        "cliente {key}: la versión del servidor reemplazó la edición {number} de esta caja (la edición queda en el servidor tal como se envió)",
        "customer {key}: the server's version replaced this register's edit {number} (the edit stays on the server as pushed)",
    ),
    (
        "journal_write",
        "no se puede escribir el diario: {detail}",
        "cannot write the journal: {detail}",
    ),
    // The printer and the drawer.
    (
        "prn_refused",
        "la impresora no acepta la conexión",
        "the printer refuses the connection",
    ),
    (
        "prn_timed_out",
        "la impresora no respondió a tiempo",
        "the printer did not answer in time",
    ),
    (
        "prn_not_found",
        "el dispositivo no está ({detail})",
        "the device is not there ({detail})",
    ),
    (
        "prn_denied",
        "sin permiso para abrir el dispositivo; ¿el usuario está en el grupo dialout o lp? ({detail})",
        "no permission to open the device; is the user in the dialout or lp group? ({detail})",
    ),
    (
        "prn_busy",
        "el dispositivo está ocupado por otro programa",
        "the device is busy with another program",
    ),
    (
        "prn_device",
        "[printer] device no sirve: {detail}",
        "[printer] device cannot be used: {detail}",
    ),
    (
        "prn_spool",
        "la cola de impresión no se puede leer: {detail}",
        "the print spool cannot be read: {detail}",
    ),
    (
        "prn_document",
        "no se puede imprimir: {detail}",
        "cannot be printed: {detail}",
    ),
    (
        "prn_no_drawer",
        "una impresora de archivo no tiene cajón",
        "no drawer on a file printer",
    ),
    (
        "prn_unreachable",
        "impresora sin conexión",
        "printer unreachable",
    ),
    ("prn_waiting", "en espera", "waiting"),
    ("test_page", "página de prueba", "test page"),
    (
        "test_page_title",
        "caja: página de prueba ({code_page}, {columns} columnas)",
        "caja test page ({code_page}, {columns} columns)",
    ),
    // caja.toml.
    ("config_or", "{some} o {last}", "{some} or {last}"),
    (
        "config_choice",
        "{key} = \"{value}\": use {choices}",
        "{key} = \"{value}\": use {choices}",
    ),
    (
        "config_at_least_one",
        "{key} debe ser al menos 1",
        "{key} must be at least 1",
    ),
    (
        "config_range",
        "{key} = {value}: use de {from} a {to}",
        "{key} = {value}: use {from} to {to}",
    ),
    (
        "config_value",
        "{key} = \"{value}\": {why}",
        "{key} = \"{value}\": {why}",
    ),
    (
        "config_amount",
        "un monto, por ejemplo \"1000000\"",
        "an amount, e.g. \"1000000\"",
    ),
    ("config_time", "use HH:MM", "use HH:MM"),
    (
        "config_device",
        "use serial:/dev/ttyUSB0?baud=9600",
        "use serial:/dev/ttyUSB0?baud=9600",
    ),
    (
        "config_scale",
        "scale.labels[{index}]: {why}",
        "scale.labels[{index}]: {why}",
    ),
    (
        "scale_prefix",
        "el prefijo \"{prefix}\" no son dígitos",
        "prefix \"{prefix}\" is not digits",
    ),
    (
        "scale_no_value",
        "el prefijo \"{prefix}\" y {digits} dígitos de artículo no dejan dígitos para el valor",
        "prefix \"{prefix}\" and {digits} item digits leave no digit for the value",
    ),
    (
        "scale_decimals",
        "{decimals} decimales no caben en {digits} dígitos de valor (a lo sumo {most})",
        "{decimals} decimals do not fit {digits} value digits (at most {most})",
    ),
    // A rebuild's losses.
    (
        "part_from_backup",
        "{part} (de la copia {backup})",
        "{part} (from the backup {backup})",
    ),
    (
        "lost_part",
        "{what} después de {rows}: {why}",
        "{what} after the {rows}th: {why}",
    ),
    (
        "lost_store",
        "la tienda dañada no se puede leer ({why})",
        "the damaged store cannot be read ({why})",
    ),
    (
        "lost_from_backup",
        "la tienda dañada no se puede leer: se pierden los tiquetes en espera y los rechazos de sincronización; el catálogo, los usuarios, los clientes y la configuración vienen de la copia (se pierden los cambios posteriores a ella)",
        "the damaged store cannot be read: held tickets and sync refusals are lost; catalog, users, customers and settings come from the backup (changes made after it are lost)",
    ),
    (
        "lost_no_backup",
        "catálogo, usuarios, clientes y configuración: la tienda dañada no se puede leer y no se encontró una copia de esta tienda; importe el catálogo y vuelva a crear los usuarios (o restaure una copia)",
        "catalog, users, customers and settings: the damaged store cannot be read and no backup of this store was found; import the catalog and add users again (or restore a backup)",
    ),
    (
        "lost_missing",
        "el documento #{seq} no está ni en el diario ni en la tienda; la cadena se detiene en #{last}",
        "document #{seq} is in neither the journal nor the store; the chain stops at #{last}",
    ),
    (
        "lost_unchained",
        "el documento #{seq} no sigue la cadena; la cadena se detiene en #{last}",
        "document #{seq} does not follow the chain; the chain stops at #{last}",
    ),
    // The sync client's failures.
    (
        "sync_not_configured",
        "la sincronización no está configurada ([sync] url está vacío)",
        "sync is not configured ([sync] url is empty)",
    ),
    (
        "sync_unreachable",
        "no se puede llegar a {url}: {why}",
        "cannot reach {url}: {why}",
    ),
    (
        "net_refused",
        "nadie responde en esa dirección (¿el servidor está detenido o el puerto es otro?)",
        "nothing answers at that address (is the server stopped, or the port wrong?)",
    ),
    (
        "net_timed_out",
        "el servidor no respondió a tiempo",
        "the server did not answer in time",
    ),
    (
        "net_host_not_found",
        "el nombre del servidor no se encuentra",
        "the server's name is not found",
    ),
    (
        "net_no_route",
        "no hay ruta hasta esa dirección (¿la red está caída?)",
        "no route to that address (is the network down?)",
    ),
    (
        "net_dropped",
        "la conexión se cortó",
        "the connection was cut",
    ),
    (
        "net_ca_as_server",
        "el hub presenta un certificado de autoridad (CA:TRUE, el que openssl hace por defecto), que TLS no acepta como de un servidor: en el hub, `caja hub cert --host NOMBRE` hace uno que sirve",
        "the hub presents a certificate authority's certificate (CA:TRUE, what openssl makes by default), which TLS does not accept as a server's: on the hub, `caja hub cert --host NAME` makes one that works",
    ),
    (
        "net_untrusted",
        "el certificado TLS del servidor no es de confianza ({detail}): para el hub de la tienda, ponga en [sync] ca_file su certificado",
        "the server's TLS certificate is not trusted ({detail}): for the shop's own hub, set [sync] ca_file to its certificate",
    ),
    (
        "net_ca_unreadable",
        "no se puede leer: {detail}",
        "cannot read it: {detail}",
    ),
    (
        "net_ca_no_pem",
        "no tiene un certificado PEM",
        "no PEM certificate in it",
    ),
    (
        "doc_refused",
        "documento del catálogo {id}: {why}",
        "catalog document {id}: {why}",
    ),
    (
        "doc_stopped",
        "{refusal}; el catálogo quedó como estaba",
        "{refusal}; the catalog was left as it was",
    ),
    (
        "doc_missing",
        "{field} falta o no es texto",
        "{field} is missing or not a string",
    ),
    (
        "doc_sku_not_id",
        "su sku {sku} no coincide con el id",
        "its sku {sku} does not match the id",
    ),
    (
        "doc_barcode_not_text",
        "un código de barras no es texto",
        "a barcode is not a string",
    ),
    (
        "doc_barcodes_not_list",
        "barcodes no es una lista",
        "barcodes is not a list",
    ),
    (
        "doc_sold_by",
        "sold_by no es \"unit\" ni \"weight\"",
        "sold_by is not \"unit\" or \"weight\"",
    ),
    (
        "doc_open_price",
        "open_price no es true ni false",
        "open_price is not true or false",
    ),
    (
        "doc_key_not_id",
        "sus campos nombran a {key}",
        "its fields name {key}",
    ),
    (
        "doc_points",
        "points: '{value}' no es un número entero en texto",
        "points: '{value}' is not a whole number in a string",
    ),
    (
        "sync_status",
        "{url} respondió {status}: {body}",
        "{url} answered {status}: {body}",
    ),
    (
        "sync_auth",
        "el servidor rechazó el usuario de la caja ({status}): revise [sync] user y password",
        "the server refused the register's user ({status}): check [sync] user and password",
    ),
    (
        "sync_claimed",
        "la caja {code} ya la reclamó en el servidor otra tienda ({other}); dos cajas con un mismo código mezclarían sus documentos. Una caja reinstalada toma su código con `caja sync --take-over`",
        "register {code} is claimed on the server by another store ({other}); two registers with one code would mix their documents. A reinstalled register takes its code over with `caja sync --take-over`",
    ),
    (
        "sync_collision",
        "el servidor tiene {id} en otra revisión que la de esta caja (otra tienda usó este código de caja, o la copia del servidor cambió); no se envió, y la copia de esta caja sigue siendo la válida",
        "the server holds {id} at another revision than this register's (another store used this register code, or the server's copy was changed); not pushed, and this register's copy stays the one of record",
    ),
    (
        "sync_take_over_clash",
        "esta tienda ya numeró {number}, un número que el servidor tiene de otra tienda con este código de caja; los documentos sellados no se renumeran. Restaure la copia de la caja, o tome el código desde una tienda nueva antes de vender",
        "this store already numbered {number}, a number the server holds for another store with this register code; sealed documents cannot be renumbered. Restore the register's backup instead, or take the code over from a fresh store before selling",
    ),
    (
        "sync_protocol",
        "la respuesta del servidor no es la que envía CouchDB: {detail}",
        "the server's answer is not what CouchDB sends: {detail}",
    ),
    // Faults (the command line's words; the register names them on its own screens).
    (
        "not_initialized",
        "no hay una caja configurada en {dir} (ejecute `caja init` o inicie `caja` para la configuración inicial)",
        "no register has been set up in {dir} (run `caja init` or start `caja` for the first-run setup)",
    ),
    (
        "already_exists",
        "{path} ya tiene una tienda; no se sobrescribe",
        "{path} already holds a store; refusing to overwrite it",
    ),
    (
        "in_use",
        "la caja está en uso: una caja en marcha tiene abierto {path}; deténgala primero (un usuario bloqueado se desbloquea desde su menú de supervisor, F9); `caja journal`, `check`, `doctor`, `backup` y las exportaciones de catálogo y clientes funcionan mientras vende",
        "the register is in use: a running caja has {path} open; stop it first (a locked user is unlocked from its supervisor menu, F9); `caja journal`, `check`, `doctor`, `backup` and the catalog and customer exports work while it sells",
    ),
    (
        "newer_schema",
        "{path} lo escribió una caja más nueva (esquema {found}; esta lee hasta el {supported}); actualice caja",
        "{path} was written by a newer caja (schema {found}, this one reads up to {supported}); update caja",
    ),
    (
        "corrupt",
        "la tienda está dañada: {detail}",
        "the store is damaged: {detail}",
    ),
    (
        "nonsense_page",
        "una página sin sentido",
        "a page that makes no sense",
    ),
    (
        "not_a_store",
        "{path} no es un archivo de tienda de caja",
        "{path} is not a caja store file",
    ),
    (
        "unreadable_file",
        "{path} no se puede leer ({detail}); `caja rebuild` recupera todas las ventas del diario electrónico",
        "{path} cannot be read ({detail}); `caja rebuild` recovers every sale from the electronic journal",
    ),
    (
        "damaged",
        "la tienda se encontró dañada ({detail}); no se escriben más documentos en ella: reinicie la caja, que ofrece reconstruirla",
        "the store was found damaged ({detail}); no more documents are written to it: restart the register, which offers the rebuild",
    ),
    (
        "db",
        "archivo de la tienda: {detail}",
        "store file: {detail}",
    ),
];

/// The text of the store's `key` in `lang`; an unknown key reads as itself.
pub fn store_text(lang: Language, key: &'static str) -> &'static str {
    TEXTS
        .iter()
        .find(|(k, _, _)| *k == key)
        .map_or(key, |(_, es, en)| match lang {
            Language::Es => es,
            Language::En => en,
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_word_with_the_same_placeholders() {
        let es: Vec<&str> = TEXTS.iter().map(|t| t.1).collect();
        let en: Vec<&str> = TEXTS.iter().map(|t| t.2).collect();
        crate::i18n::tests::same_words(&es, &en);
        let mut keys: Vec<&str> = TEXTS.iter().map(|t| t.0).collect();
        keys.sort_unstable();
        keys.dedup();
        assert_eq!(keys.len(), TEXTS.len(), "a key twice");
    }
}
