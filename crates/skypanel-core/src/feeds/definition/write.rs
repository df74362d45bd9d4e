//! Writing a definition back as a `skypanel.feed` file: [`Definition::to_json`] (pretty, one
//! source or filter per line) and `Serialize` (compact), both with the top-level fields and
//! each item's keys in the documented order, defaults left out, and `Unknown` items and
//! unknown top-level fields written back exactly as they were read.

use serde::ser::SerializeMap;
use serde::{Serialize, Serializer};
use serde_json::{Map, Value};

use super::filter::ALL_FIELDS;
use super::{Definition, Filter, Source, FORMAT, VERSION};
use crate::grouping::Mode;

impl Source {
    fn to_value(&self) -> Value {
        let mut m = Ordered::new();
        m.put("kind", self.kind().into());
        match self {
            Source::Unknown(v) => return v.clone(),
            Source::Timeline { .. } | Source::Saved { .. } | Source::Mutuals { .. } => {}
            Source::Author { actor, replies, reposts, .. } => {
                m.put("actor", actor.as_str().into());
                if !replies {
                    m.put("replies", false.into());
                }
                if !reposts {
                    m.put("reposts", false.into());
                }
            }
            Source::List { uri, .. } | Source::ListMembers { uri, .. } | Source::Feed { uri, .. } => {
                m.put("uri", uri.as_str().into());
            }
            Source::Search { query, .. } => {
                m.put("q", query.q.as_str().into());
                for (k, v) in [
                    ("sort", &query.sort),
                    ("lang", &query.lang),
                    ("since", &query.since),
                    ("until", &query.until),
                    ("author", &query.author),
                    ("mentions", &query.mentions),
                    ("domain", &query.domain),
                    ("url", &query.url),
                ] {
                    if let Some(v) = v {
                        m.put(k, v.as_str().into());
                    }
                }
                if !query.tags.is_empty() {
                    m.put("tags", query.tags.clone().into());
                }
            }
            Source::Quiet { days, max_per_day, .. } => {
                if *days != 30 {
                    m.put("days", (*days).into());
                }
                if *max_per_day != 0.5 {
                    m.put("maxPerDay", number(*max_per_day));
                }
            }
        }
        let label = match self {
            Source::Timeline { label }
            | Source::Author { label, .. }
            | Source::List { label, .. }
            | Source::ListMembers { label, .. }
            | Source::Feed { label, .. }
            | Source::Search { label, .. }
            | Source::Saved { label }
            | Source::Mutuals { label }
            | Source::Quiet { label, .. } => label,
            Source::Unknown(_) => &None,
        };
        if let Some(l) = label {
            m.put("label", l.as_str().into());
        }
        m.into_value()
    }
}

impl Filter {
    fn to_value(&self) -> Value {
        let mut m = Ordered::new();
        m.put("kind", self.kind().into());
        match self {
            Filter::Unknown(v) => return v.clone(),
            Filter::Text(t) => {
                if !t.any.is_empty() {
                    m.put("any", t.any.clone().into());
                }
                if !t.all.is_empty() {
                    m.put("all", t.all.clone().into());
                }
                if let Some(r) = &t.regex {
                    m.put("regex", r.as_str().into());
                }
                if t.exclude {
                    m.put("exclude", true.into());
                }
                if t.case_sensitive {
                    m.put("caseSensitive", true.into());
                }
                if t.fields != ALL_FIELDS {
                    m.put("in", t.fields.iter().map(|f| Value::from(f.name())).collect());
                }
            }
            Filter::Media { has } => m.put("has", has.iter().map(|k| Value::from(k.name())).collect()),
            Filter::Lang { langs, keep_unknown } => {
                m.put("in", langs.clone().into());
                if !keep_unknown {
                    m.put("keepUnknown", false.into());
                }
            }
            Filter::Replies { keep, only_following } => {
                m.put("keep", (*keep).into());
                if *only_following {
                    m.put("onlyFollowing", true.into());
                }
            }
            Filter::Reposts { keep, from } => {
                m.put("keep", (*keep).into());
                if !from.is_empty() {
                    m.put("from", from.clone().into());
                }
            }
            Filter::Quotes { keep } => m.put("keep", (*keep).into()),
            Filter::Min { likes, reposts, replies } => {
                for (k, v) in [("likes", likes), ("reposts", reposts), ("replies", replies)] {
                    if let Some(v) = v {
                        m.put(k, (*v).into());
                    }
                }
            }
            Filter::Since { hours } => m.put("hours", number(*hours)),
            Filter::Exclude { actors, list } => {
                m.put("actors", actors.clone().into());
                if let Some(l) = list {
                    m.put("list", l.as_str().into());
                }
            }
            Filter::MutedWords => {}
        }
        m.into_value()
    }
}

/// A JSON object that keeps its keys in the order written (serde_json's map sorts them).
struct Ordered(Vec<(String, Value)>);

impl Ordered {
    fn new() -> Self {
        Ordered(Vec::new())
    }
    fn put(&mut self, k: &str, v: Value) {
        self.0.push((k.to_owned(), v));
    }
    fn into_value(self) -> Value {
        Value::Object(self.0.into_iter().collect())
    }
}

