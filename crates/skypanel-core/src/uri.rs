//! Identifiers: handles, DIDs, record keys, at-uris, and bsky.app URLs.
//!
//! Syntax follows the AT Protocol specifications (atproto.com/specs): handles are DNS
//! names of at least two labels, DIDs are `did:<method>:<id>`, record keys are 1–512 of
//! `A–Z a–z 0–9 . _ : ~ -` and not `.` or `..`.

use std::fmt;

use crate::Error;

/// Whether `s` is a syntactically valid handle (e.g. `alice.bsky.social`).
pub fn is_valid_handle(s: &str) -> bool {
    if s.is_empty() || s.len() > 253 || !s.is_ascii() {
        return false;
    }
    let labels: Vec<&str> = s.split('.').collect();
    if labels.len() < 2 {
        return false;
    }
    let label_ok = |l: &&str| {
        !l.is_empty()
            && l.len() <= 63
            && !l.starts_with('-')
            && !l.ends_with('-')
            && l.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
    };
    labels.iter().all(label_ok) && !labels[labels.len() - 1].as_bytes()[0].is_ascii_digit()
}

/// Whether `s` is a syntactically valid DID (e.g. `did:plc:abc123`, `did:web:example.com`).
pub fn is_valid_did(s: &str) -> bool {
    let mut parts = s.splitn(3, ':');
    let (Some("did"), Some(method), Some(id)) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    s.len() <= 2048
        && !method.is_empty()
        && method.bytes().all(|b| b.is_ascii_lowercase())
        && !id.is_empty()
        && !id.ends_with(':')
        && !id.ends_with('%')
        && id.bytes().all(|b| b.is_ascii_alphanumeric() || b".:_%-".contains(&b))
}

/// Whether `s` is a valid record key.
pub fn is_valid_rkey(s: &str) -> bool {
    (1..=512).contains(&s.len())
        && s != "."
        && s != ".."
        && s.bytes().all(|b| b.is_ascii_alphanumeric() || b"._:~-".contains(&b))
}

/// Whether `s` is a valid NSID-like collection name (e.g. `app.bsky.feed.post`).
fn is_valid_collection(s: &str) -> bool {
    let segments: Vec<&str> = s.split('.').collect();
    segments.len() >= 3
        && segments.iter().all(|seg| {
            !seg.is_empty() && seg.len() <= 63 && seg.bytes().all(|b| b.is_ascii_alphanumeric() || b == b'-')
        })
}

/// An `at://` URI: an account, optionally a collection, optionally a record key.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct AtUri {
    /// The account: a DID (or, in older data, a handle).
    pub authority: String,
    /// The collection, e.g. `app.bsky.feed.post`.
    pub collection: Option<String>,
    /// The record key.
    pub rkey: Option<String>,
}

impl AtUri {
    /// Parses `at://authority[/collection[/rkey]]`.
    pub fn parse(s: &str) -> Result<AtUri, Error> {
        let bad = || Error::InvalidInput(format!("'{s}' is not an at:// URI"));
        let rest = s.strip_prefix("at://").ok_or_else(bad)?;
        let rest = rest.split(['?', '#']).next().unwrap_or("");
        let mut parts = rest.split('/');
        let authority = parts.next().filter(|a| is_valid_did(a) || is_valid_handle(a)).ok_or_else(bad)?;
        let collection = parts.next().filter(|c| !c.is_empty());
        let rkey = parts.next().filter(|r| !r.is_empty());
        if parts.next().is_some()
            || collection.is_some_and(|c| !is_valid_collection(c))
            || rkey.is_some_and(|r| !is_valid_rkey(r))
            || (rkey.is_some() && collection.is_none())
        {
            return Err(bad());
        }
        Ok(AtUri {
            authority: authority.to_owned(),
            collection: collection.map(str::to_owned),
            rkey: rkey.map(str::to_owned),
        })
    }
}

impl fmt::Display for AtUri {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "at://{}", self.authority)?;
        if let Some(c) = &self.collection {
            write!(f, "/{c}")?;
            if let Some(r) = &self.rkey {
                write!(f, "/{r}")?;
            }
        }
        Ok(())
    }
}

