//! How bytes reach a device: `serial:/dev/ttyS0?baud=9600&parity=none&flow=none`,
//! `tcp:HOST:PORT`, `dev:/dev/usb/lp0`, `file:PATH`. Every open, read and write has a timeout:
//! a device that is off or unplugged is an error message, never a hang.

use std::io::{Read, Write};
use std::net::{TcpStream, ToSocketAddrs};
use std::path::{Path, PathBuf};
use std::time::Duration;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Endpoint {
    Serial {
        path: String,
        baud: u32,
        parity: serialport::Parity,
        flow: serialport::FlowControl,
    },
    Tcp(String),
    Dev(PathBuf),
    File(PathBuf),
}

impl Endpoint {
    /// Parses a device from `caja.toml`; relative `file:` paths are inside the data directory.
    pub fn parse(spec: &str, data_dir: &Path) -> Result<Endpoint, String> {
        let (scheme, rest) = spec
            .split_once(':')
            .ok_or_else(|| format!("'{spec}': expected serial:, tcp:, dev: or file:"))?;
        match scheme {
            "file" if !rest.is_empty() => {
                let p = Path::new(rest);
                Ok(Endpoint::File(if p.is_absolute() {
                    p.to_path_buf()
                } else {
                    data_dir.join(p)
                }))
            }
            "dev" if !rest.is_empty() => Ok(Endpoint::Dev(PathBuf::from(rest))),
            "tcp"
                if rest
                    .rsplit_once(':')
                    .is_some_and(|(h, p)| !h.is_empty() && p.parse::<u16>().is_ok()) =>
            {
                Ok(Endpoint::Tcp(rest.to_string()))
            }
            "serial" => {
                let (path, query) = rest.split_once('?').unwrap_or((rest, ""));
                if path.is_empty() {
                    return Err(format!("'{spec}': no serial port"));
                }
                let (mut baud, mut parity, mut flow) = (
                    9600,
                    serialport::Parity::None,
                    serialport::FlowControl::None,
                );
                for kv in query.split('&').filter(|s| !s.is_empty()) {
                    match kv.split_once('=') {
                        Some(("baud", v)) => {
                            baud = v.parse().map_err(|_| format!("'{spec}': baud '{v}'"))?
                        }
                        Some(("parity", "none")) => parity = serialport::Parity::None,
                        Some(("parity", "even")) => parity = serialport::Parity::Even,
                        Some(("parity", "odd")) => parity = serialport::Parity::Odd,
                        Some(("flow", "none")) => flow = serialport::FlowControl::None,
                        Some(("flow", "rtscts")) | Some(("flow", "hardware")) => {
                            flow = serialport::FlowControl::Hardware
                        }
                        Some(("flow", "xonxoff")) | Some(("flow", "software")) => {
                            flow = serialport::FlowControl::Software
                        }
                        _ => {
                            return Err(format!(
                                "'{spec}': unknown option '{kv}' (baud, parity=none|even|odd, flow=none|rtscts|xonxoff)"
                            ));
                        }
                    }
                }
                Ok(Endpoint::Serial {
                    path: path.to_string(),
                    baud,
                    parity,
                    flow,
                })
            }
            _ => Err(format!(
                "'{spec}': expected serial:PATH, tcp:HOST:PORT, dev:PATH or file:PATH"
            )),
        }
    }

    /// Whether this transport can answer status queries.
    pub fn can_read(&self) -> bool {
        matches!(self, Endpoint::Serial { .. } | Endpoint::Tcp(_))
    }
}

/// An open connection to a device.
pub struct Link {
    inner: Inner,
}

enum Inner {
    Serial(Box<dyn serialport::SerialPort>),
    Tcp(TcpStream),
    File(std::fs::File),
}

