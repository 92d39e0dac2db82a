//! Customers: who a sale is for. An identity document (type and number) names a customer
//! everywhere: in the store, on the receipt, in sync (`customer:NIT-900173769-1`). A sale with
//! no customer is a final consumer's.

use serde::{Deserialize, Serialize};

/// The kinds of identity document a register accepts.
#[derive(Copy, Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum DocType {
    /// Cédula de ciudadanía (a person, Colombia): 5 to 10 digits.
    Cedula,
    /// NIT (a company or a person with a tax id, Colombia): digits, a dash, its check digit.
    Nit,
    /// RFC (Mexico): 12 characters for a company, 13 for a person.
    Rfc,
    /// A passport: 5 to 20 letters and digits.
    Passport,
    /// "Consumidor final": the anonymous buyer. Its number is always 222222222222.
    FinalConsumer,
}

/// The number a final consumer carries, as tax authorities in the region write it.
pub const FINAL_CONSUMER_NUMBER: &str = "222222222222";

impl DocType {
    pub const ALL: [DocType; 5] = [
        DocType::Cedula,
        DocType::Nit,
        DocType::Rfc,
        DocType::Passport,
        DocType::FinalConsumer,
    ];

    /// The stable code used in CSV, ids and sync ("NIT").
    pub fn code(self) -> &'static str {
        match self {
            DocType::Cedula => "CC",
            DocType::Nit => "NIT",
            DocType::Rfc => "RFC",
            DocType::Passport => "PA",
            DocType::FinalConsumer => "CF",
        }
    }

    /// Reads a code, case-insensitively; a few common spellings are accepted.
    pub fn parse(s: &str) -> Option<DocType> {
        let up = s.trim().to_ascii_uppercase();
        let alias = match up.as_str() {
            "CEDULA" | "CÉDULA" | "CC" => "CC",
            "PASAPORTE" | "PASSPORT" | "PA" | "PAS" => "PA",
            "CONSUMIDOR FINAL" | "CF" => "CF",
            other => other,
        };
        DocType::ALL.into_iter().find(|t| t.code() == alias)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CustomerError {
    #[error("unknown document type '{0}': use CC, NIT, RFC, PA or CF")]
    UnknownType(String),
    #[error("a cédula is 5 to 10 digits, without dots: '{0}'")]
    BadCedula(String),
    #[error("a NIT is digits, a dash and its check digit (900173769-1): '{0}'")]
    BadNit(String),
    #[error("NIT {given}: the check digit should be {want}")]
    NitCheckDigit { given: String, want: u8 },
    #[error("an RFC is 12 or 13 letters and digits (XAXX010101000): '{0}'")]
    BadRfc(String),
    #[error("a passport number is 5 to 20 letters and digits: '{0}'")]
    BadPassport(String),
    #[error("a final consumer's number is {FINAL_CONSUMER_NUMBER}")]
    BadFinalConsumer,
    #[error("the name is empty or longer than 80 characters")]
    BadName,
    #[error("the phone may hold only digits, spaces, + - ( ) and up to 20 characters: '{0}'")]
    BadPhone(String),
    #[error("the e-mail address is not valid: '{0}'")]
    BadEmail(String),
    #[error("the address is longer than 120 characters")]
    BadAddress,
    #[error("{0} has control characters")]
    Control(&'static str),
}

/// The NIT check digit (DIAN's modulo 11 with prime weights) of the digits before the dash.
pub fn nit_check_digit(digits: &str) -> Option<u8> {
    const WEIGHTS: [u32; 15] = [3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71];
    if digits.is_empty() || digits.len() > WEIGHTS.len() {
        return None;
    }
    let mut sum = 0u32;
    for (i, c) in digits.bytes().rev().enumerate() {
        if !c.is_ascii_digit() {
            return None;
        }
        sum += u32::from(c - b'0') * WEIGHTS[i];
    }
    let r = sum % 11;
    Some(if r > 1 { (11 - r) as u8 } else { r as u8 })
}

/// Checks a document number and returns it normalized (upper case, no spaces or dots).
pub fn normalize_number(t: DocType, number: &str) -> Result<String, CustomerError> {
    let n: String = number
        .trim()
        .chars()
        .filter(|c| !matches!(c, ' ' | '.'))
        .collect::<String>()
        .to_ascii_uppercase();
    match t {
        DocType::Cedula => {
            if (5..=10).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()) {
                Ok(n)
            } else {
                Err(CustomerError::BadCedula(number.to_string()))
            }
        }
        DocType::Nit => {
            let bad = || CustomerError::BadNit(number.to_string());
            let (digits, dv) = n.split_once('-').ok_or_else(bad)?;
            if !(6..=15).contains(&digits.len()) || dv.len() != 1 {
                return Err(bad());
            }
            let want = nit_check_digit(digits).ok_or_else(bad)?;
            let given = dv
                .bytes()
                .next()
                .filter(u8::is_ascii_digit)
                .ok_or_else(bad)?
                - b'0';
            if given != want {
                return Err(CustomerError::NitCheckDigit {
                    given: n.clone(),
                    want,
                });
            }
            Ok(n)
        }
        DocType::Rfc => {
            let ok = (12..=13).contains(&n.len())
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '&' || c == 'Ñ')
                && n.chars().rev().skip(3).take(6).all(|c| c.is_ascii_digit());
            if ok {
                Ok(n)
            } else {
                Err(CustomerError::BadRfc(number.to_string()))
            }
        }
        DocType::Passport => {
            if (5..=20).contains(&n.len()) && n.chars().all(|c| c.is_ascii_alphanumeric()) {
                Ok(n)
            } else {
                Err(CustomerError::BadPassport(number.to_string()))
            }
        }
        DocType::FinalConsumer => {
            if n.is_empty() || n == FINAL_CONSUMER_NUMBER {
                Ok(FINAL_CONSUMER_NUMBER.to_string())
            } else {
                Err(CustomerError::BadFinalConsumer)
            }
        }
    }
}

