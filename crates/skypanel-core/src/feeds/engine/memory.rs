//! The feed's memory across pages, carried in its cursor: which posts were shown (dedupe)
//! and how many per author (the perAuthor cap), kept as FNV-1a hashes, bounded, and
//! encoded compactly as base64url text so the cursor stays small.

use std::collections::{HashMap, HashSet};

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use crate::feeds::{Candidate, Step};

/// How many seen posts [`Memory`] remembers (the oldest are forgotten first).
pub const MEMORY_SEEN: usize = 5_000;
/// How many authors [`Memory`] counts for the per-author cap.
pub const MEMORY_AUTHORS: usize = 5_000;

/// Cross-page memory carried in the feed's cursor: which posts were shown (dedupe) and how
/// many per author (the perAuthor cap). Compact: 64-bit hashes (FNV-1a of the post's at-uri
/// and the author's DID), serialised as base64url text; bounded to the latest
/// [`MEMORY_SEEN`] posts and [`MEMORY_AUTHORS`] authors.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Memory {
    /// Hashes of posts already given out, oldest first.
    #[serde(default, with = "hashes")]
    seen: Vec<u64>,
    /// Hashes of authors with their post counts so far, in order of first appearance.
    #[serde(default, with = "counts")]
    authors: Vec<(u64, u32)>,
}

/// FNV-1a, 64-bit: stable across platforms and releases, unlike std's hasher.
fn fnv(s: &str) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for b in s.bytes() {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h
}

impl Memory {
    /// How many posts are remembered as seen.
    pub fn seen_len(&self) -> usize {
        self.seen.len()
    }

    /// One row per post: merges candidates with the same post at-uri (a repost and its
    /// original count once: the first in the given order stays, gaining the others'
    /// `sources` and `reposted_by`), and drops posts shown on earlier pages. Appends a Step
    /// "one per post".
    pub fn dedupe(&mut self, page: Vec<Candidate>, steps: &mut Vec<Step>) -> Vec<Candidate> {
        let input = page.len();
        let earlier: HashSet<u64> = self.seen.iter().copied().collect();
        let mut index: HashMap<u64, usize> = HashMap::with_capacity(page.len());
        let mut out: Vec<Candidate> = Vec::with_capacity(page.len());
        for mut c in page {
            let h = fnv(&c.view.post.uri);
            if earlier.contains(&h) {
                continue;
            }
            if let Some(by) = c.view.reposted_by() {
                if !c.reposted_by.contains(&by.handle) {
                    c.reposted_by.insert(0, by.handle.clone());
                }
            }
            match index.get(&h) {
                Some(&at) => {
                    let first = &mut out[at];
                    for s in c.sources {
                        if !first.sources.contains(&s) {
                            first.sources.push(s);
                        }
                    }
                    for r in c.reposted_by {
                        if !first.reposted_by.contains(&r) {
                            first.reposted_by.push(r);
                        }
                    }
                }
                None => {
                    index.insert(h, out.len());
                    out.push(c);
                }
            }
        }
        for c in &out {
            self.seen.push(fnv(&c.view.post.uri));
        }
        if self.seen.len() > MEMORY_SEEN {
            self.seen.drain(..self.seen.len() - MEMORY_SEEN);
        }
        steps.push(Step { label: "one per post".into(), input, output: out.len() });
        out
    }

    /// At most `cap` posts per author across all pages so far (by author DID; a repost
    /// counts for the post's author). Appends a Step "at most N per author".
    pub fn cap_per_author(
        &mut self,
        page: Vec<Candidate>,
        cap: u32,
        steps: &mut Vec<Step>,
    ) -> Vec<Candidate> {
        let input = page.len();
        let mut at: HashMap<u64, usize> =
            self.authors.iter().enumerate().map(|(i, (h, _))| (*h, i)).collect();
        let mut out = Vec::with_capacity(page.len());
        for c in page {
            let h = fnv(&c.view.post.author.did);
            let i = *at.entry(h).or_insert_with(|| {
                self.authors.push((h, 0));
                self.authors.len() - 1
            });
            if self.authors[i].1 < cap {
                self.authors[i].1 += 1;
                out.push(c);
            }
        }
        if self.authors.len() > MEMORY_AUTHORS {
            self.authors.drain(..self.authors.len() - MEMORY_AUTHORS);
        }
        steps.push(Step { label: format!("at most {cap} per author"), input, output: out.len() });
        out
    }
}

/// Base64url without padding, for the memory's hashes (the cursor is text).
mod b64 {
    const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

    pub fn encode(bytes: &[u8]) -> String {
        let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
        for chunk in bytes.chunks(3) {
            let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
            let n = (u32::from(b[0]) << 16) | (u32::from(b[1]) << 8) | u32::from(b[2]);
            for k in 0..=chunk.len() {
                out.push(ALPHABET[((n >> (18 - 6 * k)) & 63) as usize] as char);
            }
        }
        out
    }

    pub fn decode(s: &str) -> Option<Vec<u8>> {
        let mut out = Vec::with_capacity(s.len() * 3 / 4);
        let (mut acc, mut bits) = (0u32, 0u32);
        for c in s.bytes() {
            let v = ALPHABET.iter().position(|&a| a == c)? as u32;
            acc = (acc << 6) | v;
            bits += 6;
            if bits >= 8 {
                bits -= 8;
                out.push((acc >> bits) as u8);
                acc &= (1 << bits) - 1;
            }
        }
        Some(out)
    }
}

mod hashes {
    use super::*;

    pub fn serialize<S: Serializer>(v: &[u64], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> = v.iter().flat_map(|h| h.to_le_bytes()).collect();
        s.serialize_str(&b64::encode(&bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u64>, D::Error> {
        let text = String::deserialize(d)?;
        let bytes =
            b64::decode(&text).ok_or_else(|| serde::de::Error::custom("the cursor's memory is damaged"))?;
        Ok(bytes
            .chunks_exact(8)
            .map(|c| u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]))
            .collect())
    }
}

mod counts {
    use super::*;

    pub fn serialize<S: Serializer>(v: &[(u64, u32)], s: S) -> Result<S::Ok, S::Error> {
        let bytes: Vec<u8> =
            v.iter().flat_map(|(h, n)| h.to_le_bytes().into_iter().chain(n.to_le_bytes())).collect();
        s.serialize_str(&b64::encode(&bytes))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<(u64, u32)>, D::Error> {
        let text = String::deserialize(d)?;
        let bytes =
            b64::decode(&text).ok_or_else(|| serde::de::Error::custom("the cursor's memory is damaged"))?;
        Ok(bytes
            .chunks_exact(12)
            .map(|c| {
                let h = u64::from_le_bytes([c[0], c[1], c[2], c[3], c[4], c[5], c[6], c[7]]);
                (h, u32::from_le_bytes([c[8], c[9], c[10], c[11]]))
            })
            .collect())
    }
}
