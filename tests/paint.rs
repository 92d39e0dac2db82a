//! The painter writes only the input line when only the input changed: what reaches the
//! terminal must still be, key after key, exactly the screen a whole frame would show.

use crate::common::*;
use caja::app::App;
use caja::config::Config;
use caja::store::Store;
use caja::ui::theme::Theme;
use chrono::{FixedOffset, TimeZone};
use ratatui::backend::CrosstermBackend;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use ratatui::layout::Rect;
use ratatui::{Terminal, TerminalOptions, Viewport};
use std::io::Write;
use std::sync::{Arc, Mutex};

#[derive(Clone, Default)]
struct Sink(Arc<Mutex<Vec<u8>>>);

impl Write for Sink {
    fn write(&mut self, b: &[u8]) -> std::io::Result<usize> {
        self.0.lock().unwrap().extend_from_slice(b);
        Ok(b.len())
    }
    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

/// The screen a terminal shows after `bytes`: the cursor moves and text that crossterm sends
/// (styles are read and dropped).
struct Screen {
    cells: Vec<Vec<char>>,
    x: usize,
    y: usize,
}

impl Screen {
    fn new() -> Screen {
        Screen {
            cells: vec![vec![' '; 80]; 24],
            x: 0,
            y: 0,
        }
    }

    fn feed(&mut self, bytes: &[u8]) {
        let text = String::from_utf8_lossy(bytes);
        let mut it = text.chars().peekable();
        while let Some(c) = it.next() {
            if c == '\x1b' {
                if it.peek() != Some(&'[') {
                    continue;
                }
                it.next();
                let mut params = String::new();
                let mut end = ' ';
                for d in it.by_ref() {
                    if d.is_ascii_alphabetic() || d == '~' {
                        end = d;
                        break;
                    }
                    params.push(d);
                }
                match end {
                    'H' => {
                        let mut p = params.split(';').map(|v| v.parse::<usize>().unwrap_or(1));
                        self.y = p.next().unwrap_or(1).saturating_sub(1);
                        self.x = p.next().unwrap_or(1).saturating_sub(1);
                    }
                    'J' if params == "2" => self.cells = vec![vec![' '; 80]; 24],
                    _ => {}
                }
            } else if self.y < 24 && self.x < 80 {
                self.cells[self.y][self.x] = c;
                self.x += 1;
            }
        }
    }

    fn text(&self) -> String {
        self.cells
            .iter()
            .map(|r| r.iter().collect::<String>().trim_end().to_string())
            .collect::<Vec<_>>()
            .join("\n")
    }
}

fn whole(app: &App, theme: &Theme) -> String {
    drawn(app, theme, 80, 24, true)
}

#[test]
fn painting_the_input_line_alone_shows_what_a_whole_frame_shows() {
    let dir = tempfile::tempdir().unwrap();
    drop(demo_store(dir.path()));
    let clock: caja::app::Clock = Box::new(|| {
        FixedOffset::west_opt(5 * 3600)
            .unwrap()
            .with_ymd_and_hms(2026, 11, 22, 9, 41, 0)
            .unwrap()
    });
    let mut app = App::new(
        dir.path().to_path_buf(),
        Some(Store::open(dir.path()).unwrap()),
        Config::defaults(),
        clock,
    );
    let theme = mono_theme();
    let sink = Sink::default();
    let opts = TerminalOptions {
        viewport: Viewport::Fixed(Rect::new(0, 0, 80, 24)),
    };
    let mut term = Terminal::with_options(CrosstermBackend::new(sink.clone()), opts).unwrap();
    let mut painter = caja::ui::Painter::default();
    let mut screen = Screen::new();
    let mut partial = 0;
    let mut typed: Vec<usize> = Vec::new();
    let mut press = |app: &mut App, code: KeyCode, mods: KeyModifiers| {
        app.on_key(KeyEvent::new(code, mods));
        if code == KeyCode::Esc {
            app.expire_esc();
        }
        partial += usize::from(app.input_only);
        painter
            .paint(&mut term, app, &theme, app.input_only)
            .unwrap();
        let bytes = std::mem::take(&mut *sink.0.lock().unwrap());
        if app.input_only && matches!(code, KeyCode::Char(_)) {
            typed.push(bytes.len());
        }
        screen.feed(&bytes);
        assert_eq!(screen.text(), whole(app, &theme), "after {code:?}");
    };
    let typing = |s: &str| -> Vec<(KeyCode, KeyModifiers)> {
        s.chars()
            .map(|c| {
                (
                    if c == '\n' {
                        KeyCode::Enter
                    } else {
                        KeyCode::Char(c)
                    },
                    KeyModifiers::NONE,
                )
            })
            .collect()
    };
    let mut script = typing("ana\n1234\n0\nana\n1234\n");
    // Typing, scanning, a mistake rubbed out, an unknown code, a cleared input, a popup over
    // the input line and back, a sale paid.
    script.extend(typing("HUE30\n7702001000066xyz"));
    script.extend([(KeyCode::Backspace, KeyModifiers::NONE); 3]);
    script.extend(typing("\nNOEXISTE\n3*SAL1"));
    script.push((KeyCode::Esc, KeyModifiers::NONE));
    script.extend(typing("SAL1K"));
    script.push((KeyCode::F(4), KeyModifiers::NONE));
    script.extend(typing("5%"));
    script.push((KeyCode::Esc, KeyModifiers::NONE));
    script.extend(typing("\n2"));
    script.push((KeyCode::F(12), KeyModifiers::NONE));
    script.extend(typing("\nCAF250"));
    for (code, mods) in script {
        press(&mut app, code, mods);
    }
    assert!(
        partial > 20,
        "the input line was painted alone {partial} times"
    );
    // A typed character sends the cells that changed, not the whole line (about 163 bytes
    // when the line was repainted whole).
    let most = typed.iter().max().copied().unwrap_or(0);
    let mean = typed.iter().sum::<usize>() / typed.len().max(1);
    assert!(typed.len() > 20, "{typed:?}");
    assert!(mean < 100 && most < 140, "bytes per typed key: {typed:?}");
}
