//! `halo` on a pseudo-terminal (portable-pty), as a person runs it: a
//! listing prints a table that fits the terminal's width while stderr shows
//! its progress (records and pages of `record_count`) and why it waits (the
//! fake's rate limit answers 429); `delete` asks before deleting.

#![cfg(unix)]

mod cli_common;

use std::io::{Read, Write};
use std::sync::mpsc;
use std::time::Duration;

use cli_common::{Rig, CLIENT_ID, SECRET};
use halopsa_fake::FakeHalo;
use portable_pty::{native_pty_system, CommandBuilder, PtySize};

/// The terminal's width.
const COLUMNS: u16 = 100;

/// What `halo args` wrote to a terminal, and its exit code; `answer` is
/// typed once the output shows `prompt`.
fn on_terminal(rig: &Rig, args: &[&str], prompt: Option<(&str, &str)>) -> (String, u32) {
    let pty = native_pty_system()
        .openpty(PtySize {
            rows: 40,
            cols: COLUMNS,
            pixel_width: 0,
            pixel_height: 0,
        })
        .expect("a pseudo-terminal");
    let mut command = CommandBuilder::new(env!("CARGO_BIN_EXE_halo"));
    command.args(args);
    for (name, _) in std::env::vars_os() {
        if name.to_string_lossy().starts_with("HALOPSA_") {
            command.env_remove(name);
        }
    }
    command.env("HALOPSA_BASE_URL", rig.halo.base_url());
    command.env("HALOPSA_TENANT", rig.halo.tenant());
    command.env("HALOPSA_CLIENT_ID", CLIENT_ID);
    command.env("HALOPSA_CLIENT_SECRET", SECRET);
    command.env("HALOPSA_CONFIG", rig.dir.config());
    command.env("TERM", "xterm-256color");
    let mut child = pty.slave.spawn_command(command).expect("halo starts");
    drop(pty.slave);
    let mut reader = pty.master.try_clone_reader().expect("a reader");
    let mut writer = pty.master.take_writer().expect("a writer");
    let (chunks, received) = mpsc::channel::<Vec<u8>>();
    std::thread::spawn(move || {
        let mut buffer = [0u8; 4096];
        // Ends with an error (EIO) or 0 once the child is gone.
        while let Ok(read) = reader.read(&mut buffer) {
            if read == 0 || chunks.send(buffer[..read].to_vec()).is_err() {
                break;
            }
        }
    });
    let (done, ended) = mpsc::channel();
    let mut killer = child.clone_killer();
    std::thread::spawn(move || {
        let _ = done.send(child.wait());
    });
    let mut output = Vec::new();
    let mut answered = prompt.is_none();
    let status = loop {
        while let Ok(chunk) = received.try_recv() {
            output.extend(chunk);
        }
        if let (false, Some((shown, answer))) = (answered, prompt) {
            if String::from_utf8_lossy(&output).contains(shown) {
                writer.write_all(answer.as_bytes()).expect("typed");
                answered = true;
            }
        }
        match ended.recv_timeout(Duration::from_millis(50)) {
            Ok(status) => break status.expect("halo ends"),
            Err(mpsc::RecvTimeoutError::Timeout) => {}
            Err(mpsc::RecvTimeoutError::Disconnected) => panic!("the waiter is gone"),
        }
        if output.len() > 10_000_000 {
            let _ = killer.kill();
            panic!("runaway output");
        }
    };
    // What is still in the pipe.
    std::thread::sleep(Duration::from_millis(100));
    while let Ok(chunk) = received.try_recv() {
        output.extend(chunk);
    }
    let _ = killer.kill();
    (
        String::from_utf8_lossy(&output).into_owned(),
        status.exit_code(),
    )
}

/// The lines a person sees: each line's text after its last carriage
/// return, without escape sequences.
fn screen_lines(raw: &str) -> Vec<String> {
    raw.split('\n')
        .map(|line| {
            let line = line.trim_end_matches('\r');
            let shown = line.rsplit('\r').next().unwrap_or_default();
            strip_escapes(shown)
        })
        .collect()
}

/// `text` without ANSI escape sequences (`ESC [ ... letter`, `ESC x`).
fn strip_escapes(text: &str) -> String {
    let mut out = String::new();
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\u{1b}' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'[') {
            chars.next();
            for c in chars.by_ref() {
                if c.is_ascii_alphabetic() {
                    break;
                }
            }
        } else {
            chars.next();
        }
    }
    out
}

#[test]
fn a_listing_shows_a_fitting_table_and_its_progress() {
    // Three calls per two seconds: the listing waits for the rate limit.
    let rig = Rig::with(
        FakeHalo::builder()
            .tickets(250)
            .rate_limit(3, Duration::from_secs(2)),
    );
    let (raw, code) = on_terminal(
        &rig,
        &["tickets", "list", "--all", "--page-size", "50"],
        None,
    );
    assert_eq!(code, 0, "{raw}");
    let lines = screen_lines(&raw);
    let header = lines
        .iter()
        .position(|line| line.starts_with("id  summary"))
        .unwrap_or_else(|| panic!("a header in {raw:?}"));
    assert_eq!(
        lines[header].split_whitespace().collect::<Vec<_>>(),
        [
            "id",
            "summary",
            "client_name",
            "status_name",
            "agent_name",
            "dateoccurred"
        ]
    );
    for line in &lines {
        let width = line.chars().count();
        assert!(width <= usize::from(COLUMNS), "{width} columns: {line:?}");
    }
    let rows: Vec<u32> = lines
        .iter()
        .filter_map(|line| line.split_whitespace().next()?.parse().ok())
        .collect();
    assert_eq!(
        rows,
        (1..=250).collect::<Vec<_>>(),
        "every row once, in order"
    );
    // Progress on stderr: records and pages against record_count ...
    assert!(raw.contains("of 250 records, page "), "{raw:?}");
    assert!(raw.contains("page 5 of 5"), "{raw:?}");
    // ... and why it waited.
    assert!(raw.contains("waiting "), "{raw:?}");
    assert!(
        raw.contains("(HTTP 429)") || raw.contains("client-side rate limit"),
        "{raw:?}"
    );
}

#[test]
fn delete_asks_on_a_terminal() {
    let rig = Rig::new(5);
    let (raw, code) = on_terminal(&rig, &["tickets", "delete", "3"], Some(("[y/N]", "n\n")));
    assert!(raw.contains("Delete tickets 3? [y/N]"), "{raw:?}");
    assert_eq!(code, 2, "{raw}");
    assert_eq!(rig.record("Tickets", 3).unwrap()["deleted"], false);

    let (raw, code) = on_terminal(&rig, &["tickets", "delete", "3"], Some(("[y/N]", "y\n")));
    assert_eq!(code, 0, "{raw}");
    assert!(raw.contains("Deleted tickets 3."), "{raw:?}");
    assert_eq!(rig.record("Tickets", 3).unwrap()["deleted"], true);
}
