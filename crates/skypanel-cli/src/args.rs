//! Command-line parsing.

use std::ffi::OsString;

use skypanel_core::identity::ServiceConfig;

use crate::feeds::RunArgs;

/// What the user asked for.
pub enum Command {
    Help,
    Version,
    Timeline(TimelineArgs),
    FeedsRun(RunArgs),
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
    skypanel feeds run FILE [--handle HANDLE] [--limit N] [--cursor C] [--json]
    skypanel --version
    skypanel --help

COMMANDS:
    timeline    Sign in and print one page of your home timeline.
    feeds run   Run a skypanel.feed definition (a file the extension's Feeds page
                exports, or - for standard input) and print one page of it. Without
                --handle it reads signed out: sources that need an account are
                reported, the others run.

OPTIONS:
    --handle HANDLE   Your handle, DID or email.
    --service URL     Your PDS (default: found from your handle).
    --plc URL         PLC directory (default: https://plc.directory).
    --appview URL     AppView that resolves handles (default: https://public.api.bsky.app).
    --entryway URL    Where email sign-ins go (default: https://bsky.social).
    --limit N         Posts per page, 1-100 (default: 30).
    --cursor C        Continue from a cursor printed by an earlier run.
    --json            Print JSON instead of text: {cursor, items} for timeline; for
                      feeds run, {posts, cursor, steps, errors, blocks} as the
                      extension's feeds.run answers.

EXAMPLES:
    skypanel feeds run rockets.skypanel-feed.json
    SKYPANEL_APP_PASSWORD=xxxx-xxxx-xxxx-xxxx skypanel feeds run mutuals.json --handle you.bsky.social --json | jq '.posts[].uri'

ENVIRONMENT:
    SKYPANEL_APP_PASSWORD   The app password to sign in with (never pass it as an argument).
";

/// Parses the process arguments (the first is the program name).
pub fn parse(args: impl IntoIterator<Item = OsString>) -> Result<Command, String> {
    use lexopt::prelude::*;
    let mut parser = lexopt::Parser::from_iter(args);
    let mut words: Vec<String> = Vec::new();
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
            Value(v) if words.len() < 3 => words.push(string(Ok(v))?),
            other => return Err(other.unexpected().to_string()),
        }
    }
    let words: Vec<&str> = words.iter().map(String::as_str).collect();
    match words.as_slice() {
        [] => Ok(Command::Help),
        ["timeline"] => {
            if t.handle.is_empty() {
                return Err("timeline needs --handle (your handle, DID or email)".into());
            }
            Ok(Command::Timeline(t))
        }
        ["feeds", "run", file] => Ok(Command::FeedsRun(RunArgs {
            file: (*file).to_owned(),
            handle: Some(t.handle).filter(|h| !h.is_empty()),
            service: t.service,
            config: t.config,
            limit: usize::from(t.limit),
            cursor: t.cursor,
            json: t.json,
        })),
        ["feeds", "run"] => Err("feeds run needs a definition file (or - for standard input)".into()),
        ["feeds", ..] => Err("feeds has one command: feeds run FILE".into()),
        [other, ..] => Err(format!("unknown command '{other}'")),
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
    fn feeds_run_options() {
        let Command::FeedsRun(r) = parse_str(&["feeds", "run", "f.json", "--limit", "7", "--json"]).unwrap()
        else {
            panic!("expected feeds run");
        };
        assert_eq!((r.file.as_str(), r.limit, r.json, r.handle), ("f.json", 7, true, None));
        let Command::FeedsRun(r) = parse_str(&["feeds", "run", "-", "--handle", "alice.test"]).unwrap()
        else {
            panic!("expected feeds run");
        };
        assert_eq!((r.file.as_str(), r.handle.as_deref(), r.limit), ("-", Some("alice.test"), 30));
    }

    #[test]
    fn errors_say_what_is_wrong() {
        assert!(parse_str(&["timeline"]).err().unwrap().contains("--handle"));
        assert!(parse_str(&["timeline", "--handle", "a", "--limit", "0"])
            .err()
            .unwrap()
            .contains("1 to 100"));
        assert!(parse_str(&["frobnicate"]).err().unwrap().contains("unknown command"));
        assert!(parse_str(&["feeds", "run"]).err().unwrap().contains("definition file"));
        assert!(parse_str(&["feeds", "list"]).err().unwrap().contains("feeds run FILE"));
        assert!(parse_str(&["--bogus"]).is_err());
    }
}
