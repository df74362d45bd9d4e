//! Reading and checking a `skypanel.feed` file: [`parse`] and [`from_value`] refuse only a
//! file that is not a feed definition (or is from a newer SkyPanel), and otherwise read the
//! top-level fields in their documented order, reporting every other mistake as a
//! [`Problem`] at its field; sources and filters are read by `read_source.rs` and
//! `read_filter.rs`, the `collapse` settings here.

use serde_json::Value;

use super::read_filter::read_filter;
use super::read_source::read_source;
use super::{Definition, Filter, Sort, Source, TextFilter, FORMAT, MAX_REGEX_FILTERS, MAX_SOURCES, VERSION};
use crate::feeds::Problem;
use crate::grouping::{Mode, PlanOptions};

pub(super) fn invalid(path: impl Into<String>, message: impl Into<String>) -> Problem {
    Problem { path: path.into(), name: "InvalidInput".into(), message: message.into() }
}

/// The top-level fields this version knows, in the order they are written.
const TOP_LEVEL: [&str; 10] = [
    "format",
    "version",
    "name",
    "description",
    "sources",
    "filters",
    "sort",
    "dedupe",
    "perAuthor",
    "collapse",
];

/// Rounds a positive number up to a million to millionths (at least one millionth), so a
/// number read from a file, written and read again is the same number (serde_json's fast
/// float reading may be one unit in the last place off for long fractions).
pub(super) fn tidy(x: f64) -> f64 {
    ((x * 1e6).round() / 1e6).max(1e-6)
}

/// Reads a feed definition. `Err` refuses the whole file (not JSON, not a feed definition,
/// or from a newer SkyPanel); `Ok` carries the definition with every non-fatal problem, each
/// at its field. Never panics.
pub fn parse(text: &str) -> Result<(Definition, Vec<Problem>), Problem> {
    let value: Value = serde_json::from_str(text).map_err(|e| {
        let detail = e.to_string();
        // serde_json ends its messages with " at line L column C"; say it once, plainly.
        let detail = detail.split(" at line ").next().unwrap_or(&detail).to_owned();
        invalid(
            "",
            format!(
                "this is not a feed definition: it is not valid JSON ({detail} at line {} column {})",
                e.line(),
                e.column()
            ),
        )
    })?;
    from_value(&value)
}

