//! The words on paper: receipts and printed reports, by name, in both languages.

use super::Language;
use crate::domain::document::{OverrideAction, RegisterReason};
use crate::domain::tender::TenderKind;

catalogue! {
    /// The words a receipt and a printed report use, by name.
    pub struct Words {
        /// The language these words are in.
        pub language: Language,
        /// Above a receipt printed again.
        pub copy: &'static str,
        pub register: &'static str,
        pub cashier: &'static str,
        pub discount: &'static str,
        pub subtotal: &'static str,
        pub total: &'static str,
        pub tax: &'static str,
        pub base: &'static str,
        pub tax_included: &'static str,
        pub rounding: &'static str,
        /// What a customer pays after cash rounding, and what a refund gives back.
        pub to_pay: &'static str,
        pub to_give: &'static str,
        pub cash: &'static str,
        pub card: &'static str,
        pub transfer: &'static str,
        pub other: &'static str,
        pub points: &'static str,
        pub change: &'static str,
        pub customer: &'static str,
        pub points_earned: &'static str,
        pub points_redeemed: &'static str,
        pub points_balance: &'static str,
        pub refund_title: &'static str,
        pub cash_in_title: &'static str,
        pub cash_out_title: &'static str,
        pub no_sale_title: &'static str,
        pub void_title: &'static str,
        pub cancel_title: &'static str,
        pub held_deleted_title: &'static str,
        pub original: &'static str,
        pub reason: &'static str,
        pub authorized: &'static str,
        pub line: &'static str,
        pub after_payment: &'static str,
        pub give_back: &'static str,
        // Reports.
        pub z_title: &'static str,
        pub x_title: &'static str,
        pub sales: &'static str,
        pub gross: &'static str,
        pub discounts: &'static str,
        pub refunds: &'static str,
        pub net: &'static str,
        pub by_tender: &'static str,
        pub taxes: &'static str,
        pub cash_drawer: &'static str,
        pub floats: &'static str,
        pub cash_in: &'static str,
        pub cash_out: &'static str,
        pub expected: &'static str,
        pub counted: &'static str,
        pub difference: &'static str,
        pub trail: &'static str,
        pub voids: &'static str,
        pub cancelled: &'static str,
        pub held_deleted: &'static str,
        pub given_back: &'static str,
        pub overrides: &'static str,
        pub no_sales: &'static str,
        pub shifts_closed: &'static str,
        pub first: &'static str,
        pub last: &'static str,
        pub day_opened: &'static str,
        pub day_corrected: &'static str,
        pub day_given_up: &'static str,
        pub shift_opened: &'static str,
        pub shift_closed: &'static str,
    }
}

const ES: Words = Words {
    language: Language::Es,
    register: "Caja",
    cashier: "Cajero",
    discount: "Descuento",
    subtotal: "Subtotal",
    total: "TOTAL",
    tax: "IVA",
    base: "base",
    tax_included: "Impuestos incluidos",
    rounding: "Redondeo",
    to_pay: "A pagar",
    to_give: "Devuelto",
    cash: "Efectivo",
    card: "Tarjeta",
    transfer: "Transferencia",
    other: "Otro",
    points: "Puntos",
    change: "Cambio",
    customer: "Cliente",
    points_earned: "Puntos ganados",
    points_redeemed: "Puntos redimidos",
    points_balance: "Saldo de puntos",
    refund_title: "DEVOLUCIÓN",
    cash_in_title: "ENTRADA DE EFECTIVO",
    cash_out_title: "SALIDA DE EFECTIVO",
    no_sale_title: "APERTURA SIN VENTA",
    void_title: "LÍNEA ANULADA",
    cancel_title: "TIQUETE ANULADO",
    held_deleted_title: "TIQUETE EN ESPERA BORRADO",
    original: "Venta original",
    reason: "Motivo",
    authorized: "Autoriza",
    line: "Línea",
    after_payment: "con el pago iniciado",
    give_back: "Devolver al cliente",
    z_title: "CIERRE DEL DIA (Z)",
    x_title: "INFORME X",
    copy: "*** COPIA ***",
    sales: "Ventas",
    gross: "Bruto",
    discounts: "Descuentos",
    refunds: "Devoluciones",
    net: "Neto",
    by_tender: "Por medio de pago",
    taxes: "Impuestos",
    cash_drawer: "Efectivo en caja",
    floats: "Fondos iniciales",
    cash_in: "Entradas",
    cash_out: "Salidas",
    expected: "Esperado",
    counted: "Contado",
    difference: "Diferencia",
    trail: "Anulaciones y autorizaciones",
    voids: "Líneas anuladas",
    cancelled: "Tiquetes anulados",
    held_deleted: "de ellos, en espera",
    given_back: "Devuelto al cliente",
    overrides: "Autorizaciones",
    no_sales: "Aperturas sin venta",
    shifts_closed: "Turnos cerrados",
    first: "Primera venta",
    last: "Última venta",
    day_opened: "Apertura del día",
    day_corrected: "Fecha corregida",
    day_given_up: "En lugar de",
    shift_opened: "Apertura de turno, fondo",
    shift_closed: "Cierre de turno",
};

