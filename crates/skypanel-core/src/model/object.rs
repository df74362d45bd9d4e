//! Lexicon objects: structs with known fields plus an `extra` map that keeps every field this
//! code does not model, exactly as sent.
//!
//! [`lexicon_object!`] writes the `Deserialize` impl by hand instead of using serde's
//! `#[serde(flatten)]`: flatten buffers every field of the object (and of every nested object)
//! into an intermediate tree before reading it, which made parsing a timeline page twice as
//! slow and its code much larger. Here each field is read once, straight into its type; keys
//! nobody knows go to `extra` as a `Value`.
//!
//! Each field names its JSON key and whether it is `req` (missing → error) or `opt` (missing
//! → `Default`). `Serialize` is derived with the same keys, and `extra` flattened back in.

use serde::de::{Deserialize, Deserializer, Visitor};

/// A map key, borrowed from the input when the input allows it (no copy for the common case).
pub(crate) enum Key<'de> {
    Borrowed(&'de str),
    Owned(String),
}

impl Key<'_> {
    pub(crate) fn as_str(&self) -> &str {
        match self {
            Key::Borrowed(s) => s,
            Key::Owned(s) => s,
        }
    }

    pub(crate) fn into_owned(self) -> String {
        match self {
            Key::Borrowed(s) => s.to_owned(),
            Key::Owned(s) => s,
        }
    }
}

impl<'de> Deserialize<'de> for Key<'de> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        struct KeyVisitor;
        impl<'de> Visitor<'de> for KeyVisitor {
            type Value = Key<'de>;
            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a string key")
            }
            fn visit_borrowed_str<E>(self, v: &'de str) -> Result<Key<'de>, E> {
                Ok(Key::Borrowed(v))
            }
            fn visit_str<E>(self, v: &str) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v.to_owned()))
            }
            fn visit_string<E>(self, v: String) -> Result<Key<'de>, E> {
                Ok(Key::Owned(v))
            }
        }
        d.deserialize_str(KeyVisitor)
    }
}

/// Declares a lexicon object. See the module documentation.
macro_rules! lexicon_object {
    (
        $(#[$meta:meta])*
        pub struct $name:ident {
            $( $(#[$fmeta:meta])* pub $field:ident : $ty:ty => $presence:ident $key:literal, )*
        }
        $(#[$emeta:meta])*
        extra;
    ) => {
        $(#[$meta])*
        #[derive(serde::Serialize)]
        pub struct $name {
            $( $(#[$fmeta])* #[serde(rename = $key)] pub $field: $ty, )*
            $(#[$emeta])*
            #[serde(flatten)]
            pub extra: serde_json::Map<String, serde_json::Value>,
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                struct ObjectVisitor;
                impl<'de> serde::de::Visitor<'de> for ObjectVisitor {
                    type Value = $name;
                    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                        f.write_str(concat!("an object (", stringify!($name), ")"))
                    }
                    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<$name, A::Error> {
                        $( let mut $field: Option<$ty> = None; )*
                        let mut extra = serde_json::Map::new();
                        while let Some(key) = map.next_key::<$crate::model::object::Key<'de>>()? {
                            match key.as_str() {
                                $( $key => $field = Some(map.next_value()?), )*
                                _ => {
                                    let value = map.next_value()?;
                                    extra.insert(key.into_owned(), value);
                                }
                            }
                        }
                        Ok($name {
                            $( $field: $crate::model::object::lexicon_object!(@finish $presence, $field, $key), )*
                            extra,
                        })
                    }
                }
                d.deserialize_map(ObjectVisitor)
            }
        }
    };
    (@finish req, $field:ident, $key:literal) => {
        $field.ok_or_else(|| <A::Error as serde::de::Error>::missing_field($key))?
    };
    (@finish opt, $field:ident, $key:literal) => {
        $field.unwrap_or_default()
    };
}

pub(crate) use lexicon_object;

#[cfg(test)]
mod tests {
    use crate::model::ProfileViewBasic;

    #[test]
    fn unknown_keys_are_kept_and_written_back() {
        let text = r#"{"did":"did:plc:a","handle":"a.test","displayName":null,"future\u0041":{"x":[1]},"pronouns":"they"}"#;
        let p: ProfileViewBasic = serde_json::from_str(text).unwrap();
        assert_eq!(p.display_name, None);
        assert_eq!(p.extra["futureA"], serde_json::json!({"x": [1]}));
        assert_eq!(p.extra["pronouns"], "they");
        let back = serde_json::to_value(&p).unwrap();
        assert_eq!(back["futureA"]["x"][0], 1);
        assert_eq!(back["handle"], "a.test");
        assert!(back.get("displayName").is_none());
    }

    #[test]
    fn a_missing_required_field_is_named() {
        let err = serde_json::from_str::<ProfileViewBasic>(r#"{"did":"did:plc:a"}"#).unwrap_err().to_string();
        assert!(err.contains("missing field `handle`"), "{err}");
        let err = serde_json::from_str::<ProfileViewBasic>("[]").unwrap_err().to_string();
        assert!(err.contains("ProfileViewBasic"), "{err}");
    }
}
