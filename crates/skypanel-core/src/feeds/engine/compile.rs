//! Compiling a definition's filters for one run ([`Engine::new`]): each filter that can run
//! becomes a stage, with the label a person reads in the steps ("no reposts", "at least 5
//! likes", "text: launch"); phrases are normalised once, regular expressions compiled once,
//! and an `exclude` list is resolved from the context's members.

use std::collections::HashSet;

use super::literals::required_literals;
use super::{Context, Engine, Stage, WordSet};
use crate::feeds::definition::{compile_regex, Definition, Filter, MediaKind, TextField};
use crate::feeds::moderation::lowercase;
use crate::feeds::Problem;

fn field_index(f: TextField) -> usize {
    match f {
        TextField::Text => 0,
        TextField::Alt => 1,
        TextField::Link => 2,
    }
}

/// "a, b or c" / "a, b and c".
fn join_words(items: &[String], last: &str) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., end] => format!("{} {last} {end}", rest.join(", ")),
    }
}

fn plural(n: u64, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn normalise_phrase(s: &str, case_sensitive: bool) -> String {
    let words: Vec<&str> = s.split_whitespace().collect();
    let joined = words.join(" ");
    if case_sensitive {
        joined
    } else {
        lowercase(&joined)
    }
}

impl Engine {
    /// Compiles the definition's filters; problems for filters that cannot run (they are
    /// skipped): an `exclude` list missing from `ctx.lists`, an invalid regex in a
    /// definition built in code. `Unknown` filters are skipped silently (`parse` reported them).
    pub fn new(def: &Definition, ctx: &Context) -> (Engine, Vec<Problem>) {
        let mut stages = Vec::new();
        let mut problems = Vec::new();
        for (i, f) in def.filters.iter().enumerate() {
            let stage = match f {
                Filter::Unknown(_) => continue,
                Filter::Text(t) => {
                    let regex = match t.regex.as_deref().map(|r| compile_regex(r, t.case_sensitive)) {
                        None => None,
                        Some(Ok(r)) => Some(r),
                        Some(Err(e)) => {
                            problems.push(Problem {
                                path: format!("filters[{i}].regex"),
                                name: "InvalidInput".into(),
                                message: format!("this regular expression is invalid (filter not run): {e}"),
                            });
                            continue;
                        }
                    };
                    let phrases = |v: &[String]| -> Vec<String> {
                        v.iter()
                            .map(|w| normalise_phrase(w, t.case_sensitive))
                            .filter(|w| !w.is_empty())
                            .collect()
                    };
                    let (any, all) = (WordSet::new(phrases(&t.any)), WordSet::new(phrases(&t.all)));
                    if any.is_empty() && all.is_empty() && regex.is_none() {
                        continue; // nothing to look for: `parse` reported it
                    }
                    let mut fields: Vec<usize> = t.fields.iter().map(|f| field_index(*f)).collect();
                    if fields.is_empty() {
                        fields = vec![0, 1, 2];
                    }
                    let mut parts = Vec::new();
                    if !t.any.is_empty() {
                        parts.push(join_words(&t.any, "or"));
                    }
                    if !t.all.is_empty() {
                        parts.push(join_words(&t.all, "and"));
                    }
                    if let Some(r) = &t.regex {
                        parts.push(format!("/{r}/"));
                    }
                    let label =
                        format!("{}: {}", if t.exclude { "no text" } else { "text" }, parts.join(", "));
                    let required = t.regex.as_deref().and_then(required_literals);
                    let stage = Stage::Text {
                        any,
                        all,
                        regex,
                        required,
                        exclude: t.exclude,
                        case_sensitive: t.case_sensitive,
                        fields,
                    };
                    stages.push((label, stage));
                    continue;
                }
                Filter::Media { has } => {
                    if has.is_empty() {
                        continue;
                    }
                    let names: Vec<String> = has
                        .iter()
                        .map(|k| if *k == MediaKind::None { "no media".into() } else { k.name().to_owned() })
                        .collect();
                    (join_words(&names, "or"), Stage::Media(has.clone()))
                }
                Filter::Lang { langs, keep_unknown } => {
                    if langs.is_empty() {
                        continue;
                    }
                    let label =
                        format!("language{} {}", if langs.len() == 1 { "" } else { "s" }, langs.join(", "));
                    let langs = langs.iter().map(|l| l.to_ascii_lowercase()).collect();
                    (label, Stage::Lang { langs, keep_unknown: *keep_unknown })
                }
                Filter::Replies { keep, only_following } => {
                    let label = match (keep, only_following) {
                        (false, _) => "no replies",
                        (true, true) => "replies only to people you follow",
                        (true, false) => "replies kept",
                    };
                    (label.into(), Stage::Replies { keep: *keep, only_following: *only_following })
                }
                Filter::Reposts { keep, from } => {
                    let label = match (keep, from.as_slice()) {
                        (true, _) => "reposts kept".into(),
                        (false, []) => "no reposts".into(),
                        (false, [one]) => format!("no reposts from {one}"),
                        (false, many) => format!("no reposts from {} accounts", many.len()),
                    };
                    let from = from.iter().map(|a| a.to_ascii_lowercase()).collect();
                    (label, Stage::Reposts { keep: *keep, from })
                }
                Filter::Quotes { keep } => (
                    if *keep { "quote posts kept" } else { "no quote posts" }.into(),
                    Stage::Quotes { keep: *keep },
                ),
                Filter::Min { likes, reposts, replies } => {
                    let mut parts = Vec::new();
                    if let Some(n) = likes {
                        parts.push(plural(*n, "like", "likes"));
                    }
                    if let Some(n) = reposts {
                        parts.push(plural(*n, "repost", "reposts"));
                    }
                    if let Some(n) = replies {
                        parts.push(plural(*n, "reply", "replies"));
                    }
                    if parts.is_empty() {
                        continue;
                    }
                    let stage = Stage::Min {
                        likes: likes.unwrap_or(0),
                        reposts: reposts.unwrap_or(0),
                        replies: replies.unwrap_or(0),
                    };
                    (format!("at least {}", parts.join(", ")), stage)
                }
                Filter::Since { hours } => {
                    if !(hours.is_finite() && *hours > 0.0) {
                        continue;
                    }
                    let label = if *hours == 1.0 {
                        "last hour".to_owned()
                    } else if hours.fract() == 0.0 {
                        format!("last {hours:.0} hours")
                    } else {
                        format!("last {hours} hours")
                    };
                    // Saturating: a window of a million years is simply everything.
                    let span = (hours * 3_600_000.0).min(i64::MAX as f64 / 2.0) as i64;
                    (label, Stage::Since { from_ms: ctx.now_ms.saturating_sub(span) })
                }
                Filter::Exclude { actors, list } => {
                    let mut set: HashSet<String> = actors.iter().map(|a| a.to_ascii_lowercase()).collect();
                    let mut parts = Vec::new();
                    if !actors.is_empty() {
                        parts.push(if actors.len() == 1 {
                            actors[0].clone()
                        } else {
                            format!("{} accounts", actors.len())
                        });
                    }
                    if let Some(l) = list {
                        match ctx.lists.get(l) {
                            Some(members) => {
                                set.extend(members.iter().map(|m| m.to_ascii_lowercase()));
                                parts.push("a list's members".into());
                            }
                            None => {
                                problems.push(Problem {
                                    path: format!("filters[{i}].list"),
                                    name: "UnknownList".into(),
                                    message: "this list could not be read, so this filter was skipped: check that the list still exists".into(),
                                });
                                continue;
                            }
                        }
                    }
                    if set.is_empty() && list.is_none() {
                        continue;
                    }
                    (format!("not from {}", parts.join(" or ")), Stage::Exclude(set))
                }
                Filter::MutedWords => ("muted words".into(), Stage::MutedWords),
            };
            stages.push(stage);
        }

        let engine = Engine { stages, moderation: ctx.moderation.clone(), viewer: ctx.viewer.clone() };
        (engine, problems)
    }
}
