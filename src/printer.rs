//! The printer worker: receipts are printed on their own thread, so a slow or missing printer
//! never holds up the cashier. The sale is committed before its receipt is queued.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::mpsc::{Receiver, Sender, channel};

/// A receipt to print.
pub struct PrintJob {
    pub number: String,
    pub text: String,
}

/// How printing a job went.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PrintOutcome {
    pub number: String,
    pub error: Option<String>,
}

/// Where receipts go, from `[printer] device`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Device {
    File(PathBuf),
    /// A device this build cannot drive yet; jobs fail with a clear reason.
    Unsupported(String),
}

impl Device {
    /// Parses `file:PATH` (relative to the data directory) and names the other transports.
    pub fn parse(spec: &str, data_dir: &Path) -> Device {
        match spec.split_once(':') {
            Some(("file", p)) if !p.is_empty() => {
                let p = Path::new(p);
                Device::File(if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    data_dir.join(p)
                })
            }
            _ => Device::Unsupported(spec.to_string()),
        }
    }
}

fn print(device: &Device, job: &PrintJob) -> Result<(), String> {
    match device {
        Device::File(path) => {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(path)
                .map_err(|e| format!("{}: {e}", path.display()))?;
            f.write_all(job.text.as_bytes())
                .map_err(|e| format!("{}: {e}", path.display()))
        }
        Device::Unsupported(spec) => Err(format!(
            "printer '{spec}' is not supported by this build (use file:PATH)"
        )),
    }
}

/// Starts the worker; it ends when the sender is dropped.
pub fn spawn(device: Device) -> (Sender<PrintJob>, Receiver<PrintOutcome>) {
    let (jobs_tx, jobs_rx) = channel::<PrintJob>();
    let (out_tx, out_rx) = channel();
    std::thread::spawn(move || {
        for job in jobs_rx {
            let error = print(&device, &job).err();
            if out_tx
                .send(PrintOutcome {
                    number: job.number,
                    error,
                })
                .is_err()
            {
                break;
            }
        }
    });
    (jobs_tx, out_rx)
}
