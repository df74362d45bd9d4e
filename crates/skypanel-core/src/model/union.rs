//! Open unions: lexicon unions whose members are told apart by `$type`, and which must
//! accept members this code has never seen.
//!
//! [`open_union!`] declares an enum with one variant per known member and an `Unknown`
//! variant that keeps the value exactly as sent. Some servers omit `$type` where the lexicon
//! allows it; each union can name a function that infers the member from a [`Peek`] at the
//! object's keys.
//!
//! Reading a member takes two passes over its text: a [`Peek`] that skims the object for
//! `$type` (and the few keys inference needs) without building anything, then a direct parse
//! into the member's type. That is cheaper than building a `Value` tree and converting it,
//! and every member type is parsed from text only (one instance of its parser in the wasm).

use serde::de::{Deserialize, Deserializer, IgnoredAny, MapAccess, Visitor};

use super::object::Key;

/// What a union needs to know about an object before parsing it.
#[derive(Debug, Default)]
pub(crate) struct Peek {
    /// The `$type`, when present and a string.
    pub ty: Option<String>,
    /// `notFound: true`.
    pub not_found: bool,
    /// `blocked: true`.
    pub blocked: bool,
    /// Has an `author` key.
    pub author: bool,
    /// Has a `record` key.
    pub record: bool,
    /// Has a `post` key.
    pub post: bool,
}

impl Peek {
    /// Peeks at one JSON object's text.
    pub fn of(raw: &str) -> Result<Peek, serde_json::Error> {
        // Servers write `$type` first; then the rest need not be skimmed at all.
        if let Some(ty) = leading_type(raw) {
            return Ok(Peek { ty: Some(ty.to_owned()), ..Peek::default() });
        }
        serde_json::from_str(raw)
    }
}

/// The value of `$type` when it is the object's first key and a plain string (no escapes).
fn leading_type(raw: &str) -> Option<&str> {
    let rest = raw.trim_start().strip_prefix('{')?.trim_start();
    let rest = rest.strip_prefix("\"$type\"")?.trim_start().strip_prefix(':')?.trim_start();
    let rest = rest.strip_prefix('"')?;
    let end = rest.find(['"', '\\'])?;
    if rest.as_bytes().get(end) == Some(&b'"') {
        rest.get(..end)
    } else {
        None
    }
}

impl<'de> Deserialize<'de> for Peek {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct PeekVisitor;
        impl<'de> Visitor<'de> for PeekVisitor {
            type Value = Peek;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("an object")
            }
            fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Peek, A::Error> {
                let mut peek = Peek::default();
                while let Some(key) = map.next_key::<Key<'de>>()? {
                    match key.as_str() {
                        "$type" => {
                            peek.ty = map.next_value::<serde_json::Value>()?.as_str().map(str::to_owned)
                        }
                        "notFound" => peek.not_found = map.next_value::<serde_json::Value>()? == true,
                        "blocked" => peek.blocked = map.next_value::<serde_json::Value>()? == true,
                        other => {
                            match other {
                                "author" => peek.author = true,
                                "record" => peek.record = true,
                                "post" => peek.post = true,
                                _ => {}
                            }
                            map.next_value::<IgnoredAny>()?;
                        }
                    }
                }
                Ok(peek)
            }
        }
        d.deserialize_map(PeekVisitor)
    }
}