/// A float as JSON: integers without a fraction (`24`, not `24.0`); NaN/infinity as null
/// (never produced by `parse`).
fn number(x: f64) -> Value {
    if x.fract() == 0.0 && x.abs() < 9.0e15 {
        Value::from(x as i64)
    } else {
        serde_json::Number::from_f64(x).map_or(Value::Null, Value::Number)
    }
}

impl Definition {
    /// The top-level fields in file order.
    fn entries(&self) -> Vec<(String, Value)> {
        let mut out: Vec<(String, Value)> = vec![
            ("format".into(), FORMAT.into()),
            ("version".into(), VERSION.into()),
            ("name".into(), self.name.as_str().into()),
        ];
        if let Some(d) = &self.description {
            out.push(("description".into(), d.as_str().into()));
        }
        out.push(("sources".into(), self.sources.iter().map(Source::to_value).collect()));
        out.push(("filters".into(), self.filters.iter().map(Filter::to_value).collect()));
        out.push(("sort".into(), self.sort.name().into()));
        out.push(("dedupe".into(), self.dedupe.into()));
        out.push(("perAuthor".into(), self.per_author.map_or(Value::Null, Value::from)));
        let collapse = self.collapse.map_or(Value::Null, |c| {
            let mut m = Ordered::new();
            m.put("mode", if c.mode == Mode::Bundle { "bundle" } else { "runs" }.into());
            m.put("threshold", c.threshold.into());
            m.into_value()
        });
        out.push(("collapse".into(), collapse));
        out.extend(self.extra.iter().map(|(k, v)| (k.clone(), v.clone())));
        out
    }

    /// The definition as a `skypanel.feed` file: pretty JSON, top-level fields in the
    /// documented order, one source or filter per line. `parse` reads it back equal.
    pub fn to_json(&self) -> String {
        let mut s = String::from("{\n");
        let entries = self.entries();
        let n = entries.len();
        for (i, (k, v)) in entries.into_iter().enumerate() {
            s.push_str("  ");
            s.push_str(&json_string(&k));
            s.push_str(": ");
            match (&v, k.as_str()) {
                (Value::Array(items), "sources" | "filters") if !items.is_empty() => {
                    s.push_str("[\n");
                    for (j, item) in items.iter().enumerate() {
                        s.push_str("    ");
                        write_inline(&mut s, item);
                        s.push_str(if j + 1 < items.len() { ",\n" } else { "\n" });
                    }
                    s.push_str("  ]");
                }
                _ => write_inline(&mut s, &v),
            }
            s.push_str(if i + 1 < n { ",\n" } else { "\n" });
        }
        s.push('}');
        s
    }
}

impl Serialize for Definition {
    /// The same object `to_json` writes (compact, keys in file order).
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        let entries = self.entries();
        let mut map = serializer.serialize_map(Some(entries.len()))?;
        for (k, v) in &entries {
            map.serialize_entry(k, &InOrder(v))?;
        }
        map.end()
    }
}

/// Serialises a value written by `to_value`, whose objects were built in file order.
/// (`serde_json::Map` sorts keys, so the order is recovered from [`KEY_ORDER`].)
struct InOrder<'a>(&'a Value);

/// The order keys are written in inside sources, filters and `collapse`; keys not listed
/// (inside `Unknown` values) follow in sorted order.
const KEY_ORDER: &[&str] = &[
    "kind",
    "actor",
    "uri",
    "q",
    "sort",
    "lang",
    "since",
    "until",
    "author",
    "mentions",
    "domain",
    "url",
    "tags",
    "days",
    "maxPerDay",
    "any",
    "all",
    "regex",
    "exclude",
    "caseSensitive",
    "has",
    "in",
    "keepUnknown",
    "keep",
    "onlyFollowing",
    "from",
    "likes",
    "reposts",
    "replies",
    "hours",
    "actors",
    "list",
    "mode",
    "threshold",
    "label",
];

fn ordered_keys(m: &Map<String, Value>) -> Vec<&String> {
    let rank = |k: &str| KEY_ORDER.iter().position(|o| *o == k).unwrap_or(KEY_ORDER.len());
    let mut keys: Vec<&String> = m.keys().collect();
    keys.sort_by(|a, b| rank(a).cmp(&rank(b)).then_with(|| a.cmp(b)));
    keys
}

impl Serialize for InOrder<'_> {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        match self.0 {
            Value::Object(m) => {
                let mut map = serializer.serialize_map(Some(m.len()))?;
                for k in ordered_keys(m) {
                    map.serialize_entry(k, &InOrder(&m[k]))?;
                }
                map.end()
            }
            Value::Array(items) => serializer.collect_seq(items.iter().map(InOrder)),
            other => other.serialize(serializer),
        }
    }
}

fn json_string(s: &str) -> String {
    serde_json::to_string(s).unwrap_or_else(|_| "\"\"".into())
}

/// Writes `v` on one line with `": "` and `", "` separators, objects in [`KEY_ORDER`].
fn write_inline(out: &mut String, v: &Value) {
    match v {
        Value::Object(m) => {
            out.push('{');
            for (i, k) in ordered_keys(m).into_iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                out.push_str(&json_string(k));
                out.push_str(": ");
                write_inline(out, &m[k]);
            }
            out.push('}');
        }
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_inline(out, item);
            }
            out.push(']');
        }
        other => out.push_str(&other.to_string()),
    }
}
