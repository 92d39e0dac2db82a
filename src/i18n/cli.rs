//! The command line's words for the shop's own commands (`backup`, `restore`), in the
//! register's language. Technicians' commands (`check`, `rebuild`, `sync`, `hub`) and every
//! machine-readable output stay as they are.

use super::Language;

pub struct CliWords {
    pub backup_done: &'static str,
    pub backup_not_made: &'static str,
    pub restore_confirm: &'static str,
    pub restore_ask: &'static str,
    pub not_restored: &'static str,
    pub restored: &'static str,
    pub checksum_ok: &'static str,
    pub checksum_none: &'static str,
    pub kept_as: &'static str,
    pub held_none: &'static str,
    pub config_ask: &'static str,
    pub config_restored: &'static str,
    pub config_kept: &'static str,
    /// The answers that mean yes.
    pub yes: &'static [&'static str],
}

impl CliWords {
    pub fn all(&self) -> Vec<&'static str> {
        vec![
            self.backup_done,
            self.backup_not_made,
            self.restore_confirm,
            self.restore_ask,
            self.not_restored,
            self.restored,
            self.checksum_ok,
            self.checksum_none,
            self.kept_as,
            self.held_none,
            self.config_ask,
            self.config_restored,
            self.config_kept,
        ]
    }
}

const ES: CliWords = CliWords {
    backup_done: "copia verificada: {path} ({documents} documentos, {mib} MiB)",
    backup_not_made: "la caja en uso no hizo la copia",
    restore_confirm: "restaurar reemplaza la tienda en {dir}: confirme con --yes",
    restore_ask: "¿Reemplazar la tienda en {dir} con {file}? La tienda actual queda como copia. (sí/no)",
    not_restored: "no se restauró",
    restored: "restaurada {file} ({documents} documentos verificados{how})",
    checksum_ok: ", la suma de todo el archivo coincide",
    checksum_none: "; no tiene archivo de suma, así que solo se verificó su contenido",
    kept_as: "la tienda anterior queda como {path}",
    held_none: "{dir} no tenía tienda",
    config_ask: "¿Reemplazar {path} con la de la copia? (sí/no)",
    config_restored: "configuración restaurada: {path}",
    config_kept: "{path} se conserva; la configuración de la copia está en {beside}",
    yes: &["sí", "si", "s", "yes", "y"],
};

const EN: CliWords = CliWords {
    backup_done: "backup verified: {path} ({documents} documents, {mib} MiB)",
    backup_not_made: "the running register did not make the backup",
    restore_confirm: "restore replaces the store in {dir}: confirm with --yes",
    restore_ask: "Replace the store in {dir} with {file}? The current store is kept as a copy. (yes/no)",
    not_restored: "not restored",
    restored: "restored {file} ({documents} documents verified{how})",
    checksum_ok: ", whole-file checksum matches",
    checksum_none: "; it has no checksum file, so only its contents were verified",
    kept_as: "the previous store is kept as {path}",
    held_none: "{dir} held no store before",
    config_ask: "Replace {path} with the backup's? (yes/no)",
    config_restored: "configuration restored: {path}",
    config_kept: "{path} is kept; the backup's configuration is in {beside}",
    yes: &["yes", "y", "sí", "si", "s"],
};

/// The command line's words in `lang`.
pub fn cli_words(lang: Language) -> &'static CliWords {
    match lang {
        Language::Es => &ES,
        Language::En => &EN,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_word_with_the_same_placeholders() {
        crate::i18n::tests::same_words(&ES.all(), &EN.all());
    }
}