/// Declares an open union. See the module documentation.
macro_rules! open_union {
    (
        $(#[$meta:meta])*
        pub enum $name:ident {
            $( $(#[$vmeta:meta])* $variant:ident($ty:ty) = $tag:literal, )*
        }
        $(infer = $infer:path;)?
    ) => {
        $(#[$meta])*
        #[derive(Debug, Clone, PartialEq)]
        // Parsed once per post and rarely moved: boxing members would cost more than it saves.
        #[allow(clippy::large_enum_variant)]
        pub enum $name {
            $( $(#[$vmeta])* $variant($ty), )*
            /// A member this version of SkyPanel does not know, kept exactly as sent.
            Unknown(serde_json::Value),
        }

        impl $name {
            /// The `$type` of this member (for an unknown member without one, `None`).
            pub fn type_name(&self) -> Option<&str> {
                match self {
                    $( Self::$variant(_) => Some($tag), )*
                    Self::Unknown(v) => v.get("$type").and_then(serde_json::Value::as_str),
                }
            }

            /// Whether this is a member SkyPanel cannot show ("unsupported").
            pub fn is_unknown(&self) -> bool {
                matches!(self, Self::Unknown(_))
            }

            /// Whether `ty` names a member this union knows.
            pub fn is_known_type(ty: Option<&str>) -> bool {
                matches!(ty, $( Some($tag) )|*)
            }

            /// Parses one member from its JSON text. Not generic over the deserializer, so each
            /// member type has exactly one parser in the binary.
            fn from_raw(raw: &str) -> Result<Self, String> {
                let peek = $crate::model::union::Peek::of(raw)
                    .map_err(|e| format!(concat!(stringify!($name), ": expected an object ({})"), e))?;
                #[allow(unused_mut)]
                let mut tag: Option<&str> = peek.ty.as_deref();
                $( if tag.is_none() { tag = $infer(&peek); } )?
                match tag {
                    $( Some($tag) => serde_json::from_str::<$ty>(raw)
                        .map(Self::$variant)
                        .map_err(|e| format!("{}: {e}", $tag)), )*
                    _ => serde_json::from_str(raw).map(Self::Unknown).map_err(|e| e.to_string()),
                }
            }
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                let raw = <Box<serde_json::value::RawValue>>::deserialize(d)?;
                Self::from_raw(raw.get()).map_err(D::Error::custom)
            }
        }

        impl serde::Serialize for $name {
            fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                match self {
                    // Members keep their own `$type` (in `extra`) when it was sent, so a
                    // value without one round-trips without one.
                    $( Self::$variant(v) => v.serialize(s), )*
                    Self::Unknown(v) => v.serialize(s),
                }
            }
        }
    };
}

pub(crate) use open_union;

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::leading_type;
    use crate::model::{EmbedView, MaybePost};

    #[test]
    fn the_fast_peek_reads_only_a_plain_leading_type() {
        assert_eq!(leading_type(r#"{"$type":"a#b","x":1}"#), Some("a#b"));
        assert_eq!(leading_type(" {\n \"$type\" : \"a#b\" }"), Some("a#b"));
        assert_eq!(leading_type(r#"{"x":1,"$type":"a#b"}"#), None);
        assert_eq!(leading_type(r#"{"$type":"a\"b"}"#), None);
        assert_eq!(leading_type(r#"{"$type":7}"#), None);
        assert_eq!(leading_type(r#"{"$type":"unterminated"#), None);
        assert_eq!(leading_type("[]"), None);
    }

    #[test]
    fn members_are_recognised_wherever_type_sits() {
        let images = |first: bool| {
            let body = r#""images":[{"thumb":"t","fullsize":"f","alt":"a"}]"#;
            let ty = r#""$type":"app.bsky.embed.images#view""#;
            if first {
                format!("{{{ty},{body}}}")
            } else {
                format!("{{{body},{ty}}}")
            }
        };
        for first in [true, false] {
            let e: EmbedView = serde_json::from_str(&images(first)).unwrap();
            assert!(matches!(&e, EmbedView::Images(v) if v.images[0].fullsize == "f"), "{e:?}");
        }
        // An escaped `$type` means the same as the plain one.
        let escaped = r#"{"$type":"app.bsky.embed.images\u0023view","images":[]}"#;
        assert!(matches!(serde_json::from_str::<EmbedView>(escaped).unwrap(), EmbedView::Images(_)));
    }

    #[test]
    fn a_known_type_with_a_bad_body_is_an_error_naming_the_member() {
        let err = serde_json::from_str::<EmbedView>(r#"{"$type":"app.bsky.embed.images#view","images":7}"#)
            .unwrap_err()
            .to_string();
        assert!(err.contains("app.bsky.embed.images#view"), "{err}");
        let err = serde_json::from_str::<EmbedView>("[1]").unwrap_err().to_string();
        assert!(err.contains("EmbedView: expected an object"), "{err}");
    }

    #[test]
    fn members_without_type_are_inferred_from_their_keys() {
        let not_found: MaybePost =
            serde_json::from_value(json!({"uri": "at://did:plc:a/app.bsky.feed.post/1", "notFound": true}))
                .unwrap();
        assert!(matches!(not_found, MaybePost::NotFound(_)));
        let blocked: MaybePost = serde_json::from_str(
            r#"{"uri":"at://did:plc:a/app.bsky.feed.post/1","blocked":true,"author":{}}"#,
        )
        .unwrap();
        assert!(matches!(blocked, MaybePost::Blocked(_)));
        // `notFound: false` is not a reason to call it missing.
        let odd: MaybePost = serde_json::from_str(r#"{"uri":"at://x","notFound":false}"#).unwrap();
        assert!(matches!(odd, MaybePost::Unknown(_)));
    }
}
