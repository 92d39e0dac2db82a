//! The held tickets (F5 holds one, F6 lists them): recall one to the sale, or delete it with a
//! supervisor's PIN.

use super::{App, Level, Screen};
use crate::domain::document::Override;
use crate::i18n::fill;
use crate::store::held::HeldTicket;
use ratatui::crossterm::event::{KeyCode, KeyEvent};

#[derive(Default)]
pub struct RecallState {
    pub list: Vec<(u64, HeldTicket)>,
    pub selected: usize,
}

impl App {
    pub(super) fn open_recall(&mut self) {
        let Some(store) = &self.store else { return };
        match store.held() {
            Ok(list) if list.is_empty() => self.info(Level::Info, self.texts.nothing_held),
            Ok(list) => self.screen = Screen::Recall(RecallState { list, selected: 0 }),
            Err(e) => self.store_error(e),
        }
    }

    pub(super) fn recall_key(&mut self, mut r: RecallState, key: KeyEvent) {
        match key.code {
            KeyCode::Esc => return,
            KeyCode::Up | KeyCode::Down => {
                r.selected = super::keys::step(r.selected, r.list.len(), key.code)
            }
            KeyCode::Enter => {
                if let Some((id, _)) = r.list.get(r.selected) {
                    let id = *id;
                    self.recall(id);
                    return;
                }
            }
            // Delete: the held ticket is given up, on the record; with tenders taken, a
            // supervisor decides.
            KeyCode::Delete => {
                if let Some((id, h)) = r.list.get(r.selected) {
                    let id = *id;
                    if h.tenders.is_empty() {
                        self.delete_held(id, None);
                    } else {
                        self.guard(super::Guarded::DeleteHeld(id));
                    }
                    return;
                }
            }
            _ => {}
        }
        self.screen = Screen::Recall(r);
    }

    /// Deletes a held ticket, recorded as a cancelled ticket.
    pub(super) fn delete_held(&mut self, id: u64, authorized: Option<Override>) {
        let Some(store) = self.store.clone() else {
            return;
        };
        self.screen = Screen::Sale;
        let header = self.header();
        match store.delete_held(id, &header, "", authorized.into_iter().collect()) {
            Ok(Some(c)) => {
                tracing::info!(number = %c.number, held = id, "held ticket deleted");
                self.outbox = c.outbox;
                self.info(
                    Level::Info,
                    fill(self.texts.held_deleted, &[("number", &c.number)]),
                );
            }
            Ok(None) => self.info(Level::Warn, self.texts.nothing_held),
            Err(e) => self.store_error(e),
        }
    }
}
