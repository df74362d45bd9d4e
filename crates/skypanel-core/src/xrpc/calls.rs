//! The lexicon calls SkyPanel makes, typed.

use serde::{Deserialize, Serialize};
use serde_json::value::RawValue;
use serde_json::{json, Value};

use super::client::{Auth, Client, Idempotent, Session};
use super::transport::Transport;
use crate::model::{
    graph::GeneratorView, BookmarkView, FeedItem, PostView, ProfileViewBasic, ProfileViewDetailed,
    ThreadView, TimelinePage,
};
use crate::Error;

/// Most items the AppView returns per page.
pub const MAX_PAGE: u8 = 100;
/// Most URIs or actors per getPosts / getProfiles / getFeedGenerators call.
pub const MAX_BATCH: usize = 25;

/// Which posts `getAuthorFeed` returns.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum AuthorFilter {
    /// Posts and replies (the server's default).
    #[default]
    PostsWithReplies,
    /// Posts, no replies.
    PostsNoReplies,
    /// Posts with images or video.
    PostsWithMedia,
    /// Posts and the author's own threads.
    PostsAndAuthorThreads,
    /// Posts with video.
    PostsWithVideo,
}

impl AuthorFilter {
    /// The value on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            AuthorFilter::PostsWithReplies => "posts_with_replies",
            AuthorFilter::PostsNoReplies => "posts_no_replies",
            AuthorFilter::PostsWithMedia => "posts_with_media",
            AuthorFilter::PostsAndAuthorThreads => "posts_and_author_threads",
            AuthorFilter::PostsWithVideo => "posts_with_video",
        }
    }
}

/// A feed SkyPanel can page through: `{kind: "timeline" | "author" | "feed" | "list", …}`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "kind", rename_all = "camelCase", try_from = "FeedSourceWire")]
pub enum FeedSource {
    /// The signed-in account's home timeline.
    Timeline,
    /// One account's posts.
    Author {
        /// Handle or DID.
        actor: String,
        /// Which posts.
        #[serde(default)]
        filter: AuthorFilter,
        /// Include the pinned post first.
        #[serde(default)]
        include_pins: bool,
    },
    /// A custom feed (at-uri of its generator record).
    Feed {
        /// `at://…/app.bsky.feed.generator/…`
        uri: String,
    },
    /// A list's feed (at-uri of the list).
    List {
        /// `at://…/app.bsky.graph.list/…`
        uri: String,
    },
}

/// [`FeedSource`] as JSON, read flat: serde's own reading of a `kind`-tagged enum buffers the
/// whole value first, which costs code size in the wasm for no gain on four small shapes.
#[derive(Deserialize)]
#[serde(rename_all = "camelCase")]
struct FeedSourceWire {
    kind: String,
    actor: Option<String>,
    #[serde(default)]
    filter: AuthorFilter,
    #[serde(default)]
    include_pins: bool,
    uri: Option<String>,
}

impl TryFrom<FeedSourceWire> for FeedSource {
    type Error = String;
    fn try_from(w: FeedSourceWire) -> Result<Self, String> {
        let need =
            |v: Option<String>, field: &str| v.ok_or_else(|| format!("a {} feed needs `{field}`", w.kind));
        Ok(match w.kind.as_str() {
            "timeline" => FeedSource::Timeline,
            "author" => FeedSource::Author {
                actor: need(w.actor, "actor")?,
                filter: w.filter,
                include_pins: w.include_pins,
            },
            "feed" => FeedSource::Feed { uri: need(w.uri, "uri")? },
            "list" => FeedSource::List { uri: need(w.uri, "uri")? },
            other => return Err(format!("unknown feed kind `{other}`: use timeline, author, feed or list")),
        })
    }
}

