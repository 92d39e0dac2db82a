//! CouchDB's cookie sessions for the hub (`POST /_session`): what CouchDB's replicator,
//! PouchDB, couchbackup and the Python clients log in with, and what a browser keeps after the
//! dashboard's login form.
//!
//! A cookie is `AuthSession=NAME_HEX-EXPIRY-MAC_HEX`: the user's name, when it expires (Unix
//! seconds) and an HMAC-SHA-256 of both under a key the hub makes when it starts. Nothing is
//! stored per session; a hub that restarts asks everyone to log in again (the replicator does
//! so by itself on the first 401). A removed user's cookie stops working at once (the hub
//! looks the user up on every request).

use crate::domain::document::hex;
use sha2::{Digest, Sha256};

/// How long a cookie lasts, in seconds (CouchDB's default `[chttpd_auth] timeout`).
pub const MAX_AGE_S: i64 = 600;

/// The key cookies are signed with.
pub struct SessionKey([u8; 32]);

impl SessionKey {
    pub fn new() -> Result<SessionKey, getrandom::Error> {
        let mut k = [0u8; 32];
        getrandom::fill(&mut k)?;
        Ok(SessionKey(k))
    }

    fn mac(&self, name: &str, expires: i64) -> [u8; 32] {
        hmac_sha256(&self.0, format!("{name}\0{expires}").as_bytes())
    }

    /// The cookie's value for `name`, valid until `now + MAX_AGE_S`.
    pub fn issue(&self, name: &str, now: i64) -> String {
        let expires = now + MAX_AGE_S;
        format!(
            "{}-{expires}-{}",
            hex(name.as_bytes()),
            hex(&self.mac(name, expires))
        )
    }

    /// The user a cookie names, if this key signed it and it has not expired.
    pub fn verify(&self, cookie: &str, now: i64) -> Option<String> {
        let mut parts = cookie.split('-');
        let (name, expires, mac) = (parts.next()?, parts.next()?, parts.next()?);
        if parts.next().is_some() {
            return None;
        }
        let name = String::from_utf8(unhex(name)?).ok()?;
        let expires: i64 = expires.parse().ok()?;
        let given = unhex(mac)?;
        let want = self.mac(&name, expires);
        let same = given.len() == want.len()
            && given
                .iter()
                .zip(want.iter())
                .fold(0u8, |acc, (a, b)| acc | (a ^ b))
                == 0;
        (same && now < expires).then_some(name)
    }
}

/// The `AuthSession` cookie of a `Cookie` header.
pub fn cookie_of(header: &str) -> Option<&str> {
    header
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(k, _)| *k == "AuthSession")
        .map(|(_, v)| v.trim_matches('"'))
        .filter(|v| !v.is_empty())
}

/// The `Set-Cookie` header's value for `cookie` (empty: remove it).
pub fn set_cookie(cookie: &str) -> String {
    let age = if cookie.is_empty() { 0 } else { MAX_AGE_S };
    format!("AuthSession={cookie}; Version=1; Path=/; Max-Age={age}; HttpOnly; SameSite=Strict")
}

/// The name and password of a login: a form (`name=…&password=…`) or JSON.
pub fn credentials(body: &[u8], json: bool) -> Option<(String, String)> {
    if json {
        let v: serde_json::Value = serde_json::from_slice(body).ok()?;
        return Some((
            v["name"].as_str()?.to_string(),
            v["password"].as_str()?.to_string(),
        ));
    }
    let text = std::str::from_utf8(body).ok()?;
    let mut name = None;
    let mut password = None;
    for kv in text.split('&') {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        match k {
            "name" | "username" => name = Some(crate::sync::percent_decode(v, true)),
            "password" => password = Some(crate::sync::percent_decode(v, true)),
            _ => {}
        }
    }
    Some((name?, password?))
}

/// One field of a form body (`application/x-www-form-urlencoded`), decoded.
pub fn field(body: &[u8], name: &str) -> Option<String> {
    let text = std::str::from_utf8(body).ok()?;
    text.split('&').find_map(|kv| {
        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
        (k == name).then(|| crate::sync::percent_decode(v, true))
    })
}

/// HMAC-SHA-256 (RFC 2104) of `msg` under `key` (at most one block long).
fn hmac_sha256(key: &[u8; 32], msg: &[u8]) -> [u8; 32] {
    let mut ipad = [0x36u8; 64];
    let mut opad = [0x5cu8; 64];
    for (i, k) in key.iter().enumerate() {
        ipad[i] ^= k;
        opad[i] ^= k;
    }
    let inner = Sha256::new()
        .chain_update(ipad)
        .chain_update(msg)
        .finalize();
    Sha256::new()
        .chain_update(opad)
        .chain_update(inner)
        .finalize()
        .into()
}

fn unhex(s: &str) -> Option<Vec<u8>> {
    if s.len() % 2 != 0 || s.len() > 512 {
        return None;
    }
    (0..s.len())
        .step_by(2)
        .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn hmac_matches_rfc_4231_test_case_1() {
        // RFC 4231 test case 1 with a 32-byte key of 0x0b (the RFC's 20 bytes, zero-padded,
        // give the same HMAC: a key shorter than a block is zero-padded by definition).
        let mut key = [0u8; 32];
        key[..20].copy_from_slice(&[0x0b; 20]);
        assert_eq!(
            hex(&hmac_sha256(&key, b"Hi There")),
            "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"
        );
    }

    #[test]
    fn a_cookie_names_its_user_until_it_expires_and_only_under_its_key() {
        let k = SessionKey::new().unwrap();
        let c = k.issue("FV1", 1_000);
        assert_eq!(k.verify(&c, 1_000 + MAX_AGE_S - 1).as_deref(), Some("FV1"));
        assert_eq!(k.verify(&c, 1_000 + MAX_AGE_S), None);
        assert_eq!(SessionKey::new().unwrap().verify(&c, 1_000), None);
        // Another name under the same signature, or a later expiry, is refused.
        let forged = c.replacen(&hex(b"FV1"), &hex(b"admin"), 1);
        assert_eq!(k.verify(&forged, 1_000), None);
        let later = c.replacen("-1600-", "-9600-", 1);
        assert_eq!(k.verify(&later, 1_000), None);
        assert_eq!(k.verify("garbage", 1_000), None);
        assert_eq!(k.verify("zz-1-zz", 1_000), None);
    }

    #[test]
    fn logins_come_as_a_form_or_as_json() {
        assert_eq!(
            credentials(b"name=FV1&password=a%20b+c", false),
            Some(("FV1".into(), "a b c".into()))
        );
        assert_eq!(
            credentials(br#"{"name":"FV1","password":"x"}"#, true),
            Some(("FV1".into(), "x".into()))
        );
        assert_eq!(credentials(b"name=FV1", false), None);
        assert_eq!(cookie_of("a=1; AuthSession=abc; b=2"), Some("abc"));
        assert_eq!(cookie_of("AuthSession="), None);
    }
}
