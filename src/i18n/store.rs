//! The words of what goes wrong below the screens, by key, in both languages: each problem and
//! note the store's check can find, each refusal a person can meet, a rebuild's losses, the
//! pull history, the sync client's and the printer's failures, the catalog and customer files'
//! errors and caja.toml's problems. Each typed error (`store::check::Problem`,
//! `store::Refusal`, `sync::client::SyncError`, `devices::printer::Fault`, `csvio::CsvError`,
//! `config::ConfigProblem`, ...) names its keys and fills the values; its `Display` is the
//! English, for logs.

use super::Language;

/// Declares [`Word`], one variant per entry, and its text in each language: a word that is
/// not in the table is not a variant, so a misspelt key does not compile.
macro_rules! words {
    ($(($key:ident, $es:literal, $en:literal $(,)?)),* $(,)?) => {
        /// A word of the store's catalogue (see the module's head).
        #[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
        pub enum Word {
            $($key),*
        }

        impl Word {
            /// Every word, in the table's order.
            pub const ALL: &[Word] = &[$(Word::$key),*];

            /// The word in `lang`, its keys written from the keymap (`{key:menu}` reads "F9").
            pub fn text(self, lang: Language) -> &'static str {
                let raw = self.written(lang);
                if !raw.contains("{key:") {
                    return raw;
                }
                static KEYED: std::sync::LazyLock<[Vec<&'static str>; 2]> =
                    std::sync::LazyLock::new(|| {
                        [Language::Es, Language::En].map(|lang| {
                            Word::ALL
                                .iter()
                                .map(|w| -> &'static str {
                                    let s = w.written(lang);
                                    if s.contains("{key:") {
                                        Box::leak(crate::keymap::with_keys(s).into_boxed_str())
                                    } else {
                                        s
                                    }
                                })
                                .collect()
                        })
                    });
                let i = usize::from(lang == Language::En);
                KEYED[i].get(self as usize).copied().unwrap_or(raw)
            }

            /// The word in `lang` as the table writes it.
            pub(crate) fn written(self, lang: Language) -> &'static str {
                match lang {
                    Language::Es => match self {
                        $(Word::$key => $es),*
                    },
                    Language::En => match self {
                        $(Word::$key => $en),*
                    },
                }
            }
        }
    };
}