/// Parameters of `app.bsky.feed.searchPosts`.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct SearchQuery {
    /// The query (Lucene-like syntax on bsky.app's AppView).
    pub q: String,
    /// `top` or `latest`.
    pub sort: Option<String>,
    /// Only posts after this datetime or date.
    pub since: Option<String>,
    /// Only posts before this datetime or date.
    pub until: Option<String>,
    /// Only posts mentioning this account.
    pub mentions: Option<String>,
    /// Only posts by this account.
    pub author: Option<String>,
    /// Only posts in this language.
    pub lang: Option<String>,
    /// Only posts linking to this domain.
    pub domain: Option<String>,
    /// Only posts linking to this URL.
    pub url: Option<String>,
    /// Only posts with all these tags.
    pub tags: Vec<String>,
}

/// One page of search results.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SearchPage {
    /// Next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// Estimated total hits.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hits_total: Option<u64>,
    /// The posts.
    pub posts: Vec<PostView>,
}

/// One page of Bluesky bookmarks.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct BookmarkPage {
    /// Next page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cursor: Option<String>,
    /// The bookmarks, newest first.
    pub bookmarks: Vec<BookmarkView>,
}

#[derive(Deserialize)]
struct Posts {
    posts: Vec<PostView>,
}
#[derive(Deserialize)]
struct Profiles {
    profiles: Vec<ProfileViewDetailed>,
}
#[derive(Deserialize)]
struct Thread {
    thread: ThreadView,
}
#[derive(Deserialize)]
struct Generator {
    view: GeneratorView,
}
#[derive(Deserialize)]
struct Generators {
    feeds: Vec<GeneratorView>,
}
#[derive(Deserialize)]
struct Preferences {
    preferences: Vec<Value>,
}
#[derive(Deserialize)]
struct ResolvedHandle {
    did: String,
}
#[derive(Deserialize)]
struct Follows {
    #[serde(default)]
    cursor: Option<String>,
    follows: Vec<ProfileViewBasic>,
}

fn limit_param(limit: u8) -> String {
    limit.clamp(1, MAX_PAGE).to_string()
}

impl<T: Transport> Client<T> {
    /// Signs in with a handle, DID or email and an app password, and keeps the session.
    /// This client must point at the account's PDS (or an entryway such as bsky.social).
    pub async fn create_session(&self, identifier: &str, password: &str) -> Result<Session, Error> {
        const METHOD: &str = "com.atproto.server.createSession";
        let identifier = identifier.trim().trim_start_matches('@');
        if identifier.is_empty() || password.is_empty() {
            return Err(Error::InvalidInput(
                "a handle (or email) and an app password are both needed to sign in".into(),
            ));
        }
        let body = json!({ "identifier": identifier, "password": password });
        // Signing in twice only makes two sessions: safe to retry.
        let bytes = self.procedure(METHOD, Some(&body), Auth::None, Idempotent::Yes).await?;
        let session: Session = Self::parse(METHOD, &bytes)?;
        self.set_session(Some(session.clone()));
        Ok(session)
    }

    /// Ends the session on the server (`com.atproto.server.deleteSession`) and forgets it.
    pub async fn delete_session(&self) -> Result<(), Error> {
        let result =
            self.procedure("com.atproto.server.deleteSession", None, Auth::Refresh, Idempotent::Yes).await;
        self.set_session(None);
        result.map(|_| ())
    }

    /// One page of a feed.
    pub async fn feed_page(
        &self,
        source: &FeedSource,
        limit: u8,
        cursor: Option<&str>,
    ) -> Result<TimelinePage, Error> {
        let limit = limit_param(limit);
        let mut params = vec![("limit", limit.as_str())];
        let (method, auth) = match source {
            FeedSource::Timeline => ("app.bsky.feed.getTimeline", Auth::Access),
            FeedSource::Author { actor, filter, include_pins } => {
                params.push(("actor", actor));
                params.push(("filter", filter.as_str()));
                if *include_pins {
                    params.push(("includePins", "true"));
                }
                ("app.bsky.feed.getAuthorFeed", Auth::Optional)
            }
            FeedSource::Feed { uri } => {
                params.push(("feed", uri));
                ("app.bsky.feed.getFeed", Auth::Optional)
            }
            FeedSource::List { uri } => {
                params.push(("list", uri));
                ("app.bsky.feed.getListFeed", Auth::Optional)
            }
        };
        if let Some(c) = cursor {
            params.push(("cursor", c));
        }
        let bytes = self.query(method, &params, auth).await?;
        let text = std::str::from_utf8(&bytes).map_err(|_| Error::Malformed {
            method: method.into(),
            detail: "the body is not UTF-8".into(),
        })?;
        TimelinePage::from_json(text).map_err(|detail| Error::Malformed { method: method.into(), detail })
    }