/// A customer as the register keeps it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Customer {
    pub doc_type: DocType,
    /// Normalized by [`normalize_number`]; a NIT keeps its check digit ("900173769-1").
    pub doc_number: String,
    pub name: String,
    pub phone: String,
    pub email: String,
    pub address: String,
}

impl Customer {
    /// Builds a customer from what a person typed, checking every field.
    pub fn new(
        doc_type: &str,
        doc_number: &str,
        name: &str,
        phone: &str,
        email: &str,
        address: &str,
    ) -> Result<Customer, CustomerError> {
        let t =
            DocType::parse(doc_type).ok_or_else(|| CustomerError::UnknownType(doc_type.into()))?;
        let c = Customer {
            doc_type: t,
            doc_number: normalize_number(t, doc_number)?,
            name: name.split_whitespace().collect::<Vec<_>>().join(" "),
            phone: phone.trim().to_string(),
            email: email.trim().to_string(),
            address: address.trim().to_string(),
        };
        c.validate()?;
        Ok(c)
    }

    /// Checks every field (a record read from a file or pulled from the server).
    pub fn validate(&self) -> Result<(), CustomerError> {
        if normalize_number(self.doc_type, &self.doc_number)? != self.doc_number {
            return Err(CustomerError::BadCedula(self.doc_number.clone()));
        }
        let chars = self.name.chars().count();
        if chars == 0 || chars > 80 {
            return Err(CustomerError::BadName);
        }
        for (what, v) in [
            ("the name", &self.name),
            ("the address", &self.address),
            ("the phone", &self.phone),
            ("the e-mail", &self.email),
        ] {
            if v.chars().any(char::is_control) {
                return Err(CustomerError::Control(what));
            }
        }
        if self.phone.chars().count() > 20
            || !self
                .phone
                .chars()
                .all(|c| c.is_ascii_digit() || " +-()".contains(c))
        {
            return Err(CustomerError::BadPhone(self.phone.clone()));
        }
        if !self.email.is_empty() && !valid_email(&self.email) {
            return Err(CustomerError::BadEmail(self.email.clone()));
        }
        if self.address.chars().count() > 120 {
            return Err(CustomerError::BadAddress);
        }
        Ok(())
    }

