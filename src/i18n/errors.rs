//! Domain errors (an amount, a quantity, a tender, a discount, a customer's details, points,
//! a usage token, a document) in the register's language: the domain says what went wrong,
//! typed; these are its words.

use super::{Texts, fill};
use crate::domain::money::Currency;
use crate::i18n::Word;

/// The words of a domain error in `t`'s language, or None when `e` is not one. `currency`
/// formats an amount a tender lacks (without it, the amount shows in minor units).
pub fn domain_words(
    e: &(dyn std::error::Error + 'static),
    t: &Texts,
    currency: Option<&Currency>,
) -> Option<String> {
    use crate::domain::document::DocError;
    use crate::domain::money::MoneyError;
    use crate::domain::qty::ParseError;
    use crate::domain::tender::TenderError;
    use crate::domain::ticket::PricingError;
    if let Some(c) = e.downcast_ref::<crate::domain::catalog::CatalogError>() {
        use crate::domain::catalog::CatalogError as C;
        let k = |key| super::store_text(t.language, key);
        return Some(match c {
            C::BadSku(s) => fill(k(Word::CatBadSku), &[("sku", s)]),
            C::BadBarcode(b) => fill(k(Word::CatBadBarcode), &[("barcode", b)]),
            C::NameEmpty => k(Word::CatNameEmpty).into(),
            C::NameTooLong(n) => fill(k(Word::CatNameLong), &[("chars", &n.to_string())]),
            C::NameControl { at } => fill(k(Word::CatNameControl), &[("at", &at.to_string())]),
            C::NegativePrice => k(Word::CatNegativePrice).into(),
        });
    }
    if let Some(m) = e.downcast_ref::<MoneyError>() {
        return Some(match m {
            MoneyError::Invalid(s) => fill(t.err_amount_invalid, &[("input", s)]),
            MoneyError::TooPrecise(s) => fill(t.err_amount_precise, &[("input", s)]),
            MoneyError::Overflow => t.err_amount_large.into(),
            MoneyError::Negative => t.err_amount_negative.into(),
        });
    }
    if let Some(c) = e.downcast_ref::<crate::domain::customer::CustomerError>() {
        use crate::domain::customer::CustomerError as C;
        return Some(match c {
            C::UnknownType(s) => fill(t.err_cust_type, &[("input", s)]),
            C::BadCedula(s) => fill(t.err_cust_cedula, &[("input", s)]),
            C::BadNit(s) => fill(t.err_cust_nit, &[("input", s)]),
            C::NitCheckDigit { given, want } => fill(
                t.err_cust_nit_check,
                &[("given", given), ("want", &want.to_string())],
            ),
            C::BadRfc(s) => fill(t.err_cust_rfc, &[("input", s)]),
            C::BadPassport(s) => fill(t.err_cust_passport, &[("input", s)]),
            C::BadFinalConsumer => fill(
                t.err_cust_final,
                &[("number", crate::domain::customer::FINAL_CONSUMER_NUMBER)],
            ),
            C::BadName => t.err_cust_name.into(),
            C::BadPhone(s) => fill(t.err_cust_phone, &[("input", s)]),
            C::BadEmail(s) => fill(t.err_cust_email, &[("input", s)]),
            C::BadAddress => t.err_cust_address.into(),
            C::Control(field) => fill(t.err_cust_control, &[("field", field)]),
        });
    }
    if let Some(x) = e.downcast_ref::<crate::domain::loyalty::PointsError>() {
        use crate::domain::loyalty::PointsError as P;
        return Some(match x {
            P::Disabled => t.err_points_off.into(),
            P::Insufficient { balance, wanted } => fill(
                t.err_points_short,
                &[
                    ("balance", &balance.to_string()),
                    ("wanted", &wanted.to_string()),
                ],
            ),
            P::OverTicketLimit(n) => fill(t.err_points_ticket, &[("most", &n.to_string())]),
            P::OverPercent(n) => fill(t.err_points_percent, &[("percent", &n.to_string())]),
            P::NoCustomer => t.err_points_no_customer.into(),
            P::WrongWorth {
                points,
                worth,
                paid,
            } => {
                let money = |m: &crate::domain::money::Money| {
                    currency.map_or_else(|| m.minor().to_string(), |c| c.format(*m))
                };
                fill(
                    super::store_text(t.language, super::Word::PointsWorth),
                    &[
                        ("points", &points.to_string()),
                        ("worth", &money(worth)),
                        ("paid", &money(paid)),
                    ],
                )
            }
            P::Money(m) => return domain_words(m, t, currency),
        });
    }
    if let Some(x) = e.downcast_ref::<crate::domain::token::TokenError>() {
        use crate::domain::token::TokenError as T;
        return Some(match x {
            T::BadChallenge(s) => fill(t.err_token_challenge, &[("input", s)]),
            T::Wrong(n) => fill(t.err_token_wrong, &[("tries", &n.to_string())]),
            T::Locked(m) => fill(t.err_token_locked, &[("minutes", &m.to_string())]),
        });
    }
    if let Some(p) = e.downcast_ref::<ParseError>() {
        return Some(match p {
            ParseError::Qty(s) => fill(t.err_qty, &[("input", s)]),
            ParseError::Rate(s) => fill(t.err_rate, &[("input", s)]),
        });
    }
    if let Some(p) = e.downcast_ref::<PricingError>() {
        return Some(match p {
            PricingError::Money(m) => return domain_words(m, t, currency),
            PricingError::DiscountTooLarge => t.err_discount_large.into(),
            PricingError::DiscountInvalid => t.err_discount_invalid.into(),
        });
    }
    if let Some(x) = e.downcast_ref::<TenderError>() {
        return Some(match x {
            TenderError::Money(m) => return domain_words(m, t, currency),
            TenderError::NotPositive => t.err_tender_positive.into(),
            TenderError::NonCashOverpays => t.err_non_cash_overpays.into(),
            TenderError::Short { missing } => {
                let m = currency.map_or(missing.to_string(), |c| c.format(*missing));
                fill(t.err_short, &[("missing", &m)])
            }
        });
    }
    if let Some(d) = e.downcast_ref::<DocError>() {
        return Some(match d {
            DocError::Empty => t.err_empty_ticket.into(),
            DocError::Pricing(p) => return domain_words(p, t, currency),
            DocError::Tender(x) => return domain_words(x, t, currency),
            DocError::Money(m) => return domain_words(m, t, currency),
            DocError::NoReason => t.err_no_reason.into(),
            DocError::NotPositive => t.err_not_positive.into(),
            DocError::Mismatch(what) => {
                use super::Language::{En, Es};
                let part = match (t.language, *what) {
                    (En, w) => w,
                    (Es, "line figures") => "cifras de las líneas",
                    (Es, "totals") => "totales",
                    (Es, "tax breakdown") => "desglose de impuestos",
                    (Es, "change") => "cambio",
                    (Es, "refund total") => "total de la devolución",
                    (Es, "refund tax breakdown") => "desglose de impuestos de la devolución",
                    (Es, "refund tenders") => "pagos de la devolución",
                    (Es, w) => w,
                };
                fill(
                    super::store_text(t.language, Word::DocMismatch),
                    &[("part", part)],
                )
            }
        });
    }
    None
}

/// An operating system error in `lang`: the kinds a shop meets (a file or folder that is not
/// there, a permission, a full or read-only disk, a folder given for a file) in words, anything
/// else as the system says it. The system's own text stays in the log.
pub fn io_words(e: &std::io::Error, lang: super::Language) -> String {
    use std::io::ErrorKind as K;
    let k = |key| super::store_text(lang, key);
    match (e.kind(), e.raw_os_error()) {
        // The disk's own faults, as the store words them.
        (K::StorageFull, _) | (_, Some(28)) => k(Word::DiskFull).into(),
        (K::ReadOnlyFilesystem, _) | (_, Some(30)) => k(Word::DiskReadOnly).into(),
        (K::NotFound, _) => k(Word::OsNotFound).into(),
        (K::PermissionDenied, _) => k(Word::OsPermission).into(),
        (K::IsADirectory, _) | (_, Some(21)) => k(Word::OsIsDir).into(),
        (K::NotADirectory, _) | (_, Some(20)) => k(Word::OsNotDir).into(),
        (K::AlreadyExists, _) => k(Word::OsExists).into(),
        (K::TimedOut, _) => k(Word::OsTimedOut).into(),
        _ => fill(k(Word::OsOther), &[("why", &e.to_string())]),
    }
}
