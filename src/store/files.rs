//! Files only for the register's user: the store holds the usage-token secret and the config
//! the sync password, so another local account must not read either. Folders are 0700, files
//! 0600, for the store, the journal, the config, logs, backups and the hub alike.

use std::io;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::Path;

/// Open options that create a file readable and writable by its owner only.
pub fn private_options() -> std::fs::OpenOptions {
    let mut o = std::fs::OpenOptions::new();
    o.mode(0o600);
    o
}

/// Makes `dir` (and the folders above it that this call creates) and closes it to others.
pub fn private_dir(dir: &Path) -> io::Result<()> {
    std::fs::create_dir_all(dir)?;
    let meta = std::fs::metadata(dir)?;
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(dir, std::fs::Permissions::from_mode(0o700))?;
    }
    Ok(())
}

/// Closes an existing file to others (a file made before this rule, or by another tool).
pub fn private_file(path: &Path) -> io::Result<()> {
    let meta = std::fs::metadata(path)?;
    if meta.permissions().mode() & 0o077 != 0 {
        std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o600))?;
    }
    Ok(())
}

/// Writes a whole new file for the owner only, durably: a temporary beside it, synced, then
/// renamed over the name.
pub fn write_private(path: &Path, data: &[u8]) -> io::Result<()> {
    use std::io::Write;
    let mut tmp = path.as_os_str().to_owned();
    tmp.push(".writing");
    let tmp = std::path::PathBuf::from(tmp);
    {
        let mut f = private_options()
            .write(true)
            .create(true)
            .truncate(true)
            .open(&tmp)?;
        f.write_all(data)?;
        f.sync_all()?;
    }
    std::fs::rename(&tmp, path)?;
    if let Some(parent) = path.parent() {
        std::fs::File::open(parent)?.sync_all()?;
    }
    Ok(())
}

/// A private working copy of `src`, named `name`, beside it in `dir` or, when that folder
/// refuses writes (a disk the kernel remounted read-only, a full one), in the system's
/// temporary folder: what lets `check` and `doctor` read a store on a disk that is failing.
pub fn scratch_copy(src: &Path, dir: &Path, name: &str) -> io::Result<std::path::PathBuf> {
    let beside = dir.join(name);
    let _ = std::fs::remove_file(&beside);
    match std::fs::copy(src, &beside) {
        Ok(_) => {
            private_file(&beside)?;
            Ok(beside)
        }
        Err(e) => {
            let _ = std::fs::remove_file(&beside);
            let elsewhere =
                std::env::temp_dir().join(format!("caja-{}-{name}", std::process::id()));
            let _ = std::fs::remove_file(&elsewhere);
            // Made private before a byte is copied in.
            private_options()
                .write(true)
                .create_new(true)
                .open(&elsewhere)
                .map_err(|_| io::Error::new(e.kind(), e.to_string()))?;
            std::fs::copy(src, &elsewhere)?;
            Ok(elsewhere)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn private_files_and_folders_are_closed_to_others() {
        let d = tempfile::tempdir().unwrap();
        let dir = d.path().join("a/b");
        private_dir(&dir).unwrap();
        let mode = std::fs::metadata(&dir).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o700);
        let f = dir.join("x");
        write_private(&f, b"hola").unwrap();
        let mode = std::fs::metadata(&f).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode, 0o600);
    }
}
