//! Progress bars for long `.import` and `.dump` runs, shown only when
//! stderr is a terminal (so scripted output stays byte-identical).

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use std::io::IsTerminal;

pub struct Progress {
    bar: Option<ProgressBar>,
    /// How long the operation runs before the bar appears:
    /// `CHORUS_PROGRESS_DELAY_MS`, default 500.
    delay_ms: u128,
}

impl Progress {
    /// `total` in bytes (import) or None for an open-ended row count (dump).
    pub fn new(label: &str, total: Option<u64>) -> Progress {
        let delay_ms = std::env::var("CHORUS_PROGRESS_DELAY_MS")
            .ok()
            .and_then(|v| v.parse().ok())
            .unwrap_or(500);
        if !std::io::stderr().is_terminal() {
            return Progress {
                bar: None,
                delay_ms,
            };
        }
        let bar = match total {
            Some(t) => {
                let b = ProgressBar::with_draw_target(Some(t), ProgressDrawTarget::stderr());
                if let Ok(s) = ProgressStyle::with_template(&format!(
                    "{label} {{bar:40}} {{bytes}}/{{total_bytes}} {{elapsed}}"
                )) {
                    b.set_style(s);
                }
                b
            }
            None => {
                let b = ProgressBar::with_draw_target(None, ProgressDrawTarget::stderr());
                if let Ok(s) =
                    ProgressStyle::with_template(&format!("{label} {{pos}} rows {{elapsed}}"))
                {
                    b.set_style(s);
                }
                b
            }
        };
        // Appears only once the operation has run for a moment.
        bar.set_draw_target(ProgressDrawTarget::hidden());
        Progress {
            bar: Some(bar),
            delay_ms,
        }
    }

    pub fn set(&self, pos: u64) {
        if let Some(b) = &self.bar {
            if b.is_hidden() && b.elapsed().as_millis() >= self.delay_ms {
                b.set_draw_target(ProgressDrawTarget::stderr());
            }
            b.set_position(pos);
        }
    }

    pub fn finish(&self) {
        if let Some(b) = &self.bar {
            b.finish_and_clear();
        }
    }
}
