//! The typed fields of one source or filter object while it is read: [`Fields`] hands out
//! text, booleans, counts and lists, reports a wrong type at its path, marks the item
//! broken when a required field is missing, and finally reports the fields the kind does
//! not have; with it, reading a handle or DID as written by a person.

use serde_json::{Map, Value};

use super::read::invalid;
use crate::feeds::Problem;
use crate::uri::{is_valid_did, is_valid_handle};

/// Reads the fields of one source or filter object, reporting wrong types at their paths.
pub(super) struct Fields<'a> {
    pub(super) m: &'a Map<String, Value>,
    pub(super) path: &'a str,
    pub(super) p: &'a mut Vec<Problem>,
    pub(super) used: Vec<&'static str>,
    /// Set when a required field is missing or unusable: the item becomes `Unknown`.
    pub(super) broken: bool,
}

impl<'a> Fields<'a> {
    pub(super) fn at(&self, k: &str) -> String {
        format!("{}.{k}", self.path)
    }

    pub(super) fn get(&mut self, k: &'static str) -> Option<&'a Value> {
        self.used.push(k);
        self.m.get(k).filter(|v| !v.is_null())
    }

    pub(super) fn string(&mut self, k: &'static str) -> Option<String> {
        let v = self.get(k)?;
        match v.as_str() {
            Some(s) => Some(s.to_owned()),
            None => {
                let at = self.at(k);
                self.p.push(invalid(at, format!("\"{k}\" should be text")));
                None
            }
        }
    }

    pub(super) fn required(&mut self, k: &'static str, what: &str) -> String {
        match self.string(k) {
            Some(s) if !s.trim().is_empty() => s.trim().to_owned(),
            other => {
                if other.is_some() || !self.m.contains_key(k) || self.m[k].is_null() {
                    let at = self.at(k);
                    self.p.push(invalid(at, format!("this needs \"{k}\": {what}")));
                }
                self.broken = true;
                String::new()
            }
        }
    }

    pub(super) fn boolean(&mut self, k: &'static str, default: bool) -> bool {
        match self.get(k) {
            None => default,
            Some(Value::Bool(b)) => *b,
            Some(_) => {
                let at = self.at(k);
                self.p.push(invalid(at, format!("\"{k}\" should be true or false ({default} is used)")));
                default
            }
        }
    }

    pub(super) fn count(&mut self, k: &'static str) -> Option<u64> {
        let v = self.get(k)?;
        match v.as_u64() {
            Some(n) => Some(n),
            None => {
                let at = self.at(k);
                self.p.push(invalid(at, format!("\"{k}\" should be a whole number, 0 or more")));
                None
            }
        }
    }

    pub(super) fn strings(&mut self, k: &'static str) -> Vec<String> {
        let Some(v) = self.get(k) else { return Vec::new() };
        let items: Vec<Option<&str>> = match v {
            Value::Array(a) => a.iter().map(Value::as_str).collect(),
            Value::String(s) => vec![Some(s.as_str())],
            _ => vec![None],
        };
        if items.iter().any(Option::is_none) {
            let at = self.at(k);
            self.p.push(invalid(at, format!("\"{k}\" should be a list of texts, e.g. [\"one\", \"two\"]")));
        }
        items.into_iter().flatten().map(str::to_owned).collect()
    }

    pub(super) fn label(&mut self) -> Option<String> {
        self.string("label")
    }

    /// Reports fields this kind does not have (they are dropped when the feed is saved).
    pub(super) fn finish(self, kind: &str) {
        let known = self.used.join(", ");
        for k in self.m.keys() {
            if k != "kind" && !self.used.contains(&k.as_str()) {
                self.p.push(invalid(
                    format!("{}.{k}", self.path),
                    format!("a {kind} has no field \"{k}\" (ignored, and dropped when saved): its fields are {known}"),
                ));
            }
        }
    }
}

/// An account written by the user: a handle (a leading `@` is dropped) or a DID.
pub(super) fn read_actor(s: &str) -> Option<String> {
    let s = s.trim();
    let s = s.strip_prefix('@').unwrap_or(s);
    (is_valid_handle(s) || is_valid_did(s)).then(|| s.to_owned())
}

/// A list of accounts; malformed ones are reported and left out.
pub(super) fn actors(f: &mut Fields<'_>, k: &'static str) -> Vec<String> {
    let mut out = Vec::new();
    for (i, written) in f.strings(k).into_iter().enumerate() {
        match read_actor(&written) {
            Some(a) => out.push(a),
            None => {
                let at = format!("{}.{k}[{i}]", f.path);
                f.p.push(invalid(at, format!("'{written}' is not a handle or a DID (ignored): write e.g. bob.bsky.social or did:plc:…")));
            }
        }
    }
    out
}
