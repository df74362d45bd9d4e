//! What each stage other than text and muted words keeps: media, language, replies (and
//! whom they answer), reposts, quote posts, minimum counts, the time window and excluded
//! accounts, each decided from the post view alone.

use super::{Engine, Stage};
use crate::feeds::definition::MediaKind;
use crate::feeds::Candidate;
use crate::model::embed::{EmbedView, MediaView};
use crate::model::feed::MaybePost;

impl Engine {
    pub(super) fn keeps(&self, stage: &Stage, c: &Candidate) -> bool {
        let view = &c.view;
        let post = &view.post;
        match stage {
            Stage::Text { .. } | Stage::MutedWords => true,
            Stage::Media(has) => has.iter().any(|k| has_media(c, *k)),
            Stage::Lang { langs, keep_unknown } => {
                let declared = post.record.get("langs").and_then(|v| v.as_array());
                let mut declared = declared.into_iter().flatten().filter_map(|v| v.as_str()).peekable();
                if declared.peek().is_none() {
                    return *keep_unknown;
                }
                declared.any(|d| {
                    langs.iter().any(|l| {
                        d.len() >= l.len()
                            && d[..l.len()].eq_ignore_ascii_case(l)
                            && (d.len() == l.len() || d.as_bytes()[l.len()] == b'-')
                    })
                })
            }
            Stage::Replies { keep, only_following } => {
                if !is_reply(c) {
                    return true;
                }
                if !keep {
                    return false;
                }
                !only_following || self.replies_to_followed(c)
            }
            Stage::Reposts { keep, from } => match view.reposted_by() {
                None => true,
                Some(_) if *keep => true,
                Some(_) if from.is_empty() => false,
                Some(by) => !from
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(&by.did) || a.eq_ignore_ascii_case(&by.handle)),
            },
            Stage::Quotes { keep } => *keep || !has_media(c, MediaKind::Quote),
            Stage::Min { likes, reposts, replies } => {
                post.like_count.unwrap_or(0) >= *likes
                    && post.repost_count.unwrap_or(0) >= *reposts
                    && post.reply_count.unwrap_or(0) >= *replies
            }
            Stage::Since { from_ms } => c.key.time_ms >= *from_ms,
            Stage::Exclude(set) => {
                let people = std::iter::once(&post.author).chain(view.reposted_by());
                !people.into_iter().any(|p| {
                    set.contains(&p.did.to_ascii_lowercase()) || set.contains(&p.handle.to_ascii_lowercase())
                })
            }
        }
    }

    /// Whether a reply answers someone the viewer follows, the viewer, or its own author.
    fn replies_to_followed(&self, c: &Candidate) -> bool {
        let me = &c.view.post.author.did;
        match c.view.reply.as_ref().map(|r| &r.parent) {
            Some(MaybePost::Post(parent)) => {
                let a = &parent.author;
                a.viewer.as_ref().is_some_and(|v| v.following.is_some())
                    || &a.did == me
                    || self.viewer.as_deref() == Some(a.did.as_str())
            }
            Some(_) => false,
            // A bare post view (search, the library) has no reply context, only the parent's
            // at-uri: enough to tell a self-thread or a reply to the viewer, not a follow.
            None => {
                let parent =
                    c.view.post.record.pointer("/reply/parent/uri").and_then(|v| v.as_str()).unwrap_or("");
                let did = parent.strip_prefix("at://").and_then(|r| r.split('/').next()).unwrap_or("");
                !did.is_empty() && (did == me || self.viewer.as_deref() == Some(did))
            }
        }
    }
}

fn is_reply(c: &Candidate) -> bool {
    c.view.reply.is_some() || c.view.post.record.get("reply").is_some()
}

fn has_media(c: &Candidate, kind: MediaKind) -> bool {
    let embed = c.view.post.embed.as_ref();
    let media = match embed {
        Some(EmbedView::RecordWithMedia(rm)) => Some(&rm.media),
        _ => None,
    };
    match kind {
        MediaKind::None => embed.is_none(),
        MediaKind::Images => {
            matches!(embed, Some(EmbedView::Images(_))) || matches!(media, Some(MediaView::Images(_)))
        }
        MediaKind::Video => {
            matches!(embed, Some(EmbedView::Video(_))) || matches!(media, Some(MediaView::Video(_)))
        }
        MediaKind::Quote => matches!(embed, Some(EmbedView::Record(_) | EmbedView::RecordWithMedia(_))),
        MediaKind::Link => {
            matches!(embed, Some(EmbedView::External(_)))
                || matches!(media, Some(MediaView::External(_)))
                || has_link_facet(c)
        }
    }
}

fn has_link_facet(c: &Candidate) -> bool {
    let facets = c.view.post.record.get("facets").and_then(|v| v.as_array()).into_iter().flatten();
    facets
        .filter_map(|f| f.get("features")?.as_array())
        .flatten()
        .any(|f| f.get("$type").and_then(|t| t.as_str()) == Some("app.bsky.richtext.facet#link"))
}
