//! The usage token: the register shows a 9-digit challenge, a supervisor anywhere with the store
//! secret answers with 8 digits, and the answer unlocks an action for a number of hours, offline.
//! The answer is an HMAC of the secret, the register, the challenge and the hour it was issued.

use hmac::{Hmac, Mac};
use sha2::Sha256;

/// Wrong answers in a row before the register stops listening for a while.
pub const MAX_FAILURES: u32 = 5;
/// How long it stops listening, in seconds.
pub const LOCKOUT_SECS: i64 = 15 * 60;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TokenError {
    #[error("'{0}' is not a 9-digit challenge")]
    BadChallenge(String),
    #[error("wrong or expired answer; {0} tries left")]
    Wrong(u32),
    #[error("too many wrong answers: try again in {0} minutes")]
    Locked(i64),
}

/// Reads a challenge as the register shows it ("123 456 789" or "123456789").
pub fn parse_challenge(s: &str) -> Result<u32, TokenError> {
    let digits: String = s
        .chars()
        .filter(|c| !c.is_whitespace() && *c != '-')
        .collect();
    if digits.len() == 9 && digits.bytes().all(|b| b.is_ascii_digit()) {
        digits
            .parse()
            .map_err(|_| TokenError::BadChallenge(s.to_string()))
    } else {
        Err(TokenError::BadChallenge(s.to_string()))
    }
}

/// The hour a moment falls in (the token's time window).
pub fn window(unix_secs: i64) -> i64 {
    unix_secs.div_euclid(3600)
}

/// The 8-digit answer to `challenge` for `register`, issued in hour `window`.
pub fn answer(secret: &[u8; 32], register: &str, challenge: u32, window: i64) -> String {
    // A key of any length is accepted by HMAC; this cannot fail.
    let Ok(mut mac) = Hmac::<Sha256>::new_from_slice(secret) else {
        return String::new();
    };
    mac.update(format!("caja-token-v1|{register}|{challenge:09}|{window}").as_bytes());
    let out = mac.finalize().into_bytes();
    let n = u32::from_be_bytes([out[0], out[1], out[2], out[3]]) % 100_000_000;
    format!("{n:08}")
}

/// The register's side: checks answers, counts failures, and rate-limits.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TokenGuard {
    pub failures: u32,
    pub locked_until: i64,
}

impl TokenGuard {
    /// Accepts `given` if it answers `challenge` for an hour within the last `valid_hours`
    /// (one hour ahead is allowed for a supervisor's clock that runs fast).
    pub fn check(
        &mut self,
        secret: &[u8; 32],
        register: &str,
        challenge: u32,
        given: &str,
        now_unix: i64,
        valid_hours: i64,
    ) -> Result<(), TokenError> {
        if now_unix < self.locked_until {
            return Err(TokenError::Locked((self.locked_until - now_unix + 59) / 60));
        }
        let given: String = given.chars().filter(|c| c.is_ascii_digit()).collect();
        let w = window(now_unix);
        let ok = given.len() == 8
            && (w - valid_hours.max(1) + 1..=w + 1)
                .any(|win| answer(secret, register, challenge, win) == given);
        if ok {
            self.failures = 0;
            return Ok(());
        }
        self.failures += 1;
        if self.failures >= MAX_FAILURES {
            self.failures = 0;
            self.locked_until = now_unix + LOCKOUT_SECS;
            return Err(TokenError::Locked(LOCKOUT_SECS / 60));
        }
        Err(TokenError::Wrong(MAX_FAILURES - self.failures))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const SECRET: [u8; 32] = [7; 32];
    const NOW: i64 = 1_795_400_000;

    #[test]
    fn the_right_answer_opens_within_its_hours() {
        let a = answer(&SECRET, "FV1", 123_456_789, window(NOW));
        assert_eq!(a.len(), 8);
        let mut g = TokenGuard::default();
        assert_eq!(g.check(&SECRET, "FV1", 123_456_789, &a, NOW, 4), Ok(()));
        // Still good three hours later with a 4-hour validity; expired at five.
        assert_eq!(
            g.check(&SECRET, "FV1", 123_456_789, &a, NOW + 3 * 3600, 4),
            Ok(())
        );
        assert_eq!(
            g.check(&SECRET, "FV1", 123_456_789, &a, NOW + 5 * 3600, 4),
            Err(TokenError::Wrong(4))
        );
    }

    #[test]
    fn another_register_challenge_or_secret_does_not_fit() {
        let a = answer(&SECRET, "FV1", 123_456_789, window(NOW));
        assert_ne!(a, answer(&SECRET, "FV2", 123_456_789, window(NOW)));
        assert_ne!(a, answer(&SECRET, "FV1", 123_456_780, window(NOW)));
        assert_ne!(a, answer(&[8; 32], "FV1", 123_456_789, window(NOW)));
    }

    #[test]
    fn wrong_answers_are_rate_limited() {
        let mut g = TokenGuard::default();
        for left in (1..MAX_FAILURES).rev() {
            assert_eq!(
                g.check(&SECRET, "FV1", 1, "00000000", NOW, 4),
                Err(TokenError::Wrong(left))
            );
        }
        assert_eq!(
            g.check(&SECRET, "FV1", 1, "00000000", NOW, 4),
            Err(TokenError::Locked(15))
        );
        // Locked: even the right answer waits.
        let right = answer(&SECRET, "FV1", 1, window(NOW));
        assert!(matches!(
            g.check(&SECRET, "FV1", 1, &right, NOW + 60, 4),
            Err(TokenError::Locked(_))
        ));
        assert_eq!(
            g.check(&SECRET, "FV1", 1, &right, NOW + LOCKOUT_SECS, 4),
            Ok(())
        );
    }

    #[test]
    fn challenges_as_typed() {
        assert_eq!(parse_challenge("123 456 789"), Ok(123_456_789));
        assert_eq!(parse_challenge("012-345-678"), Ok(12_345_678));
        assert!(parse_challenge("12345678").is_err() && parse_challenge("12345678a").is_err());
    }
}