/// Something a bsky.app URL points at. `actor` is a handle or a DID, as in the URL.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum BskyLink {
    /// `/profile/<actor>`
    Profile {
        /// Handle or DID.
        actor: String,
    },
    /// `/profile/<actor>/post/<rkey>`
    Post {
        /// Handle or DID.
        actor: String,
        /// The post's record key.
        rkey: String,
    },
    /// `/profile/<actor>/feed/<rkey>`
    Feed {
        /// Handle or DID.
        actor: String,
        /// The feed generator's record key.
        rkey: String,
    },
    /// `/profile/<actor>/lists/<rkey>`
    List {
        /// Handle or DID.
        actor: String,
        /// The list's record key.
        rkey: String,
    },
}

const POST: &str = "app.bsky.feed.post";
const GENERATOR: &str = "app.bsky.feed.generator";
const LIST: &str = "app.bsky.graph.list";

impl BskyLink {
    /// Parses a bsky.app URL (`https://bsky.app/profile/…`, or just the path).
    pub fn parse(url: &str) -> Result<BskyLink, Error> {
        let bad =
            || Error::InvalidInput(format!("'{url}' is not a bsky.app profile, post, feed or list link"));
        let path = url
            .trim()
            .strip_prefix("https://bsky.app")
            .or_else(|| url.trim().strip_prefix("http://bsky.app"))
            .unwrap_or(url.trim());
        let path = path.split(['?', '#']).next().unwrap_or("");
        let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
        let decoded: Vec<String> = parts.iter().map(|p| p.replace("%3A", ":").replace("%3a", ":")).collect();
        let actor_ok = |a: &str| is_valid_handle(a) || is_valid_did(a);
        match decoded.iter().map(String::as_str).collect::<Vec<_>>().as_slice() {
            ["profile", actor] if actor_ok(actor) => Ok(BskyLink::Profile { actor: actor.to_string() }),
            ["profile", actor, kind, rkey] if actor_ok(actor) && is_valid_rkey(rkey) => {
                let (actor, rkey) = (actor.to_string(), rkey.to_string());
                match *kind {
                    "post" => Ok(BskyLink::Post { actor, rkey }),
                    "feed" => Ok(BskyLink::Feed { actor, rkey }),
                    "lists" => Ok(BskyLink::List { actor, rkey }),
                    _ => Err(bad()),
                }
            }
            _ => Err(bad()),
        }
    }

    /// The link for an at-uri of a post, feed generator or list (or a bare account).
    pub fn from_at_uri(uri: &AtUri) -> Option<BskyLink> {
        let actor = uri.authority.clone();
        match (uri.collection.as_deref(), uri.rkey.clone()) {
            (None, None) => Some(BskyLink::Profile { actor }),
            (Some(POST), Some(rkey)) => Some(BskyLink::Post { actor, rkey }),
            (Some(GENERATOR), Some(rkey)) => Some(BskyLink::Feed { actor, rkey }),
            (Some(LIST), Some(rkey)) => Some(BskyLink::List { actor, rkey }),
            _ => None,
        }
    }

    /// The handle or DID in the link.
    pub fn actor(&self) -> &str {
        match self {
            BskyLink::Profile { actor }
            | BskyLink::Post { actor, .. }
            | BskyLink::Feed { actor, .. }
            | BskyLink::List { actor, .. } => actor,
        }
    }

    /// The at-uri this link names, given the actor's DID (a handle must be resolved first).
    pub fn to_at_uri(&self, did: &str) -> AtUri {
        let (collection, rkey) = match self {
            BskyLink::Profile { .. } => (None, None),
            BskyLink::Post { rkey, .. } => (Some(POST), Some(rkey)),
            BskyLink::Feed { rkey, .. } => (Some(GENERATOR), Some(rkey)),
            BskyLink::List { rkey, .. } => (Some(LIST), Some(rkey)),
        };
        AtUri { authority: did.to_owned(), collection: collection.map(str::to_owned), rkey: rkey.cloned() }
    }

