//! F3: the customer of the ticket. Find one by number or name and attach it, create or edit one
//! offline (checked field by field), or take it off the ticket. A ticket without a customer is a
//! final consumer's sale.

use super::keys::CustomerAction;
use super::{App, Level, Screen, edit};
use crate::domain::customer::Customer;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

/// Fields of the customer form, in order.
pub const FIELDS: usize = 6;

pub struct CustomerForm {
    /// Document type, number, name, phone, e-mail, address.
    pub values: [String; FIELDS],
    pub focus: usize,
    /// Editing an existing customer: its type and number stay.
    pub editing: bool,
    pub error: Option<String>,
}

pub struct CustomerState {
    pub query: String,
    pub results: Vec<Customer>,
    pub selected: usize,
    pub form: Option<CustomerForm>,
}

impl CustomerForm {
    fn new(number: &str) -> CustomerForm {
        let t = if number.contains('-') { "NIT" } else { "CC" };
        CustomerForm {
            values: [
                t.to_string(),
                number.to_string(),
                String::new(),
                String::new(),
                String::new(),
                String::new(),
            ],
            focus: if number.is_empty() { 0 } else { 2 },
            editing: false,
            error: None,
        }
    }

    fn edit_of(c: &Customer) -> CustomerForm {
        CustomerForm {
            values: [
                c.doc_type.code().to_string(),
                c.doc_number.clone(),
                c.name.clone(),
                c.phone.clone(),
                c.email.clone(),
                c.address.clone(),
            ],
            focus: 2,
            editing: true,
            error: None,
        }
    }
}

impl App {
    pub(super) fn open_customers(&mut self) {
        let mut s = CustomerState {
            query: std::mem::take(&mut self.input),
            results: Vec::new(),
            selected: 0,
            form: None,
        };
        self.run_customer_search(&mut s);
        self.screen = Screen::Customers(s);
    }

    fn run_customer_search(&mut self, s: &mut CustomerState) {
        let Some(store) = &self.store else { return };
        s.selected = 0;
        s.results = if s.query.trim().is_empty() {
            Vec::new()
        } else {
            match store.search_customers(&s.query, 8) {
                Ok(r) => r,
                Err(e) => {
                    self.store_error(e);
                    Vec::new()
                }
            }
        };
    }

    /// Puts a customer on the ticket (or takes it off with None).
    pub fn attach_customer(&mut self, c: Option<Customer>) {
        match &c {
            Some(c) => {
                let balance = self
                    .store
                    .as_ref()
                    .and_then(|s| s.points_balance(&c.key()).ok())
                    .unwrap_or(0);
                let text = if self.loyalty().enabled() {
                    crate::i18n::fill(
                        self.texts.customer_attached_points,
                        &[("name", &c.name), ("balance", &balance.to_string())],
                    )
                } else {
                    crate::i18n::fill(self.texts.customer_attached, &[("name", &c.name)])
                };
                self.info(Level::Ok, text);
            }
            None => self.info(Level::Info, self.texts.customer_removed),
        }
        self.ticket.customer = c;
    }

    pub(super) fn customers_key(&mut self, mut s: CustomerState, key: KeyEvent) {
        if let Some(mut form) = s.form.take() {
            match self.customer_form_key(&mut form, key) {
                FormResult::Stay => s.form = Some(form),
                FormResult::Back => {}
                FormResult::Saved(c) => {
                    self.attach_customer(Some(c));
                    return;
                }
            }
            self.screen = Screen::Customers(s);
            return;
        }
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Up | KeyCode::Down => {
                s.selected = super::keys::step(s.selected, s.results.len(), key.code)
            }
            KeyCode::Enter => match s.results.get(s.selected).cloned() {
                Some(c) => {
                    self.attach_customer(Some(c));
                    return;
                }
                // Nobody found: create the customer with what was typed.
                None if !s.query.trim().is_empty() => {
                    s.form = Some(CustomerForm::new(s.query.trim()));
                }
                None => {}
            },
            code if CustomerAction::of(code) == Some(CustomerAction::New) => {
                s.form = Some(CustomerForm::new(""))
            }
            code if CustomerAction::of(code) == Some(CustomerAction::Edit) => {
                if let Some(c) = s.results.get(s.selected) {
                    s.form = Some(CustomerForm::edit_of(c));
                }
            }
            code if CustomerAction::of(code) == Some(CustomerAction::Delete) => {
                self.attach_customer(None);
                return;
            }
            _ => {
                if edit(&mut s.query, key) {
                    self.run_customer_search(&mut s);
                }
            }
        }
        self.screen = Screen::Customers(s);
    }

    fn customer_form_key(&mut self, f: &mut CustomerForm, key: KeyEvent) -> FormResult {
        match key.code {
            KeyCode::Esc => return FormResult::Back,
            KeyCode::Up | KeyCode::BackTab => {
                let first = if f.editing { 2 } else { 0 };
                f.focus = f.focus.saturating_sub(1).max(first);
            }
            KeyCode::Down | KeyCode::Tab => f.focus = (f.focus + 1).min(FIELDS - 1),
            KeyCode::Enter if f.focus < FIELDS - 1 => f.focus += 1,
            KeyCode::Enter | super::keys::CONFIRM => {
                let v = &f.values;
                let c = match Customer::new(&v[0], &v[1], &v[2], &v[3], &v[4], &v[5]) {
                    Ok(c) => c,
                    Err(e) => {
                        f.error = Some(self.error_words(&e));
                        return FormResult::Stay;
                    }
                };
                let Some(store) = self.store.clone() else {
                    return FormResult::Back;
                };
                return match store.save_customer(&self.header(), c.clone()) {
                    Ok(done) => {
                        self.outbox = done.outbox;
                        FormResult::Saved(c)
                    }
                    Err(e) => {
                        f.error = Some(self.user_mistake(&e).unwrap_or_else(|| {
                            crate::i18n::fill(
                                self.texts.store_error,
                                &[("why", &self.store_words(&e))],
                            )
                        }));
                        FormResult::Stay
                    }
                };
            }
            _ => {
                let fixed = f.editing && f.focus < 2;
                if !fixed && edit(&mut f.values[f.focus], key) {
                    f.error = None;
                }
            }
        }
        FormResult::Stay
    }
}

enum FormResult {
    Stay,
    Back,
    Saved(Customer),
}
