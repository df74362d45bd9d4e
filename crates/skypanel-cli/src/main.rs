//! `skypanel`: SkyPanel's terminal reader, built on the same core as the extension.

mod args;

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
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(msg) => {
            eprintln!("skypanel: {msg}");
            ExitCode::FAILURE
        }
    }
}

fn timeline(args: TimelineArgs) -> Result<(), String> {
    let password = match std::env::var("SKYPANEL_APP_PASSWORD") {
        Ok(p) if !p.is_empty() => p,
        _ => {
            return Err("set SKYPANEL_APP_PASSWORD to an app password for the account \
                        (Bluesky: Settings → Privacy and security → App passwords)"
                .into())
        }
    };
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
        write!(out, "@{} {} · {}", item.author, name, item.indexed_at)?;
        if let Some(by) = &item.reposted_by {
            write!(out, "  (reposted by @{by})")?;
        }
        writeln!(out)?;
        for line in item.text.lines() {
            // Strip control characters so hostile post text cannot drive the terminal.
            let clean: String = line.chars().filter(|c| !c.is_control()).collect();
            writeln!(out, "    {clean}")?;
        }
        writeln!(out)?;
    }
    Ok(())
}