words![
    (
        PageChecks,
        "el archivo de la tienda falla las verificaciones de página de redb (una falla del disco); `caja rebuild` recupera todas las ventas del diario electrónico",
        "the store file fails redb's page checks (a disk fault); `caja rebuild` recovers every sale from the electronic journal",
    ),
    (
        Unreadable,
        "la tienda no se puede leer: {detail}",
        "the store cannot be read: {detail}",
    ),
    (
        NotComparable,
        "la tienda no se puede comparar con su diario ({detail})",
        "the store cannot be compared with its journal ({detail})",
    ),
    (
        JournalHeader,
        "archivo del diario {file}: {detail}",
        "journal file {file}: {detail}",
    ),
    (
        JournalBytes,
        "archivo del diario {file}: los bytes {from} a {to} están dañados (se usa la copia de esos documentos que tiene la tienda)",
        "journal file {file}: bytes {from} to {to} are damaged (the store's copy of those documents is used)",
    ),
    (
        JournalBytesAlone,
        "archivo del diario {file}: los bytes {from} a {to} están dañados",
        "journal file {file}: bytes {from} to {to} are damaged",
    ),
    (
        JournalGap,
        "diario: faltan los documentos #{from} a #{to}",
        "journal: documents #{from} to #{to} are missing",
    ),
    (
        JournalGapOne,
        "diario: falta el documento #{from}",
        "journal: document #{from} is missing",
    ),
    (
        JournalRecordHash,
        "registro #{seq} del diario: el documento no coincide con su hash",
        "journal record #{seq}: the document does not match its hash",
    ),
    (
        JournalDiffers,
        "documento #{seq}: el diario y la tienda guardan documentos distintos",
        "document #{seq}: the journal and the store hold different documents",
    ),
    (Journal, "diario: {detail}", "journal: {detail}"),
    (
        Gap,
        "faltan los documentos #{from} a #{to} en la cadena",
        "documents #{from} to #{to} are missing from the chain",
    ),
    (
        GapOne,
        "falta el documento #{from} en la cadena",
        "document #{from} is missing from the chain",
    ),
    (
        UnreadableDocument,
        "el documento #{seq} no se puede leer: {detail}",
        "document #{seq} cannot be read: {detail}",
    ),
    (
        UnreadableRecord,
        "el registro #{seq} del diario no es un documento que esta caja sepa leer",
        "journal record #{seq} is not a document this caja can read",
    ),
    (
        NewerRecord,
        "el registro #{seq} del diario lo escribió una caja más nueva (registro versión {version}); actualice caja",
        "journal record #{seq} was written by a newer caja (record version {version}); update caja",
    ),
    (
        JournalForeign,
        "el archivo del diario {file} pertenece a la tienda {name} ({id}…), no a esta: sáquelo de la carpeta journal (esta tienda no cambió y rehace su diario al abrir)",
        "journal file {file} belongs to store {name} ({id}…), not to this one: move it out of the journal folder (this store is unchanged and rewrites its journal when it opens)",
    ),
    (
        DiskFullFree,
        "el disco está lleno ({mib} MiB libres): no se guardó; libere espacio (copias viejas, registros) y vuelva a intentar",
        "the disk is full ({mib} MiB free): not saved; free some space (old backups, logs) and try again",
    ),
    (
        DiskFull,
        "el disco está lleno: no se guardó; libere espacio (copias viejas, registros) y vuelva a intentar",
        "the disk is full: not saved; free some space (old backups, logs) and try again",
    ),
    (
        DiskReadOnly,
        "el disco quedó de solo lectura (la tarjeta puede estar fallando): nada se puede guardar; haga ya una copia (`caja backup --to` funciona así) y llame al técnico",
        "the disk became read-only (the card may be failing): nothing can be saved; take a backup now (`caja backup --to` works like this) and call the technician",
    ),
    (
        DiskEarlier,
        "una escritura anterior en el disco falló: la caja vuelve a abrir la tienda antes de la próxima; vuelva a intentar",
        "an earlier write to the disk failed: the register reopens the store before the next one; try again",
    ),
    (
        HubShortPassword,
        "una contraseña necesita al menos 8 caracteres",
        "a password needs at least 8 characters",
    ),
    (
        HubInUse,
        "un hub en marcha tiene abierta esta carpeta y no responde en su hub.sock: detenga ese hub, o use un caja igual de nuevo que él",
        "a running hub has this folder open and does not answer on its hub.sock: stop that hub, or use a caja as new as it is",
    ),
    (
        JournalNotWhole,
        "la caja está vendiendo y su diario electrónico no está completo ({problem}): `caja journal` lee el diario mientras la caja vende; detenga la caja para leer la tienda, o use `caja check`",
        "the register is selling and its electronic journal is not whole ({problem}): `caja journal` reads the journal while the register sells; stop the register to read the store, or run `caja check`",
    ),
    (
        JournalEmpty,
        "el diario no tiene ningún archivo legible",
        "the journal has no readable file",
    ),
    (
        JournalSetAside,
        "diario: desde el registro #{from} no se pudo pasar a la tienda ({why}); se guardó aparte en journal/{file}, y la tienda sigue desde su último documento",
        "journal: from record #{from} on nothing could be replayed into the store ({why}); kept aside in journal/{file}, and the store goes on from its last document",
    ),
    (
        HeaderEmpty,
        "el archivo está vacío (su creación se cortó, p. ej. por un disco lleno)",
        "the file is empty (making it was cut short, for example by a full disk)",
    ),
    (
        HeaderNotJournal,
        "no es un archivo del diario de caja",
        "not a caja journal file",
    ),
    (
        HeaderNewer,
        "lo escribió una caja más nueva (formato {found}; esta lee hasta el {supported}); actualice caja",
        "written by a newer caja (format {found}; this one reads up to {supported}); update caja",
    ),
    (
        HeaderCutShort,
        "su encabezado está cortado",
        "its header is cut short",
    ),
    (
        HeaderChecksum,
        "la suma de verificación de su encabezado no coincide",
        "its header's checksum does not match",
    ),
    (
        HeaderUndecodable,
        "su encabezado no se puede leer",
        "its header cannot be read",
    ),
    (
        UnreadableProduct,
        "el producto {sku} no se puede leer: {detail}",
        "product {sku} cannot be read: {detail}",
    ),
    (
        ChainBroken,
        "{number}: no sigue al documento anterior (cadena rota)",
        "{number}: does not follow the previous document (chain broken)",
    ),
    (
        Edited,
        "{number}: el contenido no coincide con su hash (editado después de guardarse)",
        "{number}: content does not match its hash (edited after commit)",
    ),
    (
        Numbering,
        "{number}: se esperaba el número {expected} (salto o repetición)",
        "{number}: expected number {expected} (gap or reuse)",
    ),
    (
        Counters,
        "{number}: los contadores de las series no concuerdan con la cadena",
        "{number}: series counters disagree with the chain",
    ),
    (
        ForeignNumber,
        "{number}: el número o la caja no pertenecen a la caja {register}",
        "{number}: number or register does not belong to register {register}",
    ),
    (
        DateBack,
        "{number}: la fecha de negocio {date} retrocede",
        "{number}: business date {date} goes back",
    ),
    (
        DateClosed,
        "{number}: la fecha de negocio {date} ya estaba cerrada",
        "{number}: business date {date} was already closed",
    ),
    (
        ZMismatch,
        "{number}: el reporte Z no concuerda con los documentos del día",
        "{number}: the Z report does not match the day's documents",
    ),
    (Figures, "{number}: {detail}", "{number}: {detail}"),
    (
        DocMismatch,
        "las cifras guardadas no concuerdan con las líneas: {part}",
        "the stored figures do not match the lines: {part}",
    ),
    (
        RefundOver,
        "{number}: devuelve más de la línea {line} de {original} de lo que se vendió",
        "{number}: refunds more of {original} line {line} than was sold",
    ),
    (
        RefundNoLine,
        "{number}: devuelve la línea {line} de {original}, que no es una línea de una venta anterior",
        "{number}: refunds {original} line {line}, which is not an earlier sale line",
    ),
    (
        NoSaleUnauthorized,
        "{number}: una apertura del cajón sin supervisor",
        "{number}: a drawer opening without a supervisor",
    ),
    (
        CashMoveNotPositive,
        "{number}: el monto de un movimiento de efectivo debe ser positivo",
        "{number}: cash movement amount must be positive",
    ),
    (
        VoidUnauthorized,
        "{number}: una línea anulada después del pago sin supervisor",
        "{number}: a line voided after payment without a supervisor",
    ),
    (
        VoidNegative,
        "{number}: una anulación de un monto negativo",
        "{number}: a void of a negative amount",
    ),
    (
        CancelUnauthorized,
        "{number}: un tiquete con pagos cancelado sin supervisor",
        "{number}: a ticket with tenders cancelled without a supervisor",
    ),
    (
        OrphanBarcode,
        "el código de barras {barcode} apunta al producto {sku}, que no existe",
        "barcode {barcode} points to missing product {sku}",
    ),
    (
        BarcodeNotIndexed,
        "producto {sku}: el código de barras {barcode} no está indexado a él",
        "product {sku}: barcode {barcode} is not indexed to it",
    ),
    (
        NoteUnclosed,
        "la caja se detuvo sin cerrarse (un corte de luz o un kill); la tienda volvió a su último punto de control, y la caja reproduce el resto desde el diario al abrir",
        "the register stopped without closing (a power cut or a kill); the store went back to its last checkpoint, and the register replays the rest from the journal when it opens",
    ),
    (
        NoteJournalBehind,
        "los documentos #{from} a #{to} no están en el diario (la caja los escribe allí al abrir)",
        "documents #{from} to #{to} are not in the journal (the register writes them there when it opens)",
    ),
    // Refusals.
    (
        DayAlreadyOpen,
        "la fecha de negocio {open} ya está abierta; ciérrela (Z) antes de abrir otra",
        "business date {open} is already open; close it (Z) before opening another",
    ),
    (
        NotAFolder,
        "{dir} es un archivo, no una carpeta: dé la carpeta donde guardar las copias (donde está montada la USB)",
        "{dir} is a file, not a folder: give the folder to keep the backups in (where the USB stick is mounted)",
    ),
    (
        OsNotFound,
        "el archivo o la carpeta no existe",
        "the file or folder does not exist",
    ),
    (
        OsPermission,
        "sin permiso: revise el dueño y los permisos del archivo o la carpeta",
        "permission denied: check the owner and the permissions of the file or folder",
    ),
    (
        OsIsDir,
        "es una carpeta, no un archivo",
        "it is a folder, not a file",
    ),
    (OsNotDir, "no es una carpeta", "it is not a folder"),
    (OsExists, "ya existe", "it exists already"),
    (OsTimedOut, "se agotó el tiempo de espera", "it timed out",),
    (OsOther, "el sistema dice: {why}", "the system says: {why}",),
    (
        WhynotNoFile,
        "no hay archivo de la tienda",
        "there is no store file",
    ),
    (
        WhynotLocked,
        "el archivo de la tienda quedó bloqueado por una apertura que falló",
        "the store file is locked by an open that failed",
    ),
    (
        WhynotCopy,
        "no se pudo copiar para repararlo: {why}",
        "it could not be copied for a repair: {why}",
    ),
    (
        WhynotDatabase,
        "no abre ni después de repararlo ({why})",
        "it does not open even after a repair ({why})",
    ),
    (
        DaySame,
        "la fecha de negocio {date} ya es la abierta: no hay nada que corregir",
        "business date {date} is the one open already: there is nothing to correct",
    ),
    (
        DayHasSales,
        "la fecha de negocio {date} ya tiene documentos ({number}) y sus fechas no se reescriben: ciérrela con el Z; la fecha siguiente sigue al último cierre",
        "business date {date} has documents already ({number}) and their dates are never rewritten: close it with the Z; the next date follows the last close",
    ),
    (
        DayNeedsSupervisor,
        "la fecha de negocio {date} está más de un día después del último cierre; un supervisor debe confirmarla",
        "business date {date} is more than one day after the last close; a supervisor must confirm it",
    ),
    (
        DayNotThis,
        "la fecha de negocio abierta es {open}, no {date}",
        "business date {open} is open, not {date}",
    ),
    (
        NoDayOpen,
        "no hay una fecha de negocio abierta",
        "no business date is open",
    ),
    (
        NoDayOpenFor,
        "no hay una fecha de negocio abierta; abra {date} primero",
        "no business date is open; open {date} first",
    ),
    (
        ShiftAlreadyOpen,
        "{cashier} ya tiene un turno abierto",
        "{cashier} already has a shift open",
    ),
    (
        NoShift,
        "{cashier} no tiene un turno abierto",
        "{cashier} has no shift open",
    ),
    (
        CannotClose,
        "no se puede cerrar {date}: {why}",
        "cannot close {date}: {why}",
    ),
    (
        BlockerShift,
        "el turno de {cashier} está abierto",
        "the shift of {cashier} is open",
    ),
    (
        BlockerHeld,
        "{count} tiquete(s) en espera",
        "{count} ticket(s) are on hold",
    ),
    (
        FloatNegative,
        "la base no puede ser negativa",
        "a float cannot be negative",
    ),
    (
        CountedNegative,
        "el efectivo contado no puede ser negativo",
        "counted cash cannot be negative",
    ),
    (
        ProductTwice,
        "el producto {sku} aparece dos veces",
        "product {sku} appears twice",
    ),
    (
        FinalConsumer,
        "el consumidor final no es un registro de cliente; deje la venta sin cliente",
        "the final consumer is not a customer record; leave the sale without one",
    ),
    (
        NothingChanged,
        "{key}: no cambió nada",
        "{key}: nothing changed",
    ),
    (
        CustomerTwice,
        "{key} aparece dos veces",
        "{key} appears twice",
    ),
    (CustomerRow, "{key}: {why}", "{key}: {why}"),
    (
        HeldWithTenders,
        "un tiquete con pagos tomados solo lo borra un supervisor",
        "a ticket with tenders taken is deleted only by a supervisor",
    ),
    (
        RangeEmpty,
        "el rango {from}-{to} está vacío",
        "range {from}-{to} is empty",
    ),
    (
        BadUserName,
        "'{name}' no es un nombre de usuario: de 1 a 24 minúsculas, dígitos, . _ -",
        "'{name}' is not a user name: 1 to 24 lowercase letters, digits, . _ -",
    ),
    (
        NotABackup,
        "{path} no es un archivo de copia",
        "{path} is not a backup file",
    ),
    (
        BackupChanged,
        "{path} cambió desde que se hizo (su suma en {sum} no coincide): se rechaza",
        "{path} has changed since it was made (its checksum in {sum} does not match): refusing it",
    ),
    (
        BackupRepaired,
        "{path} necesitó reparación: no es una copia sana",
        "{path} needed repair: not a sound backup",
    ),
    (
        BackupForeign,
        "{path} es de otra tienda ({name}, caja {register}): se rechaza",
        "{path} belongs to another store ({name} register {register}): refusing it",
    ),
    (
        StoreUnknown,
        "la tienda en {dir} no se puede leer, así que no se puede comparar con la copia; para restaurar una copia de cualquier tienda sobre ella, agregue --any-store",
        "the store in {dir} cannot be read, so it cannot be compared with the backup; to restore a backup of any store over it, add --any-store",
    ),
    (
        NotVerified,
        "{path} no pasa la verificación: {problem}",
        "{path} does not verify: {problem}",
    ),
    (
        NotVerifiedCount,
        "{path} no pasa la verificación: no tiene los documentos de la tienda",
        "{path} does not verify: it does not hold the store's documents",
    ),
    (
        RunningRegister,
        "la caja en uso: {said}",
        "the running register: {said}",
    ),
    (
        RequestUnknown,
        "la caja no entendió la petición (¿es de otra versión de caja?)",
        "the register did not understand the request (is it another version of caja?)",
    ),
    (
        FolderName,
        "{dir} no se puede pasar a la caja en uso; elija un nombre de carpeta más simple",
        "{dir} cannot be passed to the running register; choose a simpler folder name",
    ),
    (
        DateBackwards,
        "la fecha de negocio {given} es anterior a {last}, la fecha del último documento; las fechas nunca retroceden",
        "business date {given} is before {last}, the date of the last document; dates never go back",
    ),
    (
        BarcodeTaken,
        "el código de barras {barcode} ya es del producto {sku}",
        "barcode {barcode} already belongs to product {sku}",
    ),
    (RefundEmpty, "no hay nada que devolver", "nothing to refund",),
    (
        RefundNoSuchLine,
        "la venta no tiene línea {line}",
        "the sale has no line {line}",
    ),
    (
        RefundRepeated,
        "la línea {line} aparece dos veces",
        "line {line} appears twice",
    ),
    // The catalog and customer files.
    (CsvAt, "línea {line}: {what}", "line {line}: {what}"),
    (
        CsvAtColumn,
        "línea {line}, columna {column}: {what}",
        "line {line}, column {column}: {what}",
    ),
    (
        CsvCannotRead,
        "no se puede leer el archivo: {detail}",
        "cannot read the file: {detail}",
    ),
    (
        CsvEmpty,
        "el archivo está vacío; se esperaba el encabezado {header}",
        "the file is empty; expected the header {header}",
    ),
    (
        CsvUnknownColumn,
        "columna desconocida; se esperaba {expected}",
        "unknown column; expected {expected}",
    ),
    (
        CsvUnknownCatalogColumn,
        "columna desconocida; se esperaba sku,barcode,name,price,tax_rate (y, si se quiere, más columnas barcode, active, sold_by y open_price)",
        "unknown column; expected sku,barcode,name,price,tax_rate (and optionally more barcode columns, active, sold_by and open_price)",
    ),
    (
        CsvColumnTwice,
        "la columna aparece dos veces",
        "the column appears twice",
    ),
    (CsvMissingColumn, "falta la columna", "missing column"),
    (
        CsvNotUtf8,
        "no es texto UTF-8; guarde el archivo como \"CSV UTF-8\"",
        "not UTF-8 text; save the file as \"CSV UTF-8\"",
    ),
    (
        CsvNegativePrice,
        "'{price}': un precio no puede ser negativo",
        "'{price}': a price cannot be negative",
    ),
    (
        CsvFlag,
        "'{value}': use true o false",
        "'{value}': use true or false",
    ),
    (
        CsvSoldBy,
        "'{value}': use unit o weight",
        "'{value}': use unit or weight",
    ),
    (
        CsvSkuAgain,
        "'{sku}' ya aparece en la línea {first}",
        "'{sku}' already appears on line {first}",
    ),
    (
        CsvBarcodeAgain,
        "'{barcode}' ya es del producto de la línea {first}",
        "'{barcode}' already belongs to the product on line {first}",
    ),
    (
        CsvFinalConsumer,
        "el consumidor final no es un registro de cliente",
        "the final consumer is not a customer record",
    ),
    (
        CsvStockQty,
        "'{value}': una cantidad de unidades con hasta 3 decimales (un conteo desde 0, un ingreso mayor que 0, un ajuste distinto de 0)",
        "'{value}': a number of units with up to 3 decimals (a count from 0, a receipt above 0, an adjustment other than 0)",
    ),
    (
        CsvStockKind,
        "'{value}': use count, receipt o adjust",
        "'{value}': use count, receipt or adjust",
    ),
    (
        CsvUnknownSku,
        "'{sku}' no está en el catálogo",
        "'{sku}' is not in the catalog",
    ),
    (
        CsvStockNote,
        "la nota tiene caracteres de control o más de 200 caracteres",
        "the note has control characters or more than 200 characters",
    ),
    (
        CsvCustomerAgain,
        "{key} ya aparece en la línea {first}",
        "{key} already appears on line {first}",
    ),
    // The catalog's own rules for a product.
    (
        CatBadSku,
        "el SKU está vacío, tiene más de 40 caracteres, o tiene espacios o caracteres de control: '{sku}'",
        "the SKU is empty or longer than 40 characters, or has spaces or control characters: '{sku}'",
    ),
    (
        CatBadBarcode,
        "'{barcode}' no es un código de barras: de 1 a 40 letras, dígitos o - . / sin espacios",
        "'{barcode}' is not a barcode: 1 to 40 letters, digits or - . / without spaces",
    ),
    (
        CsvTooManyFields,
        "la fila tiene {found} campos y el encabezado {columns} columnas (¿un precio con coma decimal sin comillas?)",
        "the row has {found} fields and the header {columns} columns (a price with a decimal comma, unquoted?)",
    ),
    (CatNameEmpty, "el nombre está vacío", "the name is empty",),
    (
        CatNameLong,
        "el nombre tiene {chars} caracteres; a lo sumo 120",
        "the name has {chars} characters; at most 120",
    ),
    (
        CatNameControl,
        "el nombre tiene un carácter de control en la posición {at}",
        "the name has a control character at position {at}",
    ),
    (
        CatNegativePrice,
        "el precio no puede ser negativo",
        "the price cannot be negative",
    ),
    (Product, "producto {sku}: {why}", "product {sku}: {why}"),
    // The pull history.
    (
        HistoryImported,
        "{at} importado {file} ({rows} filas)",
        "{at} import {file} ({rows} rows)",
    ),
    (
        HistorySuperseded,
        "cliente {key}: la versión del servidor reemplazó la edición {number} de esta caja (la edición queda en el servidor tal como se envió)",
        "customer {key}: the server's version replaced this register's edit {number} (the edit stays on the server as pushed)",
    ),
    (
        JournalWrite,
        "no se puede escribir el diario: {detail}",
        "cannot write the journal: {detail}",
    ),
    // The printer and the drawer.
    (
        PrnRefused,
        "la impresora no acepta la conexión",
        "the printer refuses the connection",
    ),
    (
        PrnTimedOut,
        "la impresora no respondió a tiempo",
        "the printer did not answer in time",
    ),
    (
        PrnNotFound,
        "el dispositivo no está ({detail})",
        "the device is not there ({detail})",
    ),
    (
        PrnDenied,
        "sin permiso para abrir el dispositivo; ¿el usuario está en el grupo dialout o lp? ({detail})",
        "no permission to open the device; is the user in the dialout or lp group? ({detail})",
    ),
    (
        PrnBusy,
        "el dispositivo está ocupado por otro programa",
        "the device is busy with another program",
    ),
    (
        PrnDevice,
        "[printer] device no sirve: {detail}",
        "[printer] device cannot be used: {detail}",
    ),
    (
        PrnSpool,
        "la cola de impresión no se puede leer: {detail}",
        "the print spool cannot be read: {detail}",
    ),
    (
        PrnDocument,
        "no se puede imprimir: {detail}",
        "cannot be printed: {detail}",
    ),
    (
        PrnNoDrawer,
        "una impresora de archivo no tiene cajón",
        "no drawer on a file printer",
    ),
    (
        PrnUnreachable,
        "impresora sin conexión",
        "printer unreachable",
    ),
    (PrnWaiting, "en espera", "waiting"),
    (TestPage, "página de prueba", "test page"),
    (
        TestPageTitle,
        "caja: página de prueba ({code_page}, {columns} columnas)",
        "caja test page ({code_page}, {columns} columns)",
    ),
    // caja.toml.
    (ConfigOr, "{some} o {last}", "{some} or {last}"),
    (
        ConfigChoice,
        "{key} = \"{value}\": use {choices}",
        "{key} = \"{value}\": use {choices}",
    ),
    (
        ConfigAtLeastOne,
        "{key} debe ser al menos 1",
        "{key} must be at least 1",
    ),
    (
        ConfigRange,
        "{key} = {value}: use de {from} a {to}",
        "{key} = {value}: use {from} to {to}",
    ),
    (
        ConfigValue,
        "{key} = \"{value}\": {why}",
        "{key} = \"{value}\": {why}",
    ),
    (
        ConfigAmount,
        "un monto, por ejemplo \"1000000\"",
        "an amount, e.g. \"1000000\"",
    ),
    (ConfigTime, "use HH:MM", "use HH:MM"),
    (
        ConfigDevice,
        "use serial:/dev/ttyUSB0?baud=9600",
        "use serial:/dev/ttyUSB0?baud=9600",
    ),
    (
        ConfigScale,
        "scale.labels[{index}]: {why}",
        "scale.labels[{index}]: {why}",
    ),
    (
        ScalePrefix,
        "el prefijo \"{prefix}\" no son dígitos",
        "prefix \"{prefix}\" is not digits",
    ),
    (
        ScaleNoValue,
        "el prefijo \"{prefix}\" y {digits} dígitos de artículo no dejan dígitos para el valor",
        "prefix \"{prefix}\" and {digits} item digits leave no digit for the value",
    ),
    (
        ScaleDecimals,
        "{decimals} decimales no caben en {digits} dígitos de valor (a lo sumo {most})",
        "{decimals} decimals do not fit {digits} value digits (at most {most})",
    ),
    // A rebuild's losses.
    (
        PartFromBackup,
        "{part} (de la copia {backup})",
        "{part} (from the backup {backup})",
    ),
    (
        LostPart,
        "{what} después de {rows}: {why}",
        "{what} after the {rows}th: {why}",
    ),
    (
        LostStore,
        "la tienda dañada no se puede leer ({why})",
        "the damaged store cannot be read ({why})",
    ),
    (
        LostFromBackup,
        "la tienda dañada no se puede leer: se pierden los tiquetes en espera y los rechazos de sincronización; el catálogo, los usuarios, los clientes y la configuración vienen de la copia (se pierden los cambios posteriores a ella)",
        "the damaged store cannot be read: held tickets and sync refusals are lost; catalog, users, customers and settings come from the backup (changes made after it are lost)",
    ),
    (
        LostNoBackup,
        "catálogo, usuarios, clientes y configuración: la tienda dañada no se puede leer y no se encontró una copia de esta tienda; importe el catálogo y vuelva a crear los usuarios (o restaure una copia)",
        "catalog, users, customers and settings: the damaged store cannot be read and no backup of this store was found; import the catalog and add users again (or restore a backup)",
    ),
    (
        LostMissing,
        "el documento #{seq} no está ni en el diario ni en la tienda; la cadena se detiene en #{last}",
        "document #{seq} is in neither the journal nor the store; the chain stops at #{last}",
    ),
    (
        LostUnchained,
        "el documento #{seq} no sigue la cadena; la cadena se detiene en #{last}",
        "document #{seq} does not follow the chain; the chain stops at #{last}",
    ),
    // The sync client's failures.
    (
        SyncNotConfigured,
        "la sincronización no está configurada ([sync] url está vacío)",
        "sync is not configured ([sync] url is empty)",
    ),
    (
        SyncUnreachable,
        "no se puede llegar a {url}: {why}",
        "cannot reach {url}: {why}",
    ),
    (
        NetRefused,
        "nadie responde en esa dirección (¿el servidor está detenido o el puerto es otro?)",
        "nothing answers at that address (is the server stopped, or the port wrong?)",
    ),
    (
        NetTimedOut,
        "el servidor no respondió a tiempo",
        "the server did not answer in time",
    ),
    (
        NetHostNotFound,
        "el nombre del servidor no se encuentra",
        "the server's name is not found",
    ),
    (
        NetNoRoute,
        "no hay ruta hasta esa dirección (¿la red está caída?)",
        "no route to that address (is the network down?)",
    ),
    (NetDropped, "la conexión se cortó", "the connection was cut",),
    (
        NetCaAsServer,
        "el hub presenta un certificado de autoridad (CA:TRUE, el que openssl hace por defecto), que TLS no acepta como de un servidor: en el hub, `caja hub cert --host NOMBRE` hace uno que sirve",
        "the hub presents a certificate authority's certificate (CA:TRUE, what openssl makes by default), which TLS does not accept as a server's: on the hub, `caja hub cert --host NAME` makes one that works",
    ),
    (
        NetUntrusted,
        "el certificado TLS del servidor no es de confianza ({detail}): para el hub de la tienda, ponga en [sync] ca_file su certificado",
        "the server's TLS certificate is not trusted ({detail}): for the shop's own hub, set [sync] ca_file to its certificate",
    ),
    (
        NetCaUnreadable,
        "no se puede leer: {detail}",
        "cannot read it: {detail}",
    ),
    (
        NetCaNoPem,
        "no tiene un certificado PEM",
        "no PEM certificate in it",
    ),
    (
        DocRefused,
        "documento del catálogo {id}: {why}",
        "catalog document {id}: {why}",
    ),
    (
        DocStopped,
        "{refusal}; el catálogo quedó como estaba",
        "{refusal}; the catalog was left as it was",
    ),
    (
        DocMissing,
        "{field} falta o no es texto",
        "{field} is missing or not a string",
    ),
    (
        DocSkuNotId,
        "su sku {sku} no coincide con el id",
        "its sku {sku} does not match the id",
    ),
    (
        DocBarcodeNotText,
        "un código de barras no es texto",
        "a barcode is not a string",
    ),
    (
        DocBarcodesNotList,
        "barcodes no es una lista",
        "barcodes is not a list",
    ),
    (
        DocSoldBy,
        "sold_by no es \"unit\" ni \"weight\"",
        "sold_by is not \"unit\" or \"weight\"",
    ),
    (
        DocOpenPrice,
        "open_price no es true ni false",
        "open_price is not true or false",
    ),
    (
        DocKeyNotId,
        "sus campos nombran a {key}",
        "its fields name {key}",
    ),
    (
        DocPoints,
        "points: '{value}' no es un número entero en texto",
        "points: '{value}' is not a whole number in a string",
    ),
    (
        SyncStatus,
        "{url} respondió {status}: {body}",
        "{url} answered {status}: {body}",
    ),
    (
        SyncAuth,
        "el servidor rechazó el usuario de la caja ({status}): revise [sync] user y password",
        "the server refused the register's user ({status}): check [sync] user and password",
    ),
    (
        SyncClaimed,
        "la caja {code} ya la reclamó en el servidor otra tienda ({other}); dos cajas con un mismo código mezclarían sus documentos. Una caja reinstalada toma su código con `caja sync --take-over`",
        "register {code} is claimed on the server by another store ({other}); two registers with one code would mix their documents. A reinstalled register takes its code over with `caja sync --take-over`",
    ),
    (
        SyncCollision,
        "el servidor tiene {id} en otra revisión que la de esta caja (otra tienda usó este código de caja, o la copia del servidor cambió); no se envió, y la copia de esta caja sigue siendo la válida",
        "the server holds {id} at another revision than this register's (another store used this register code, or the server's copy was changed); not pushed, and this register's copy stays the one of record",
    ),
    (
        SyncTakeOverClash,
        "esta tienda ya numeró {number}, un número que el servidor tiene de otra tienda con este código de caja; los documentos sellados no se renumeran. Restaure la copia de la caja, o tome el código desde una tienda nueva antes de vender",
        "this store already numbered {number}, a number the server holds for another store with this register code; sealed documents cannot be renumbered. Restore the register's backup instead, or take the code over from a fresh store before selling",
    ),
    (
        SyncProtocol,
        "la respuesta del servidor no es la que envía CouchDB: {detail}",
        "the server's answer is not what CouchDB sends: {detail}",
    ),
    // Faults (the command line's words; the register names them on its own screens).
    (
        NotInitialized,
        "no hay una caja configurada en {dir} (ejecute `caja init` o inicie `caja` para la configuración inicial)",
        "no register has been set up in {dir} (run `caja init` or start `caja` for the first-run setup)",
    ),
    (
        AlreadyExists,
        "{path} ya tiene una tienda; no se sobrescribe",
        "{path} already holds a store; refusing to overwrite it",
    ),
    (
        InUse,
        "la caja está en uso: una caja en marcha tiene abierto {path}; deténgala primero (un usuario bloqueado se desbloquea desde su menú de supervisor, {key:menu}); `caja journal`, `check`, `doctor`, `backup` y las exportaciones de catálogo y clientes funcionan mientras vende",
        "the register is in use: a running caja has {path} open; stop it first (a locked user is unlocked from its supervisor menu, {key:menu}); `caja journal`, `check`, `doctor`, `backup` and the catalog and customer exports work while it sells",
    ),
    (
        NewerSchema,
        "{path} lo escribió una caja más nueva (esquema {found}; esta lee hasta el {supported}); actualice caja",
        "{path} was written by a newer caja (schema {found}, this one reads up to {supported}); update caja",
    ),
    (
        Corrupt,
        "la tienda está dañada: {detail}",
        "the store is damaged: {detail}",
    ),
    (
        NonsensePage,
        "una página sin sentido",
        "a page that makes no sense",
    ),
    (
        NotAStore,
        "{path} no es un archivo de tienda de caja",
        "{path} is not a caja store file",
    ),
    (
        UnreadableFile,
        "{path} no se puede leer ({detail}); `caja rebuild` recupera todas las ventas del diario electrónico",
        "{path} cannot be read ({detail}); `caja rebuild` recovers every sale from the electronic journal",
    ),
    (
        Damaged,
        "la tienda se encontró dañada ({detail}); no se escriben más documentos en ella: reinicie la caja, que ofrece reconstruirla",
        "the store was found damaged ({detail}); no more documents are written to it: restart the register, which offers the rebuild",
    ),
    (Db, "archivo de la tienda: {detail}", "store file: {detail}"),
    (
        PointsWorth,
        "{points} puntos valen {worth}, no los {paid} que dicen sus pagos",
        "{points} points are worth {worth}, not the {paid} their tenders say",
    ),
];

/// The text of the store's `word` in `lang`.
pub fn store_text(lang: Language, word: Word) -> &'static str {
    word.text(lang)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_word_with_the_same_placeholders() {
        let es: Vec<&str> = Word::ALL.iter().map(|w| w.text(Language::Es)).collect();
        let en: Vec<&str> = Word::ALL.iter().map(|w| w.text(Language::En)).collect();
        crate::i18n::tests::same_words(&es, &en);
    }
}