    /// The `https://bsky.app/…` URL.
    pub fn url(&self) -> String {
        match self {
            BskyLink::Profile { actor } => format!("https://bsky.app/profile/{actor}"),
            BskyLink::Post { actor, rkey } => format!("https://bsky.app/profile/{actor}/post/{rkey}"),
            BskyLink::Feed { actor, rkey } => format!("https://bsky.app/profile/{actor}/feed/{rkey}"),
            BskyLink::List { actor, rkey } => format!("https://bsky.app/profile/{actor}/lists/{rkey}"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn handles() {
        for ok in ["alice.bsky.social", "a.test", "xn--ls8h.test", "john-doe.example.com", "A.B.co"] {
            assert!(is_valid_handle(ok), "{ok}");
        }
        for bad in [
            "alice",
            "-a.test",
            "a-.test",
            "a..test",
            "a.123",
            "al ice.test",
            "ålice.test",
            "",
            ".test",
            "a.test.",
        ] {
            assert!(!is_valid_handle(bad), "{bad}");
        }
    }

    #[test]
    fn dids() {
        for ok in ["did:plc:z72i7hdynmk6r22z27h6tvur", "did:web:example.com", "did:web:localhost%3A2583"] {
            assert!(is_valid_did(ok), "{ok}");
        }
        for bad in ["did:plc:", "did::x", "did:PLC:x", "plc:x", "did:plc:x:", "did:plc:a b", "did:web:x%"] {
            assert!(!is_valid_did(bad), "{bad}");
        }
    }

    #[test]
    fn at_uris_round_trip() {
        for s in [
            "at://did:plc:abc/app.bsky.feed.post/3lbxq7yq2hc2k",
            "at://did:plc:abc",
            "at://alice.test/app.bsky.graph.list/x",
        ] {
            assert_eq!(AtUri::parse(s).unwrap().to_string(), s);
        }
        for bad in [
            "https://x",
            "at://",
            "at://nope/app.bsky.feed.post/1",
            "at://did:plc:a/app/1",
            "at://did:plc:a/a.b.c/1/2",
            "at://did:plc:a/a.b.c/..",
        ] {
            assert!(AtUri::parse(bad).is_err(), "{bad}");
        }
    }

    #[test]
    fn bsky_urls_to_at_uris_and_back() {
        let link =
            BskyLink::parse("https://bsky.app/profile/alice.test/post/3lbxq7yq2hc2k?ref=x#top").unwrap();
        assert_eq!(link, BskyLink::Post { actor: "alice.test".into(), rkey: "3lbxq7yq2hc2k".into() });
        let uri = link.to_at_uri("did:plc:alice");
        assert_eq!(uri.to_string(), "at://did:plc:alice/app.bsky.feed.post/3lbxq7yq2hc2k");
        assert_eq!(
            BskyLink::from_at_uri(&uri).unwrap().url(),
            "https://bsky.app/profile/did:plc:alice/post/3lbxq7yq2hc2k"
        );
        assert_eq!(
            BskyLink::parse("/profile/did%3Aplc%3Axyz/feed/whats-hot").unwrap(),
            BskyLink::Feed { actor: "did:plc:xyz".into(), rkey: "whats-hot".into() }
        );
        assert_eq!(
            BskyLink::parse("https://bsky.app/profile/bob.test/lists/3k")
                .unwrap()
                .to_at_uri("did:plc:b")
                .to_string(),
            "at://did:plc:b/app.bsky.graph.list/3k"
        );
        assert_eq!(BskyLink::parse("https://bsky.app/profile/bob.test/").unwrap().actor(), "bob.test");
        for bad in [
            "https://bsky.app/",
            "https://bsky.app/profile/x",
            "https://bsky.app/profile/a.test/post/",
            "/profile/a.test/reply/1",
            "https://bsky.app/profile/a.test/post/a/b",
        ] {
            assert!(BskyLink::parse(bad).is_err(), "{bad}");
        }
    }
}
