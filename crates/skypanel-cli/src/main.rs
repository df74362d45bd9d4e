//! `skypanel`: SkyPanel's terminal reader, built on the same core as the extension.

mod args;
mod feeds;

use std::io::{self, Write};
use std::process::ExitCode;

use skypanel_cli::http::UreqTransport;
use skypanel_core::identity;
use skypanel_core::xrpc::Client;

use args::{Command, TimelineArgs};

fn main() -> ExitCode {
    let command = match args::parse(std::env::args_os()) {
        Ok(c) => c,
        Err(msg) => {
            eprintln!("skypanel: {msg}");
            eprintln!("Try 'skypanel --help'.");
            return ExitCode::from(2);
        }
    };
    let result = match command {
        Command::Help => {
            print!("{}", args::HELP);
            Ok(())
        }
        Command::Version => {
            println!("skypanel {}", skypanel_core::VERSION);
            Ok(())
        }
        Command::Timeline(t) => timeline(t),
        Command::FeedsRun(r) => feeds::run(r, UreqTransport::new()),
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            // Errors can carry a server's own message: printed inert like everything else.
            eprintln!("skypanel: {}", clean(&msg));
            ExitCode::FAILURE
        }
    }
}

/// The app password from `SKYPANEL_APP_PASSWORD` (never an argument: those show in `ps`).
fn app_password() -> Result<String, String> {
    match std::env::var("SKYPANEL_APP_PASSWORD") {
        Ok(p) if !p.is_empty() => Ok(p),
        _ => Err("set SKYPANEL_APP_PASSWORD to an app password for the account \
                  (Bluesky: Settings → Privacy and security → App passwords)"
            .into()),
    }
}

/// A string from the network made safe to print: control characters (ESC included, so no
/// escape sequence survives) removed.
fn clean(s: &str) -> String {
    s.chars().filter(|c| !c.is_control()).collect()
}

fn timeline(args: TimelineArgs) -> Result<(), String> {
    let password = app_password()?;
    let transport = UreqTransport::new();
    let signed_in = pollster::block_on(identity::sign_in(
        &transport,
        &args.config,
        &args.handle,
        &password,
        args.service.as_deref(),
    ))
    .map_err(|e| e.to_string())?;
    let client = Client::new(transport, &signed_in.service)
        .map_err(|e| e.to_string())?
        .with_session(signed_in.session);
    let page = pollster::block_on(client.get_timeline(args.limit, args.cursor.as_deref()))
        .map_err(|e| e.to_string())?;
    let items = page.summaries();
    let mut out = io::stdout().lock();
    let written = if args.json {
        let answer = serde_json::json!({ "cursor": page.cursor, "items": items });
        writeln!(out, "{answer}")
    } else {
        render_text(&mut out, &items)
    };
    // A closed pipe (`skypanel timeline | head`) is not an error worth reporting.
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}

fn render_text(
    out: &mut impl Write,
    items: &[skypanel_core::model::feed::FeedItemSummary],
) -> io::Result<()> {
    for item in items {
        let name = item.author_name.as_deref().unwrap_or("");
        write!(out, "@{} {} · {}", clean(&item.author), clean(name), clean(&item.indexed_at))?;
        if let Some(by) = &item.reposted_by {
            write!(out, "  (reposted by @{})", clean(by))?;
        }
        writeln!(out)?;
        for line in item.text.lines() {
            // Hostile post text must not drive the terminal.
            writeln!(out, "    {}", clean(line))?;
        }
        writeln!(out)?;
    }
    Ok(())
}