const EN: Words = Words {
    language: Language::En,
    register: "Register",
    cashier: "Cashier",
    discount: "Discount",
    subtotal: "Subtotal",
    total: "TOTAL",
    tax: "Tax",
    base: "base",
    tax_included: "Taxes included",
    rounding: "Rounding",
    to_pay: "To pay",
    to_give: "Given back",
    cash: "Cash",
    card: "Card",
    transfer: "Transfer",
    other: "Other",
    points: "Points",
    change: "Change",
    customer: "Customer",
    points_earned: "Points earned",
    points_redeemed: "Points redeemed",
    points_balance: "Points balance",
    refund_title: "REFUND",
    cash_in_title: "CASH IN",
    cash_out_title: "CASH OUT",
    no_sale_title: "NO SALE",
    void_title: "LINE VOIDED",
    cancel_title: "TICKET CANCELLED",
    held_deleted_title: "HELD TICKET DELETED",
    original: "Original sale",
    reason: "Reason",
    authorized: "Authorized by",
    line: "Line",
    after_payment: "after payment started",
    give_back: "Give back",
    z_title: "CLOSE OF DAY (Z)",
    x_title: "X REPORT",
    copy: "*** COPY ***",
    sales: "Sales",
    gross: "Gross",
    discounts: "Discounts",
    refunds: "Refunds",
    net: "Net",
    by_tender: "By tender",
    taxes: "Taxes",
    cash_drawer: "Cash in drawer",
    floats: "Floats",
    cash_in: "Cash in",
    cash_out: "Cash out",
    expected: "Expected",
    counted: "Counted",
    difference: "Difference",
    trail: "Voids and overrides",
    voids: "Lines voided",
    cancelled: "Tickets cancelled",
    held_deleted: "of them, held",
    given_back: "Given back",
    overrides: "Overrides",
    no_sales: "No-sale openings",
    shifts_closed: "Shifts closed",
    first: "First sale",
    last: "Last sale",
    day_opened: "Business date opened",
    day_corrected: "Business date corrected",
    day_given_up: "Instead of",
    shift_opened: "Shift opened, float",
    shift_closed: "Shift closed",
};

/// The receipt and report words of `lang`.
pub fn words(lang: Language) -> &'static Words {
    match lang {
        Language::Es => &ES,
        Language::En => &EN,
    }
}