    /// One page of the signed-in account's home timeline.
    pub async fn get_timeline(&self, limit: u8, cursor: Option<&str>) -> Result<TimelinePage, Error> {
        self.feed_page(&FeedSource::Timeline, limit, cursor).await
    }

    /// Up to `max_items` items of a feed, following cursors from `cursor` on. Returns the
    /// items and the cursor to continue from (`None` at the end of the feed).
    pub async fn collect_feed(
        &self,
        source: &FeedSource,
        max_items: usize,
        cursor: Option<String>,
    ) -> Result<(Vec<FeedItem>, Option<String>), Error> {
        let mut items = Vec::new();
        let mut cursor = cursor;
        while items.len() < max_items {
            let want = (max_items - items.len()).min(MAX_PAGE as usize) as u8;
            let page = self.feed_page(source, want, cursor.as_deref()).await?;
            let got = page.feed.len();
            items.extend(page.feed);
            // Stop at the end, on an empty page, or if the server repeats its cursor.
            let next = page.cursor.filter(|c| got > 0 && Some(c) != cursor.as_ref());
            match next {
                Some(c) => cursor = Some(c),
                None => return Ok((items, None)),
            }
        }
        Ok((items, cursor))
    }

    /// A post with its thread (`app.bsky.feed.getPostThread`).
    pub async fn get_post_thread(
        &self,
        uri: &str,
        depth: u16,
        parent_height: u16,
    ) -> Result<ThreadView, Error> {
        const METHOD: &str = "app.bsky.feed.getPostThread";
        let (d, h) = (depth.min(1000).to_string(), parent_height.min(1000).to_string());
        let bytes =
            self.query(METHOD, &[("uri", uri), ("depth", &d), ("parentHeight", &h)], Auth::Optional).await?;
        Ok(Self::parse::<Thread>(METHOD, &bytes)?.thread)
    }

    /// Posts by at-uri, in batches of 25; posts that no longer exist are absent.
    pub async fn get_posts(&self, uris: &[String]) -> Result<Vec<PostView>, Error> {
        const METHOD: &str = "app.bsky.feed.getPosts";
        let mut out = Vec::with_capacity(uris.len());
        for batch in uris.chunks(MAX_BATCH) {
            let params: Vec<(&str, &str)> = batch.iter().map(|u| ("uris", u.as_str())).collect();
            let bytes = self.query(METHOD, &params, Auth::Optional).await?;
            out.extend(Self::parse::<Posts>(METHOD, &bytes)?.posts);
        }
        Ok(out)
    }

    /// Like [`Client::get_posts`], but each post exactly as the server sent it (for the
    /// library, which keeps posts byte for byte). Each is checked to be a post view.
    pub async fn get_posts_raw(&self, uris: &[String]) -> Result<Vec<Box<RawValue>>, Error> {
        const METHOD: &str = "app.bsky.feed.getPosts";
        #[derive(Deserialize)]
        struct RawPosts {
            posts: Vec<Box<RawValue>>,
        }
        let mut out = Vec::with_capacity(uris.len());
        for batch in uris.chunks(MAX_BATCH) {
            let params: Vec<(&str, &str)> = batch.iter().map(|u| ("uris", u.as_str())).collect();
            let bytes = self.query(METHOD, &params, Auth::Optional).await?;
            let page: RawPosts = Self::parse(METHOD, &bytes)?;
            for raw in page.posts {
                // Typed parse as the check; the raw text is what is kept.
                Self::parse::<PostView>(METHOD, raw.get().as_bytes())?;
                out.push(raw);
            }
        }
        Ok(out)
    }

