//! The register's side of sync with the back office, over the subset of CouchDB's HTTP API in
//! docs/PROTOCOL.md: the client (claim, push, pull, status), the documents' JSON shapes, and
//! the background worker. The other end (the built-in hub, and a chain's CouchDB set up by
//! `caja chain`) is in src/hub/.

pub mod client;
pub mod json;
pub mod worker;

use serde::Deserialize;

#[derive(Clone, Debug, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
/// The `[sync]` section of `caja.toml`.
pub struct Settings {
    pub url: String,
    pub user: String,
    pub password: String,
    pub interval_minutes: u32,
    pub daily_at: String,
    pub use_env_proxy: bool,
    /// PEM certificates to trust for an `https://` url instead of the public roots (a shop's
    /// own hub); empty: the public roots.
    #[serde(default)]
    pub ca_file: String,
}

/// Percent-decodes a URL's part or a form's field (`+` a space when `plus_is_space`, as in a
/// query string or a form); a `%` not followed by two hex digits stays as it is.
pub fn percent_decode(s: &str, plus_is_space: bool) -> String {
    let b = s.as_bytes();
    let mut out = Vec::with_capacity(b.len());
    let mut i = 0;
    while i < b.len() {
        let h = |c: u8| (c as char).to_digit(16);
        match (
            b[i],
            b.get(i + 1).copied().and_then(h),
            b.get(i + 2).copied().and_then(h),
        ) {
            (b'%', Some(x), Some(y)) => {
                out.push((x * 16 + y) as u8);
                i += 3;
            }
            (b'+', _, _) if plus_is_space => {
                out.push(b' ');
                i += 1;
            }
            (c, _, _) => {
                out.push(c);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Basic-auth header value.
pub fn basic_auth(user: &str, password: &str) -> String {
    const T: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let input = format!("{user}:{password}").into_bytes();
    let mut out = String::from("Basic ");
    for chunk in input.chunks(3) {
        let b = [
            chunk[0],
            *chunk.get(1).unwrap_or(&0),
            *chunk.get(2).unwrap_or(&0),
        ];
        let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
        for i in 0..4 {
            if i <= chunk.len() {
                out.push(T[((n >> (18 - 6 * i)) & 63) as usize] as char);
            } else {
                out.push('=');
            }
        }
    }
    out
}

/// A decimal string ("11900.50", "-3") as an integer of ten-thousandths, for totals that must
/// add up exactly whatever the currency's decimals; garbage counts as zero.
pub fn decimal_units(s: &str) -> i128 {
    let s = s.trim();
    let (neg, s) = s.strip_prefix('-').map_or((false, s), |r| (true, r));
    let (int, frac) = s.split_once('.').unwrap_or((s, ""));
    if int.is_empty() && frac.is_empty()
        || !int.bytes().chain(frac.bytes()).all(|b| b.is_ascii_digit())
        || frac.len() > 4
    {
        return 0;
    }
    let i: i128 = int.parse().unwrap_or(0);
    let f: i128 = format!("{frac:0<4}").parse().unwrap_or(0);
    let v = i.saturating_mul(10_000).saturating_add(f);
    if neg { -v } else { v }
}

/// Ten-thousandths back to a decimal string with the zeros after the point trimmed.
pub fn units_decimal(v: i128) -> String {
    let sign = if v < 0 { "-" } else { "" };
    let a = v.unsigned_abs();
    let (i, f) = (a / 10_000, a % 10_000);
    if f == 0 {
        format!("{sign}{i}")
    } else {
        format!("{sign}{i}.{}", format!("{f:04}").trim_end_matches('0'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn basic_auth_is_base64() {
        assert_eq!(basic_auth("FV1", "secreto"), "Basic RlYxOnNlY3JldG8=");
        assert_eq!(basic_auth("a", "b"), "Basic YTpi");
        assert_eq!(basic_auth("ab", "cd"), "Basic YWI6Y2Q=");
    }

    #[test]
    fn decimal_strings_add_exactly() {
        assert_eq!(decimal_units("11900"), 119_000_000);
        assert_eq!(decimal_units("35.5"), 355_000);
        assert_eq!(decimal_units("-0.05"), -500);
        assert_eq!(decimal_units("1e3"), 0);
        assert_eq!(
            units_decimal(decimal_units("35.50") + decimal_units("0.25")),
            "35.75"
        );
        assert_eq!(units_decimal(-500), "-0.05");
    }

    #[test]
    fn percent_decoding_takes_only_two_hex_digits() {
        assert_eq!(percent_decode("a%20b+c", true), "a b c");
        assert_eq!(percent_decode("a%20b+c", false), "a b+c");
        assert_eq!(percent_decode("p%40ss%3Aw", false), "p@ss:w");
        // Not a hex escape: kept as written (a sign is not a digit).
        assert_eq!(percent_decode("%+1%zz%4", true), "% 1%zz%4");
        assert_eq!(percent_decode("caf%C3%A9", true), "café");
    }
}
