//! The words of `caja doctor` and the diagnostics screen, in both languages. A check keeps its
//! English key (`printer`, `sync`) where the command line prints it, for technicians' scripts;
//! the screen shows [`DoctorWords::name`].

use super::Language;

catalogue! {
    pub struct DoctorWords {
        pub language: Language,
        names: [&'static str; Check::ALL.len()],
        pub version: &'static str,
        pub config_ok: &'static str,
        pub config_bad: &'static str,
        pub probe_failed: &'static str,
        pub journal_ok: &'static str,
        pub journal_failing: &'static str,
        pub no_store: &'static str,
        pub store_in_use: &'static str,
        pub store_line: &'static str,
        pub scope_journal: &'static str,
        pub scope_file: &'static str,
        pub scope_live: &'static str,
        pub outbox_empty: &'static str,
        pub outbox_waiting: &'static str,
        pub outbox_oldest: &'static str,
        pub spool_empty: &'static str,
        pub spool_untried: &'static str,
        pub spool_waiting: &'static str,
        pub integrity_ok: &'static str,
        pub integrity_bad: &'static str,
        pub disk_free: &'static str,
        pub disk_unknown: &'static str,
        pub ports_none: &'static str,
        pub unreachable: &'static str,
        pub writable: &'static str,
        pub ready: &'static str,
        pub drawer_open: &'static str,
        pub drawer_closed: &'static str,
        pub no_status: &'static str,
        pub not_configured: &'static str,
        pub sync_not_configured: &'static str,
        pub display_opens: &'static str,
        pub sync_ok: &'static str,
        pub sync_401: &'static str,
        pub sync_403: &'static str,
        pub sync_404: &'static str,
        pub sync_429: &'static str,
        pub sync_status: &'static str,
        pub drift: &'static str,
        pub cleartext: &'static str,
        /// A printer's state: paper out, paper near end, cover open, offline, drawer open.
        status: [&'static str; PrinterState::ALL.len()],
    }
}

macro_rules! keyed {
    ($(#[$m:meta])* $name:ident { $($v:ident => $code:literal,)* }) => {
        $(#[$m])*
        #[derive(Copy, Clone, Debug, PartialEq, Eq)]
        pub enum $name {
            $($v,)*
        }

        impl $name {
            /// Every one, in the order of its words in [`DoctorWords`].
            pub const ALL: &[$name] = &[$($name::$v,)*];

            /// Every one's key, in the same order (the English words).
            pub const CODES: [&'static str; [$($code,)*].len()] = [$($code,)*];

            /// Its key in English, as `caja doctor` prints it for technicians' scripts.
            pub const fn code(self) -> &'static str {
                match self {
                    $($name::$v => $code,)*
                }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.pad(self.code())
            }
        }
    };
}

keyed! {
    /// A check of `caja doctor` and the diagnostics screen.
    Check {
        Caja => "caja",
        Config => "config",
        Doctor => "doctor",
        Journal => "journal",
        Store => "store",
        Outbox => "outbox",
        PrintSpool => "print spool",
        Integrity => "integrity",
        Disk => "disk",
        SerialPorts => "serial ports",
        Printer => "printer",
        Drawer => "drawer",
        Display => "display",
        Sync => "sync",
        Clock => "clock",
    }
}

keyed! {
    /// A state of the printer its status bytes report (`devices::status`).
    PrinterState {
        PaperOut => "paper out",
        PaperNearEnd => "paper near end",
        CoverOpen => "cover open",
        Offline => "offline",
        DrawerOpen => "drawer open",
    }
}

impl DoctorWords {
    /// The name of `check` as people read it.
    pub fn name(&self, check: Check) -> &'static str {
        self.names[check as usize]
    }

    /// A printer state in this language.
    pub fn status(&self, state: PrinterState) -> &'static str {
        self.status[state as usize]
    }
}

const ES: DoctorWords = DoctorWords {
    language: Language::Es,
    names: [
        "caja",
        "configuración",
        "diagnóstico",
        "diario",
        "tienda",
        "por enviar",
        "por imprimir",
        "integridad",
        "disco",
        "puertos serie",
        "impresora",
        "cajón",
        "visor",
        "sincronía",
        "reloj",
    ],
    version: "versión {version}",
    config_ok: "{path} se lee bien",
    config_bad: "{why} (el resto del informe usa los valores de fábrica)",
    probe_failed: "una prueba falló de forma inesperada",
    journal_ok: "el diario electrónico se escribe con cada documento",
    journal_failing: "sin escribir desde: {why}; cada documento se guarda en la tienda de forma duradera y el diario se completa al reiniciar la caja",
    no_store: "no hay tienda en {dir} (ejecute caja init o la configuración inicial)",
    store_in_use: "{mib} MiB, abierta por la caja en uso (el archivo se revisa cuando se cierre)",
    store_line: "{name} caja {register} ({currency}), esquema {schema}, {size} MiB",
    scope_journal: "en el diario electrónico (cadena, numeración, totales)",
    scope_file: "(archivo, cadena, numeración, totales)",
    scope_live: "(cadena, numeración, totales)",
    outbox_empty: "nada pendiente de sincronizar",
    outbox_waiting: "{n} documentos sin enviar{oldest}",
    outbox_oldest: ", el más antiguo {number} del {at}",
    spool_empty: "nada",
    spool_untried: "aún sin intentar",
    spool_waiting: "{count} recibos en espera, el más antiguo {number} ({why})",
    integrity_ok: "{documents} documentos y {products} productos verificados {scope}",
    integrity_bad: "{count} problema(s), el primero: {first}",
    disk_free: "{mib} MiB libres en {dir}",
    disk_unknown: "no se puede leer el espacio libre: {why}",
    ports_none: "ninguno",
    unreachable: "{dev} no responde: {why}",
    writable: "{dev} recibe datos (esta conexión no informa su estado)",
    ready: "{dev} lista",
    drawer_open: "el sensor dice abierto",
    drawer_closed: "el sensor dice cerrado",
    no_status: "{dev} responde pero no da su estado (DLE EOT)",
    not_configured: "sin configurar",
    sync_not_configured: "sin configurar ([sync] url vacío)",
    display_opens: "{dev} abre",
    sync_ok: "{at} responde y acepta al usuario '{user}'",
    sync_401: "{at} rechaza al usuario '{user}': clave errada o usuario desconocido (el servidor no dice cuál); revise [sync] user y password",
    sync_403: "{at} conoce al usuario '{user}' pero le niega caja-docs",
    sync_404: "{at} no tiene la base caja-docs: prepare el servidor (docs/PROTOCOL.md)",
    sync_429: "{at} rechaza por un tiempo los ingresos desde aquí: demasiadas claves erradas",
    sync_status: "{at} responde {status}",
    drift: "{drift} s respecto del servidor (aviso pasados 120 s)",
    cleartext: "{url} es http:// sin cifrar hacia {host}, fuera de la red local: la clave de sincronía viaja legible; use https://",
    status: [
        "sin papel",
        "papel por acabarse",
        "tapa abierta",
        "fuera de línea",
        "cajón abierto",
    ],
};

const EN: DoctorWords = DoctorWords {
    language: Language::En,
    names: Check::CODES,
    version: "version {version}",
    config_ok: "{path} reads cleanly",
    config_bad: "{why} (the built-in defaults are used for the rest of this report)",
    probe_failed: "a probe failed unexpectedly",
    journal_ok: "the electronic journal is written with every document",
    journal_failing: "not written since: {why}; every document is committed to the store durably instead, and the journal is caught up when the register restarts",
    no_store: "no store in {dir} (run caja init or the first-run setup)",
    store_in_use: "{mib} MiB, open in the running register (the store file is checked when it stops)",
    store_line: "{name} register {register} ({currency}), schema {schema}, {size} MiB",
    scope_journal: "in the electronic journal (chain, numbering, totals)",
    scope_file: "(file, chain, numbering, totals)",
    scope_live: "(chain, numbering, totals)",
    outbox_empty: "nothing waiting to sync",
    outbox_waiting: "{n} documents not yet pushed{oldest}",
    outbox_oldest: ", oldest {number} of {at}",
    spool_empty: "empty",
    spool_untried: "not tried yet",
    spool_waiting: "{count} receipts waiting, oldest {number} ({why})",
    integrity_ok: "{documents} documents and {products} products verified {scope}",
    integrity_bad: "{count} problem(s), first: {first}",
    disk_free: "{mib} MiB free in {dir}",
    disk_unknown: "cannot read free space: {why}",
    ports_none: "none found",
    unreachable: "{dev} unreachable: {why}",
    writable: "{dev} writable (this transport cannot report status)",
    ready: "{dev} ready",
    drawer_open: "sensor says open",
    drawer_closed: "sensor says closed",
    no_status: "{dev} reachable but gave no status to DLE EOT",
    not_configured: "not configured",
    sync_not_configured: "not configured ([sync] url is empty)",
    display_opens: "{dev} opens",
    sync_ok: "{at} answers and accepts user '{user}'",
    sync_401: "{at} refuses user '{user}': wrong password or unknown user (a server does not say which); check [sync] user and password",
    sync_403: "{at} knows user '{user}' but forbids it caja-docs",
    sync_404: "{at} has no caja-docs database: set the server up (docs/PROTOCOL.md)",
    sync_429: "{at} refuses logins from here for a while: too many wrong passwords",
    sync_status: "{at} answers {status}",
    drift: "{drift} s against the server (warned past 120 s)",
    cleartext: "{url} is plain http:// to {host}, outside the local network: the sync password travels in clear; use https://",
    status: PrinterState::CODES,
};

/// The doctor's words in `lang`.
pub fn doctor_words(lang: Language) -> &'static DoctorWords {
    match lang {
        Language::Es => &ES,
        Language::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_check_and_printer_state_has_its_name_and_keeps_its_key() {
        for c in Check::ALL {
            assert_eq!(doctor_words(Language::En).name(*c), c.code());
            assert!(!doctor_words(Language::Es).name(*c).is_empty());
        }
        for s in PrinterState::ALL {
            assert_eq!(doctor_words(Language::En).status(*s), s.code());
        }
        assert_eq!(
            doctor_words(Language::Es).name(Check::PrintSpool),
            "por imprimir"
        );
        assert_eq!(
            format!("{:<8}|", Check::Disk),
            "disk    |",
            "the key is padded"
        );
    }

    #[test]
    fn both_languages_have_every_word_with_the_same_placeholders() {
        crate::i18n::tests::same_words(&ES.all(), &EN.all());
        assert_eq!(ES.name(Check::Printer), "impresora");
        assert_eq!(ES.status(PrinterState::PaperNearEnd), "papel por acabarse");
    }
}