    /// The key that names this customer everywhere: "NIT-900173769-1".
    pub fn key(&self) -> String {
        key(self.doc_type, &self.doc_number)
    }

    pub fn is_final_consumer(&self) -> bool {
        self.doc_type == DocType::FinalConsumer
    }
}

/// "NIT-900173769-1" from a type and a normalized number.
pub fn key(t: DocType, number: &str) -> String {
    format!("{}-{number}", t.code())
}

/// Splits a key back into its type and number.
pub fn parse_key(key: &str) -> Option<(DocType, &str)> {
    let (t, n) = key.split_once('-')?;
    Some((DocType::parse(t)?, n))
}

fn valid_email(e: &str) -> bool {
    let Some((user, domain)) = e.split_once('@') else {
        return false;
    };
    e.len() <= 100
        && !user.is_empty()
        && domain.contains('.')
        && !domain.starts_with('.')
        && !domain.ends_with('.')
        && !e.contains(char::is_whitespace)
        && !domain.contains('@')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nit_check_digits_of_real_numbers() {
        // Published NITs (the tax authority, an oil company, two banks) with their check digits.
        for (digits, dv) in [
            ("900173769", 1),
            ("800197268", 4),
            ("899999068", 1),
            ("860034313", 7),
            ("890903938", 8),
        ] {
            assert_eq!(nit_check_digit(digits), Some(dv), "{digits}");
            let n = format!("{digits}-{dv}");
            assert_eq!(normalize_number(DocType::Nit, &n).unwrap(), n);
        }
        assert_eq!(
            normalize_number(DocType::Nit, " 900.173.769-1 ").unwrap(),
            "900173769-1"
        );
    }

    #[test]
    fn a_wrong_or_missing_nit_check_digit_is_refused() {
        assert_eq!(
            normalize_number(DocType::Nit, "900173769-2"),
            Err(CustomerError::NitCheckDigit {
                given: "900173769-2".into(),
                want: 1
            })
        );
        for bad in [
            "900173769",
            "900173769-",
            "90017376a-1",
            "9001-1",
            "900173769-12",
        ] {
            assert!(normalize_number(DocType::Nit, bad).is_err(), "{bad}");
        }
        assert_eq!(nit_check_digit(""), None);
        assert_eq!(nit_check_digit("12x"), None);
    }

    #[test]
    fn other_documents_and_fields_are_checked() {
        assert_eq!(
            normalize_number(DocType::Cedula, "79.123.456").unwrap(),
            "79123456"
        );
        assert!(normalize_number(DocType::Cedula, "1234").is_err());
        assert!(normalize_number(DocType::Cedula, "12345678901").is_err());
        assert_eq!(
            normalize_number(DocType::Rfc, "xaxx010101000").unwrap(),
            "XAXX010101000"
        );
        assert!(normalize_number(DocType::Rfc, "XAXX0101010").is_err());
        assert!(normalize_number(DocType::Passport, "AB12").is_err());
        assert_eq!(
            normalize_number(DocType::FinalConsumer, "").unwrap(),
            FINAL_CONSUMER_NUMBER
        );
        let c = Customer::new(
            "nit",
            "900173769-1",
            "  Ferretería   El Tornillo ",
            "+57 601 555 1234",
            "compras@tornillo.co",
            "Cra 7 # 12-34",
        )
        .unwrap();
        assert_eq!(c.name, "Ferretería El Tornillo");
        assert_eq!(c.key(), "NIT-900173769-1");
        assert_eq!(parse_key(&c.key()), Some((DocType::Nit, "900173769-1")));
        assert!(Customer::new("CC", "79123456", "", "", "", "").is_err());
        assert!(matches!(
            Customer::new("CC", "79123456", "Ana", "31O", "", ""),
            Err(CustomerError::BadPhone(_))
        ));
        assert!(matches!(
            Customer::new("CC", "79123456", "Ana", "", "ana@", ""),
            Err(CustomerError::BadEmail(_))
        ));
        assert!(matches!(
            Customer::new("XX", "1", "Ana", "", "", ""),
            Err(CustomerError::UnknownType(_))
        ));
    }
}
