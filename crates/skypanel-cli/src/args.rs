//! Command-line parsing.

use std::ffi::OsString;

use skypanel_core::identity::ServiceConfig;

/// What the user asked for.
pub enum Command {
    Help,
    Version,
    Timeline(TimelineArgs),
}

/// Options of `skypanel timeline`.
pub struct TimelineArgs {
    /// The PDS to sign in at; found from the handle when absent.
    pub service: Option<String>,
    /// Where handles and DIDs are resolved.
    pub config: ServiceConfig,
    pub handle: String,
    pub limit: u8,
    pub cursor: Option<String>,
    pub json: bool,
}

pub const HELP: &str = "\
skypanel — read Bluesky in a terminal

USAGE:
    skypanel timeline --handle HANDLE [--service URL] [--limit N] [--cursor C] [--json]
    skypanel --version
    skypanel --help

COMMANDS:
    timeline    Sign in and print one page of your home timeline.

OPTIONS (timeline):
    --handle HANDLE   Your handle, DID or email.
    --service URL     Your PDS (default: found from your handle).
    --plc URL         PLC directory (default: https://plc.directory).
    --appview URL     AppView that resolves handles (default: https://public.api.bsky.app).
    --entryway URL    Where email sign-ins go (default: https://bsky.social).
    --limit N         Posts per page, 1-100 (default: 30).
    --cursor C        Continue from a cursor printed by --json.
    --json            Print {cursor, items} as JSON instead of text.

ENVIRONMENT:
    SKYPANEL_APP_PASSWORD   The app password to sign in with (never pass it as an argument).
";

/// Parses the process arguments (the first is the program name).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_iter(args);
    let mut subcommand: Option<String> = None;
    let mut t = TimelineArgs {
        service: None,
        config: ServiceConfig::default(),
        handle: String::new(),
        limit: 30,
        cursor: None,
        json: false,
    };
    while let Some(arg) = parser.next().map_err(|e| e.to_string())? {
        match arg {
            Short('h') | Long("help") => return Ok(Command::Help),
            Short('V') | Long("version") => return Ok(Command::Version),
            Long("service") => t.service = Some(string(parser.value())?),
            Long("plc") => t.config.plc_url = string(parser.value())?,
            Long("appview") => t.config.appview_url = string(parser.value())?,
            Long("entryway") => t.config.entryway_url = string(parser.value())?,
            Long("handle") => t.handle = string(parser.value())?,
            Long("cursor") => t.cursor = Some(string(parser.value())?),
            Long("json") => t.json = true,
            Long("limit") => {
                let v = string(parser.value())?;
                t.limit = match v.parse::<u8>() {
                    Ok(n @ 1..=100) => n,
                    _ => return Err(format!("--limit must be a number from 1 to 100, not '{v}'")),
                };
            }
            Value(v) if subcommand.is_none() => subcommand = Some(string(Ok(v))?),
            other => return Err(other.unexpected().to_string()),
        }
    }
    match subcommand.as_deref() {
        None => Ok(Command::Help),
        Some("timeline") => {
            if t.handle.is_empty() {
                return Err("timeline needs --handle (your handle, DID or email)".into());
            }
            Ok(Command::Timeline(t))
        }
        Some(other) => Err(format!("unknown command '{other}'")),
    }
}

fn string(value: Result<OsString, lexopt::Error>) -> Result<String, String> {
    value
        .map_err(|e| e.to_string())?
        .into_string()
        .map_err(|v| format!("'{}' is not valid UTF-8", v.to_string_lossy()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_str(args: &[&str]) -> Result<Command, String> {
        parse(std::iter::once("skypanel").chain(args.iter().copied()).map(OsString::from))
    }

    #[test]
    fn timeline_options() {
        let Command::Timeline(t) =
            parse_str(&["timeline", "--handle", "alice.test", "--limit", "5", "--json"]).unwrap()
        else {
            panic!("expected timeline");
        };
        assert_eq!((t.handle.as_str(), t.limit, t.json), ("alice.test", 5, true));
        assert_eq!(t.service, None);
        assert_eq!(t.config, ServiceConfig::default());
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(parse_str(&["timeline"]).err().unwrap().contains("--handle"));
        assert!(parse_str(&["timeline", "--handle", "a", "--limit", "0"])
            .err()
            .unwrap()
            .contains("1 to 100"));
        assert!(parse_str(&["frobnicate"]).err().unwrap().contains("unknown command"));
        assert!(parse_str(&["--bogus"]).is_err());
    }
}