    /// Searches posts (`app.bsky.feed.searchPosts`; needs a session on bsky.app's AppView).
    pub async fn search_posts(
        &self,
        query: &SearchQuery,
        limit: u8,
        cursor: Option<&str>,
    ) -> Result<SearchPage, Error> {
        let bytes = self.search_posts_bytes(query, limit, cursor).await?;
        Self::parse("app.bsky.feed.searchPosts", &bytes)
    }

    /// Like [`Client::search_posts`], but each post exactly as the server sent it, and the
    /// next page's cursor (feeds keep items byte for byte).
    pub async fn search_posts_raw(
        &self,
        query: &SearchQuery,
        limit: u8,
        cursor: Option<&str>,
    ) -> Result<(Vec<Box<RawValue>>, Option<String>), Error> {
        #[derive(Deserialize)]
        struct RawSearch {
            #[serde(default)]
            cursor: Option<String>,
            posts: Vec<Box<RawValue>>,
        }
        let bytes = self.search_posts_bytes(query, limit, cursor).await?;
        let page: RawSearch = Self::parse("app.bsky.feed.searchPosts", &bytes)?;
        Ok((page.posts, page.cursor))
    }

    /// The answer of `searchPosts` for `query`, unread.
    async fn search_posts_bytes(
        &self,
        query: &SearchQuery,
        limit: u8,
        cursor: Option<&str>,
    ) -> Result<Vec<u8>, Error> {
        if query.q.trim().is_empty() {
            return Err(Error::InvalidInput("a search needs some words to look for".into()));
        }
        let limit = limit_param(limit);
        let mut params: Vec<(&str, &str)> = vec![("q", &query.q), ("limit", &limit)];
        for (name, value) in [
            ("sort", &query.sort),
            ("since", &query.since),
            ("until", &query.until),
            ("mentions", &query.mentions),
            ("author", &query.author),
            ("lang", &query.lang),
            ("domain", &query.domain),
            ("url", &query.url),
        ] {
            if let Some(v) = value {
                params.push((name, v));
            }
        }
        params.extend(query.tags.iter().map(|t| ("tag", t.as_str())));
        if let Some(c) = cursor {
            params.push(("cursor", c));
        }
        self.query("app.bsky.feed.searchPosts", &params, Auth::Optional).await
    }

    /// A profile (`app.bsky.actor.getProfile`).
    pub async fn get_profile(&self, actor: &str) -> Result<ProfileViewDetailed, Error> {
        const METHOD: &str = "app.bsky.actor.getProfile";
        let bytes = self.query(METHOD, &[("actor", actor)], Auth::Optional).await?;
        Self::parse(METHOD, &bytes)
    }

    /// Profiles, in batches of 25.
    pub async fn get_profiles(&self, actors: &[String]) -> Result<Vec<ProfileViewDetailed>, Error> {
        const METHOD: &str = "app.bsky.actor.getProfiles";
        let mut out = Vec::with_capacity(actors.len());
        for batch in actors.chunks(MAX_BATCH) {
            let params: Vec<(&str, &str)> = batch.iter().map(|a| ("actors", a.as_str())).collect();
            let bytes = self.query(METHOD, &params, Auth::Optional).await?;
            out.extend(Self::parse::<Profiles>(METHOD, &bytes)?.profiles);
        }
        Ok(out)
    }

    /// Accounts `actor` follows, one page.
    pub async fn get_follows(
        &self,
        actor: &str,
        limit: u8,
        cursor: Option<&str>,
    ) -> Result<(Vec<ProfileViewBasic>, Option<String>), Error> {
        const METHOD: &str = "app.bsky.graph.getFollows";
        let limit = limit_param(limit);
        let mut params = vec![("actor", actor), ("limit", limit.as_str())];
        if let Some(c) = cursor {
            params.push(("cursor", c));
        }
        let bytes = self.query(METHOD, &params, Auth::Optional).await?;
        let page: Follows = Self::parse(METHOD, &bytes)?;
        Ok((page.follows, page.cursor))
    }