/// Reads a feed definition that is already JSON (see [`parse`]).
pub fn from_value(value: &Value) -> Result<(Definition, Vec<Problem>), Problem> {
    let Some(top) = value.as_object() else {
        return Err(invalid(
            "",
            "not a SkyPanel feed definition (no \"format\": \"skypanel.feed\"): a feed is a JSON object",
        ));
    };
    match top.get("format") {
        Some(Value::String(f)) if f == FORMAT => {}
        Some(Value::String(f)) => {
            return Err(invalid("format", format!("this file is a {f} file, not a SkyPanel feed")));
        }
        _ => {
            return Err(invalid(
                "format",
                "not a SkyPanel feed definition (no \"format\": \"skypanel.feed\")",
            ))
        }
    }
    match top.get("version") {
        Some(v) if v.as_u64() == Some(VERSION) => {}
        Some(v) if v.as_u64().is_some_and(|n| n > VERSION) => {
            return Err(invalid(
                "version",
                format!(
                    "made by a newer SkyPanel (version {v}); this one reads version {VERSION} — update SkyPanel"
                ),
            ));
        }
        Some(v) => {
            return Err(invalid(
                "version",
                format!(
                    "\"version\" must be the whole number {VERSION}, not {v}: write \"version\": {VERSION}"
                ),
            ));
        }
        None => {
            return Err(invalid(
                "version",
                format!("the definition has no \"version\": add \"version\": {VERSION}"),
            ));
        }
    }

    let mut p: Vec<Problem> = Vec::new();
    let mut def = Definition::default();
    // Known fields in file order (so problems come in reading order), then the rest.
    let known = TOP_LEVEL.iter().filter_map(|k| Some((*k, top.get(*k)?)));
    let others = top.iter().filter(|(k, _)| !TOP_LEVEL.contains(&k.as_str())).map(|(k, v)| (k.as_str(), v));
    for (k, v) in known.chain(others) {
        match k {
            "format" | "version" => {}
            "name" => match v.as_str() {
                Some(s) => def.name = s.to_owned(),
                None => p.push(invalid("name", "\"name\" should be text: give the feed a name")),
            },
            "description" => match v {
                Value::String(s) => def.description = Some(s.clone()),
                Value::Null => {}
                _ => p.push(invalid("description", "\"description\" should be text")),
            },
            "sources" => match v.as_array() {
                Some(items) => {
                    for (i, item) in items.iter().enumerate() {
                        let path = format!("sources[{i}]");
                        let source = if i >= MAX_SOURCES {
                            Source::Unknown(item.clone())
                        } else {
                            read_source(item, &path, &mut p)
                        };
                        def.sources.push(source);
                    }
                    if items.len() > MAX_SOURCES {
                        p.push(invalid(
                            "sources",
                            format!(
                                "{} sources; a feed runs at most {MAX_SOURCES}: the first {MAX_SOURCES} run, the rest are kept but not run — split the feed in two",
                                items.len()
                            ),
                        ));
                    }
                }
                None => p.push(invalid("sources", "\"sources\" should be a list of sources")),
            },
            "filters" => match v {
                Value::Array(items) => {
                    let mut regexes = 0;
                    for (i, item) in items.iter().enumerate() {
                        let path = format!("filters[{i}]");
                        let mut filter = read_filter(item, &path, &mut p);
                        if let Filter::Text(TextFilter { regex: Some(_), .. }) = filter {
                            regexes += 1;
                            if regexes > MAX_REGEX_FILTERS {
                                p.push(invalid(
                                    format!("{path}.regex"),
                                    format!("a feed runs at most {MAX_REGEX_FILTERS} filters with a regex: this one is kept but not run — combine patterns with |"),
                                ));
                                filter = Filter::Unknown(item.clone());
                            }
                        }
                        def.filters.push(filter);
                    }
                }
                Value::Null => {}
                _ => p.push(invalid("filters", "\"filters\" should be a list of filters")),
            },
            "sort" => {
                def.sort = match v.as_str() {
                    Some("newest") => Sort::Newest,
                    Some("oldest") => Sort::Oldest,
                    Some("top") => Sort::Top,
                    Some("hot") => Sort::Hot,
                    _ => {
                        p.push(invalid(
                            "sort",
                            format!("unknown sort {v}: use newest, oldest, top or hot (newest is used)"),
                        ));
                        Sort::Newest
                    }
                }
            }
            "dedupe" => match v {
                Value::Bool(b) => def.dedupe = *b,
                Value::Null => {}
                _ => p.push(invalid("dedupe", "\"dedupe\" should be true or false (true is used)")),
            },
            "perAuthor" => match v {
                Value::Null => {}
                v => match v.as_u64() {
                    Some(0) => p.push(invalid(
                        "perAuthor",
                        "perAuthor 0 would hide every post: use null for no cap, or 1 or more",
                    )),
                    Some(n) => def.per_author = Some(u32::try_from(n).unwrap_or(u32::MAX)),
                    None => p.push(invalid(
                        "perAuthor",
                        "\"perAuthor\" should be a whole number of posts, or null for no cap",
                    )),
                },
            },
            "collapse" => def.collapse = read_collapse(v, &mut p),
            _ => {
                def.extra.insert(k.to_owned(), v.clone());
            }
        }
    }
    if def.sources.is_empty() {
        p.push(invalid("sources", "the feed has no sources: add at least one source"));
    }
    Ok((def, p))
}

fn read_collapse(v: &Value, p: &mut Vec<Problem>) -> Option<PlanOptions> {
    let m = match v {
        Value::Null => return None,
        Value::Object(m) => m,
        _ => {
            p.push(invalid(
                "collapse",
                "\"collapse\" should be null or {\"mode\": \"runs\" | \"bundle\", \"threshold\": 3}",
            ));
            return None;
        }
    };
    let mut opts = PlanOptions::default();
    match m.get("mode") {
        None | Some(Value::Null) => {}
        Some(Value::String(s)) if s == "runs" => opts.mode = Mode::Runs,
        Some(Value::String(s)) if s == "bundle" => opts.mode = Mode::Bundle,
        Some(other) => p.push(invalid(
            "collapse.mode",
            format!("unknown mode {other}: use runs or bundle (runs is used)"),
        )),
    }
    match m.get("threshold") {
        None | Some(Value::Null) => {}
        Some(t) => match t.as_u64() {
            Some(n) if (2..=10).contains(&n) => opts.threshold = n as u8,
            Some(n) => {
                opts.threshold = n.clamp(2, 10) as u8;
                p.push(invalid(
                    "collapse.threshold",
                    format!("threshold {n} is outside 2–10: {} is used", opts.threshold),
                ));
            }
            None => p.push(invalid(
                "collapse.threshold",
                "\"threshold\" should be a whole number from 2 to 10 (3 is used)",
            )),
        },
    }
    for k in m.keys().filter(|k| *k != "mode" && *k != "threshold") {
        p.push(invalid(
            format!("collapse.{k}"),
            format!("unknown field \"{k}\" in collapse (ignored): use mode and threshold"),
        ));
    }
    Some(opts)
}