impl Link {
    /// Opens the device, waiting at most `timeout` for it.
    pub fn open(ep: &Endpoint, timeout: Duration) -> std::io::Result<Link> {
        let inner = match ep {
            Endpoint::Serial {
                path,
                baud,
                parity,
                flow,
            } => {
                let port = serialport::new(path.as_str(), *baud)
                    .parity(*parity)
                    .flow_control(*flow)
                    .timeout(timeout)
                    .open()
                    .map_err(std::io::Error::other)?;
                Inner::Serial(port)
            }
            Endpoint::Tcp(addr) => {
                let sa = addr
                    .to_socket_addrs()?
                    .next()
                    .ok_or_else(|| std::io::Error::other(format!("{addr}: no address")))?;
                let s = TcpStream::connect_timeout(&sa, timeout)?;
                s.set_read_timeout(Some(timeout))?;
                s.set_write_timeout(Some(timeout))?;
                s.set_nodelay(true)?;
                Inner::Tcp(s)
            }
            Endpoint::Dev(p) => Inner::File(std::fs::OpenOptions::new().write(true).open(p)?),
            // The receipts' file holds the shop's sales: the register's user's alone (0600),
            // as every file caja writes.
            Endpoint::File(p) => {
                let f = crate::store::files::private_options()
                    .create(true)
                    .append(true)
                    .open(p)?;
                crate::store::files::private_file(p)?;
                Inner::File(f)
            }
        };
        Ok(Link { inner })
    }

    pub fn send(&mut self, bytes: &[u8]) -> std::io::Result<()> {
        match &mut self.inner {
            Inner::Serial(p) => {
                p.write_all(bytes)?;
                p.flush()
            }
            Inner::Tcp(s) => {
                s.write_all(bytes)?;
                s.flush()
            }
            Inner::File(f) => {
                f.write_all(bytes)?;
                f.flush()
            }
        }
    }

    /// Sends a query and reads one byte back; `None` when this transport cannot read or the
    /// device did not answer in time.
    pub fn query(&mut self, req: &[u8]) -> std::io::Result<Option<u8>> {
        let mut b = [0u8; 1];
        let r = match &mut self.inner {
            Inner::Serial(p) => {
                p.write_all(req)?;
                p.read(&mut b)
            }
            Inner::Tcp(s) => {
                s.write_all(req)?;
                s.read(&mut b)
            }
            Inner::File(_) => return Ok(None),
        };
        match r {
            Ok(1) => Ok(Some(b[0])),
            Ok(_) => Err(std::io::Error::new(
                std::io::ErrorKind::ConnectionAborted,
                "the device closed the connection",
            )),
            Err(e)
                if matches!(
                    e.kind(),
                    std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock
                ) =>
            {
                Ok(None)
            }
            Err(e) => Err(e),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn device_strings() {
        let d = Path::new("/data");
        assert_eq!(
            Endpoint::parse("file:receipts.txt", d).unwrap(),
            Endpoint::File(PathBuf::from("/data/receipts.txt"))
        );
        assert_eq!(
            Endpoint::parse("tcp:192.0.2.10:9100", d).unwrap(),
            Endpoint::Tcp("192.0.2.10:9100".into())
        );
        assert_eq!(
            Endpoint::parse("dev:/dev/usb/lp0", d).unwrap(),
            Endpoint::Dev(PathBuf::from("/dev/usb/lp0"))
        );
        assert_eq!(
            Endpoint::parse("serial:/dev/ttyS0?baud=19200&parity=even&flow=rtscts", d).unwrap(),
            Endpoint::Serial {
                path: "/dev/ttyS0".into(),
                baud: 19200,
                parity: serialport::Parity::Even,
                flow: serialport::FlowControl::Hardware
            }
        );
        for bad in [
            "",
            "printer",
            "tcp:host",
            "tcp::9100",
            "serial:?baud=x",
            "serial:/dev/ttyS0?speed=9600",
            "usb:1",
        ] {
            assert!(Endpoint::parse(bad, d).is_err(), "{bad}");
        }
    }
}
