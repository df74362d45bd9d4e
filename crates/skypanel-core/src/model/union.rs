//! Open unions: lexicon unions whose members are told apart by `$type`, and which must
//! accept members this code has never seen.
//!
//! [`open_union!`] declares an enum with one variant per known member and an `Unknown`
//! variant that keeps the value exactly as sent. Some servers omit `$type` where the lexicon
//! allows it; each union can name a function that infers the member from the shape.

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
        }

        impl<'de> serde::Deserialize<'de> for $name {
            fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                use serde::de::Error as _;
                let value = serde_json::Value::deserialize(d)?;
                if !value.is_object() {
                    return Err(D::Error::custom(concat!(stringify!($name), ": expected an object")));
                }
                let tag: Option<String> = match value.get("$type").and_then(serde_json::Value::as_str) {
                    Some(t) => Some(t.to_owned()),
                    None => {
                        #[allow(unused_mut, unused_assignments)]
                        let mut inferred: Option<&'static str> = None;
                        $( inferred = $infer(&value); )?
                        inferred.map(str::to_owned)
                    }
                };
                match tag.as_deref() {
                    $( Some($tag) => serde_json::from_value::<$ty>(value)
                        .map(Self::$variant)
                        .map_err(|e| D::Error::custom(format!("{}: {e}", $tag))), )*
                    _ => Ok(Self::Unknown(value)),
                }
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
