//! Reading one source object of a feed definition: every known kind with its fields and
//! defaults, each mistake reported at its path; a source that cannot run (unknown kind,
//! missing or malformed required field) is kept verbatim as [`Source::Unknown`].

use serde_json::Value;

use super::read::{invalid, tidy};
use super::read_fields::{read_actor, Fields};
use super::{read_target, Source, FEED_COLLECTION, LIST_COLLECTION};
use crate::feeds::Problem;
use crate::xrpc::SearchQuery;

pub(super) fn read_source(item: &Value, path: &str, p: &mut Vec<Problem>) -> Source {
    let Some(m) = item.as_object() else {
        p.push(invalid(path, "a source should be an object such as {\"kind\": \"timeline\"}"));
        return Source::Unknown(item.clone());
    };
    let Some(kind) = m.get("kind").and_then(Value::as_str) else {
        p.push(invalid(
            format!("{path}.kind"),
            "this source has no \"kind\": use timeline, author, list, listMembers, feed, search, saved, mutuals or quiet",
        ));
        return Source::Unknown(item.clone());
    };
    let mut f = Fields { m, path, p, used: Vec::new(), broken: false };
    let source = match kind {
        "timeline" => Source::Timeline { label: f.label() },
        "saved" => Source::Saved { label: f.label() },
        "mutuals" => Source::Mutuals { label: f.label() },
        "author" => {
            let written = f.required("actor", "the account's handle (bob.bsky.social) or DID");
            let actor = if f.broken {
                String::new()
            } else if let Some(a) = read_actor(&written) {
                a
            } else {
                let at = f.at("actor");
                f.p.push(invalid(
                    at,
                    format!("'{written}' is not a handle or a DID: write e.g. bob.bsky.social or did:plc:…"),
                ));
                f.broken = true;
                String::new()
            };
            let replies = f.boolean("replies", true);
            let reposts = f.boolean("reposts", true);
            Source::Author { actor, replies, reposts, label: f.label() }
        }
        "list" | "listMembers" | "feed" => {
            let collection = if kind == "feed" { FEED_COLLECTION } else { LIST_COLLECTION };
            let what = if kind == "feed" {
                "the custom feed's at-uri or bsky.app link"
            } else {
                "the list's at-uri or bsky.app link"
            };
            let uri = f.required("uri", what);
            if !f.broken {
                if let Err(message) = read_target(&uri, collection) {
                    let at = f.at("uri");
                    f.p.push(invalid(at, message));
                    f.broken = true;
                }
            }
            let label = f.label();
            match kind {
                "list" => Source::List { uri, label },
                "listMembers" => Source::ListMembers { uri, label },
                _ => Source::Feed { uri, label },
            }
        }
        "search" => {
            let q = f.required("q", "the words to search for");
            let mut query = Box::new(SearchQuery { q, ..SearchQuery::default() });
            query.sort = f.string("sort");
            if let Some(s) = query.sort.as_deref() {
                if s != "latest" && s != "top" {
                    let at = f.at("sort");
                    f.p.push(invalid(
                        at,
                        format!("search sort '{s}' is unknown: use latest or top (latest is used)"),
                    ));
                    query.sort = None;
                }
            }
            query.lang = f.string("lang");
            query.since = f.string("since");
            query.until = f.string("until");
            query.author = f.string("author");
            query.mentions = f.string("mentions");
            for (k, v) in [("author", &mut query.author), ("mentions", &mut query.mentions)] {
                if let Some(written) = v.clone() {
                    match read_actor(&written) {
                        Some(a) => *v = Some(a),
                        None => {
                            let at = f.at(k);
                            f.p.push(invalid(at, format!("'{written}' is not a handle or a DID (ignored): write e.g. bob.bsky.social")));
                            *v = None;
                        }
                    }
                }
            }
            query.domain = f.string("domain");
            query.url = f.string("url");
            query.tags =
                f.strings("tags").into_iter().map(|t| t.trim_start_matches('#').to_owned()).collect();
            Source::Search { query, label: f.label() }
        }
        "quiet" => {
            let days = match f.count("days") {
                None => 30,
                Some(d) if (1..=365).contains(&d) => d as u32,
                Some(d) => {
                    let at = f.at("days");
                    f.p.push(invalid(at, format!("{d} days is outside 1–365 (30 is used)")));
                    30
                }
            };
            let max_per_day = match f.get("maxPerDay") {
                None => 0.5,
                Some(v) => {
                    match v.as_f64() {
                        Some(x) if x > 0.0 && x <= 1000.0 => tidy(x),
                        _ => {
                            let at = f.at("maxPerDay");
                            f.p.push(invalid(at, "\"maxPerDay\" should be a number of posts a day above 0, e.g. 0.5 (0.5 is used)"));
                            0.5
                        }
                    }
                }
            };
            Source::Quiet { days, max_per_day, label: f.label() }
        }
        other => {
            f.p.push(invalid(
                format!("{path}.kind"),
                format!("unknown source kind \"{other}\" (kept, not run): use timeline, author, list, listMembers, feed, search, saved, mutuals or quiet"),
            ));
            return Source::Unknown(item.clone());
        }
    };
    let broken = f.broken;
    f.finish(&format!("{kind} source"));
    if broken {
        Source::Unknown(item.clone())
    } else {
        source
    }
}