    /// A custom feed's description (`app.bsky.feed.getFeedGenerator`).
    pub async fn get_feed_generator(&self, uri: &str) -> Result<GeneratorView, Error> {
        const METHOD: &str = "app.bsky.feed.getFeedGenerator";
        let bytes = self.query(METHOD, &[("feed", uri)], Auth::Optional).await?;
        Ok(Self::parse::<Generator>(METHOD, &bytes)?.view)
    }

    /// Several custom feeds' descriptions, in batches of 25.
    pub async fn get_feed_generators(&self, uris: &[String]) -> Result<Vec<GeneratorView>, Error> {
        const METHOD: &str = "app.bsky.feed.getFeedGenerators";
        let mut out = Vec::new();
        for batch in uris.chunks(MAX_BATCH) {
            let params: Vec<(&str, &str)> = batch.iter().map(|u| ("feeds", u.as_str())).collect();
            let bytes = self.query(METHOD, &params, Auth::Optional).await?;
            out.extend(Self::parse::<Generators>(METHOD, &bytes)?.feeds);
        }
        Ok(out)
    }

    /// The account's preferences (saved feeds, muted words, …), kept as sent.
    pub async fn get_preferences(&self) -> Result<Vec<Value>, Error> {
        const METHOD: &str = "app.bsky.actor.getPreferences";
        let bytes = self.query(METHOD, &[], Auth::Access).await?;
        Ok(Self::parse::<Preferences>(METHOD, &bytes)?.preferences)
    }

    /// Bookmarks a post on Bluesky (private to the account). Repeating it is harmless.
    pub async fn create_bookmark(&self, uri: &str, cid: &str) -> Result<(), Error> {
        let body = json!({ "uri": uri, "cid": cid });
        self.procedure("app.bsky.bookmark.createBookmark", Some(&body), Auth::Access, Idempotent::Yes)
            .await?;
        Ok(())
    }

    /// Removes a Bluesky bookmark. Repeating it is harmless.
    pub async fn delete_bookmark(&self, uri: &str) -> Result<(), Error> {
        let body = json!({ "uri": uri });
        self.procedure("app.bsky.bookmark.deleteBookmark", Some(&body), Auth::Access, Idempotent::Yes)
            .await?;
        Ok(())
    }

    /// One page of the account's Bluesky bookmarks.
    pub async fn get_bookmarks(&self, limit: u8, cursor: Option<&str>) -> Result<BookmarkPage, Error> {
        const METHOD: &str = "app.bsky.bookmark.getBookmarks";
        let limit = limit_param(limit);
        let mut params = vec![("limit", limit.as_str())];
        if let Some(c) = cursor {
            params.push(("cursor", c));
        }
        let bytes = self.query(METHOD, &params, Auth::Access).await?;
        Self::parse(METHOD, &bytes)
    }

    /// The original bytes of a blob (image, video) from the PDS this client points at, which
    /// must be the author's (`com.atproto.sync.getBlob`; no session needed).
    pub async fn get_blob(&self, did: &str, cid: &str) -> Result<Vec<u8>, Error> {
        self.query("com.atproto.sync.getBlob", &[("did", did), ("cid", cid)], Auth::None).await
    }

    /// A handle's DID (`com.atproto.identity.resolveHandle`).
    pub async fn resolve_handle(&self, handle: &str) -> Result<String, Error> {
        const METHOD: &str = "com.atproto.identity.resolveHandle";
        let handle = handle.trim().trim_start_matches('@');
        let bytes = self.query(METHOD, &[("handle", handle)], Auth::None).await?;
        Ok(Self::parse::<ResolvedHandle>(METHOD, &bytes)?.did)
    }
}
