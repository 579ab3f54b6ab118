//! Progress on stderr while a command works, when stderr is a terminal:
//! the records and pages of a listing against its `record_count`, and why
//! the client waits (the rate limit, a 429, a retry). Silent otherwise.

use std::io::IsTerminal;
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};

use crate::runtime::{Observer, Wait};

/// What separates a wait from the listing's progress on the line.
const WAITING: &str = " · ";

/// The progress line of one command.
#[derive(Clone)]
pub(crate) struct Progress {
    bar: ProgressBar,
}

impl Progress {
    /// A progress line on stderr, drawn only if stderr is a terminal.
    pub(crate) fn stderr() -> Progress {
        let target = if std::io::stderr().is_terminal() {
            ProgressDrawTarget::stderr()
        } else {
            ProgressDrawTarget::hidden()
        };
        let bar = ProgressBar::with_draw_target(None, target);
        bar.set_style(
            ProgressStyle::with_template("{spinner} {msg}")
                .unwrap_or_else(|_| ProgressStyle::default_spinner()),
        );
        Progress { bar }
    }

    /// A page of a listing arrived: `received` distinct records so far in
    /// `pages` pages, of `promised` (the first page's `record_count`).
    pub(crate) fn page(&self, pages: u64, received: u64, promised: Option<u64>, page_size: u32) {
        let message = match promised {
            Some(total) => {
                let of = total.div_ceil(u64::from(page_size.max(1))).max(pages);
                format!("{received} of {total} records, page {pages} of {of}")
            }
            None => format!("{received} records, page {pages}"),
        };
        self.bar.set_message(message);
        self.bar.tick();
        self.bar.enable_steady_tick(Duration::from_millis(120));
    }

    /// Runs `print` with the progress line out of the way, so printed
    /// rows and the line do not mix on one terminal.
    pub(crate) fn suspend<T>(&self, print: impl FnOnce() -> T) -> T {
        self.bar.suspend(print)
    }

    /// Removes the line.
    pub(crate) fn finish(&self) {
        self.bar.finish_and_clear();
    }
}

/// Shows the client's waits on the progress line.
impl Observer for Progress {
    fn waiting(&self, wait: &Wait) {
        let waiting = format!(
            "waiting {:.1} s: {}",
            wait.duration.as_secs_f64(),
            wait.reason
        );
        let message = self.bar.message();
        let message = match message.split(WAITING).next().filter(|m| !m.is_empty()) {
            Some(progress) => format!("{progress}{WAITING}{waiting}"),
            None => waiting,
        };
        self.bar.set_message(message);
        self.bar.tick();
        self.bar.enable_steady_tick(Duration::from_millis(120));
    }
}
