//! Reading one filter object of a feed definition: every known kind with its fields and
//! defaults (a text filter's regular expression is compiled to check it), each mistake
//! reported at its path; a filter that cannot run is kept verbatim as [`Filter::Unknown`].

use serde_json::Value;

use super::filter::ALL_FIELDS;
use super::read::{invalid, tidy};
use super::read_fields::{actors, Fields};
use super::{compile_regex, read_target, Filter, MediaKind, TextField, TextFilter, LIST_COLLECTION};
use crate::feeds::Problem;

pub(super) fn read_filter(item: &Value, path: &str, p: &mut Vec<Problem>) -> Filter {
    let Some(m) = item.as_object() else {
        p.push(invalid(
            path,
            "a filter should be an object such as {\"kind\": \"replies\", \"keep\": false}",
        ));
        return Filter::Unknown(item.clone());
    };
    let Some(kind) = m.get("kind").and_then(Value::as_str) else {
        p.push(invalid(format!("{path}.kind"), "this filter has no \"kind\": use text, media, lang, replies, reposts, quotes, min, since, exclude or mutedWords"));
        return Filter::Unknown(item.clone());
    };
    let mut f = Fields { m, path, p, used: Vec::new(), broken: false };
    let filter = match kind {
        "text" => {
            let clean =
                |v: Vec<String>| -> Vec<String> { v.into_iter().filter(|w| !w.trim().is_empty()).collect() };
            let any = clean(f.strings("any"));
            let all = clean(f.strings("all"));
            let regex = f.string("regex").filter(|r| !r.is_empty());
            let exclude = f.boolean("exclude", false);
            let case_sensitive = f.boolean("caseSensitive", false);
            let mut fields = Vec::new();
            let written = f.strings("in");
            for w in &written {
                match w.as_str() {
                    "text" => fields.push(TextField::Text),
                    "alt" => fields.push(TextField::Alt),
                    "link" => fields.push(TextField::Link),
                    other => {
                        let at = f.at("in");
                        f.p.push(invalid(
                            at,
                            format!("unknown place \"{other}\" (ignored): use text, alt or link"),
                        ));
                    }
                }
            }
            if fields.is_empty() {
                fields = ALL_FIELDS.to_vec();
            }
            // Same order whatever was written, so a round trip compares equal.
            fields.sort_by_key(|f| ALL_FIELDS.iter().position(|a| a == f));
            fields.dedup();
            if let Some(r) = &regex {
                if let Err(e) = compile_regex(r, case_sensitive) {
                    let at = f.at("regex");
                    f.p.push(invalid(
                        at,
                        format!("this regular expression is invalid (filter not run): {e}"),
                    ));
                    f.broken = true;
                }
            }
            if any.is_empty() && all.is_empty() && regex.is_none() {
                f.p.push(invalid(path, "this text filter has nothing to look for (not run): add words to \"any\" or \"all\", or a \"regex\""));
                f.broken = true;
            }
            Filter::Text(TextFilter { any, all, regex, exclude, case_sensitive, fields })
        }
        "media" => {
            let mut has = Vec::new();
            for w in f.strings("has") {
                let k = match w.as_str() {
                    "images" | "image" => MediaKind::Images,
                    "video" | "videos" => MediaKind::Video,
                    "link" | "links" => MediaKind::Link,
                    "quote" | "quotes" => MediaKind::Quote,
                    "none" => MediaKind::None,
                    other => {
                        let at = f.at("has");
                        f.p.push(invalid(
                            at,
                            format!(
                                "unknown media \"{other}\" (ignored): use images, video, link, quote or none"
                            ),
                        ));
                        continue;
                    }
                };
                if !has.contains(&k) {
                    has.push(k);
                }
            }
            if has.is_empty() {
                let at = f.at("has");
                f.p.push(invalid(
                    at,
                    "this media filter names no media (not run): list images, video, link, quote or none",
                ));
                f.broken = true;
            }
            Filter::Media { has }
        }
        "lang" => {
            let langs: Vec<String> =
                f.strings("in").into_iter().map(|l| l.trim().to_owned()).filter(|l| !l.is_empty()).collect();
            if langs.is_empty() {
                let at = f.at("in");
                f.p.push(invalid(
                    at,
                    "this language filter names no language (not run): e.g. \"in\": [\"en\"]",
                ));
                f.broken = true;
            }
            let keep_unknown = f.boolean("keepUnknown", true);
            Filter::Lang { langs, keep_unknown }
        }
        "replies" => Filter::Replies {
            keep: f.boolean("keep", false),
            only_following: f.boolean("onlyFollowing", false),
        },
        "reposts" => {
            let keep = f.boolean("keep", false);
            let from = actors(&mut f, "from");
            Filter::Reposts { keep, from }
        }
        "quotes" => Filter::Quotes { keep: f.boolean("keep", false) },
        "min" => {
            let (likes, reposts, replies) = (f.count("likes"), f.count("reposts"), f.count("replies"));
            if likes.is_none() && reposts.is_none() && replies.is_none() {
                f.p.push(invalid(
                    path,
                    "this min filter sets no minimum (it keeps everything): add likes, reposts or replies",
                ));
            }
            Filter::Min { likes, reposts, replies }
        }
        "since" => {
            let hours = match f.get("hours").map(|v| v.as_f64()) {
                Some(Some(h)) if h > 1e6 && h.is_finite() => {
                    let at = f.at("hours");
                    f.p.push(invalid(at, "more than a million hours is all of time: 1000000 is used"));
                    1e6
                }
                Some(Some(h)) if h > 0.0 => tidy(h),
                found => {
                    let at = f.at("hours");
                    let msg = if found.is_none() {
                        "this needs \"hours\": how far back, e.g. 24"
                    } else {
                        "\"hours\" should be a number above 0, e.g. 24 (filter not run)"
                    };
                    f.p.push(invalid(at, msg));
                    f.broken = true;
                    0.0
                }
            };
            Filter::Since { hours }
        }
        "exclude" => {
            let actors = actors(&mut f, "actors");
            let list = f.string("list").map(|l| l.trim().to_owned()).filter(|l| !l.is_empty());
            if let Some(l) = &list {
                if let Err(message) = read_target(l, LIST_COLLECTION) {
                    let at = f.at("list");
                    f.p.push(invalid(at, message));
                    f.broken = true;
                }
            }
            if actors.is_empty() && list.is_none() && !f.broken {
                f.p.push(invalid(
                    path,
                    "this exclude filter names nobody (it keeps everything): add \"actors\" or a \"list\"",
                ));
            }
            Filter::Exclude { actors, list }
        }
        "mutedWords" => Filter::MutedWords,
        other => {
            f.p.push(invalid(
                format!("{path}.kind"),
                format!("unknown filter kind \"{other}\" (kept, not run): use text, media, lang, replies, reposts, quotes, min, since, exclude or mutedWords"),
            ));
            return Filter::Unknown(item.clone());
        }
    };
    let broken = f.broken;
    f.finish(&format!("{kind} filter"));
    if broken {
        Filter::Unknown(item.clone())
    } else {
        filter
    }
}