/// A supervisor override's action as people read it.
pub fn override_name(action: &OverrideAction, lang: Language) -> String {
    use OverrideAction as A;
    let (es, en) = match action {
        A::Discount => ("Descuento", "Discount"),
        A::VoidLine => ("Anular línea", "Void line"),
        A::Cancel => ("Anular tiquete", "Cancel ticket"),
        A::Refund => ("Devolución", "Refund"),
        A::NoSale => ("Sin venta", "No sale"),
        A::CashIn => ("Entrada", "Cash in"),
        A::CashOut => ("Salida", "Cash out"),
        A::CashOutOver => ("Salida sobre caja", "Cash out over drawer"),
        A::OpenDay => ("Día fuera de orden", "Date out of sequence"),
        A::CorrectDay => ("Corrección de fecha", "Date correction"),
        A::Price => ("Precio", "Price"),
        A::Quantity => ("Cantidad", "Quantity"),
        A::CloseDay => ("Cierre del día", "Close of day"),
        A::CloseShift => ("Cierre de turno", "Shift close"),
        A::DrawerTest => ("Prueba del cajón", "Drawer test"),
        A::Other(code) => return code.clone(),
    };
    match lang {
        Language::Es => es,
        Language::En => en,
    }
    .to_string()
}

/// A reason the register itself recorded (with a supervisor's override, or on the drawer
/// test's no-sale), as people read it: sealed documents keep it in English ("after payment
/// started"); a reason a person typed stays as typed.
pub fn override_reason(reason: &str, lang: Language) -> String {
    use RegisterReason as R;
    if lang == Language::En {
        return reason.to_string();
    }
    if let Some(cashier) = RegisterReason::shift_cashier(reason) {
        return format!("turno de {cashier}");
    }
    let Some(known) = RegisterReason::parse(reason) else {
        return reason.to_string();
    };
    match known {
        R::AfterPaymentStarted => "con el pago iniciado",
        R::TendersGivenBack => "pagos devueltos",
        R::HeldTicketDeleted => "tiquete en espera borrado",
        R::OverDrawer => "más de lo que hay en el cajón",
        R::OverLimit => "sobre el límite",
        R::DateOutOfSequence => "fecha fuera de orden",
        R::FirstBusinessDate => "primera fecha de la tienda",
        R::ServerClock => "el reloj difiere del servidor",
        R::WrongClock => "reloj equivocado",
        R::CloseOfDay => "cierre del día",
        R::DrawerTest => "prueba del cajón",
        R::Diagnostics => "diagnóstico",
    }
    .to_string()
}

/// The name of a tender kind in `w`.
pub fn tender_name(kind: TenderKind, w: &Words) -> &'static str {
    match kind {
        TenderKind::Cash => w.cash,
        TenderKind::Card => w.card,
        TenderKind::Transfer => w.transfer,
        TenderKind::Other => w.other,
        TenderKind::Points => w.points,
    }
}

/// The title of an X report in `lang`.
pub fn x_title(lang: Language) -> &'static str {
    words(lang).x_title
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_languages_have_every_word_with_the_same_placeholders() {
        crate::i18n::tests::same_words(&ES.all(), &EN.all());
    }

    /// The register's own recorded reasons read in Spanish; what a person typed stays.
    #[test]
    fn recorded_reasons_read_in_the_paper_language() {
        let es = |r| override_reason(r, Language::Es);
        assert_eq!(es("after payment started"), "con el pago iniciado");
        assert_eq!(es("drawer test"), "prueba del cajón");
        assert_eq!(es("shift of ana"), "turno de ana");
        assert_eq!(es("cliente devolvió"), "cliente devolvió");
        assert_eq!(override_reason("drawer test", Language::En), "drawer test");
        for r in RegisterReason::ALL {
            assert_ne!(es(r.text()), r.text(), "{r:?} has no Spanish");
        }
    }

    /// Every action the register records has a name in each language, and a code this caja
    /// does not know shows as stored.
    #[test]
    fn every_action_has_a_name() {
        for a in OverrideAction::KNOWN {
            for lang in [Language::Es, Language::En] {
                assert_ne!(override_name(&a, lang), a.code(), "{a:?}");
            }
        }
        let newer = OverrideAction::from_code("price_match");
        assert_eq!(override_name(&newer, Language::Es), "price_match");
    }
}
