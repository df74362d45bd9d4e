//! `skypanel feeds run FILE`: runs a `skypanel.feed` definition — the very file the
//! extension's Feeds page exports — with the same engine, and prints one page of it.
//!
//! Signed in (`--handle` with `SKYPANEL_APP_PASSWORD`) the feed reads through the account's
//! PDS, as the extension does; without `--handle` it reads the public AppView, where sources
//! that need an account come back as problems at their place. Mutuals, quiet posters and
//! preferences are cached in files under the XDG cache directory, so a second run is quick.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use skypanel_core::feeds::fetch::{self, FeedPage, Host};
use skypanel_core::feeds::limit::{PerHost, MAX_PER_HOST};
use skypanel_core::feeds::{answer, definition};
use skypanel_core::identity::{self, ServiceConfig};
use skypanel_core::xrpc::{Client, Transport};
use skypanel_core::Error;

/// Options of `skypanel feeds run`.
pub struct RunArgs {
    /// The definition file, or `-` for standard input.
    pub file: String,
    /// Sign in as this account; signed out (public AppView) when absent.
    pub handle: Option<String>,
    /// The PDS to sign in at; found from the handle when absent.
    pub service: Option<String>,
    /// Where handles and DIDs are resolved, and the AppView for signed-out reads.
    pub config: ServiceConfig,
    /// Posts per page.
    pub limit: usize,
    /// Continue from the cursor a previous `--json` run printed.
    pub cursor: Option<String>,
    /// Print the page as JSON (the extension's `feeds.run` answer) instead of text.
    pub json: bool,
}

/// The host of a terminal run: no library yet, a file cache, progress on standard error.
struct TerminalHost {
    cache_dir: Option<PathBuf>,
}

impl TerminalHost {
    fn new() -> Self {
        let base = std::env::var_os("XDG_CACHE_HOME")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from)
            .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".cache")));
        TerminalHost { cache_dir: base.map(|b| b.join("skypanel").join("feeds")) }
    }

    /// A file name for any cache key (keys hold DIDs and URLs): FNV-1a of the key, in hex.
    fn path(&self, key: &str) -> Option<PathBuf> {
        let hash = key
            .bytes()
            .fold(0xcbf2_9ce4_8422_2325_u64, |h, b| (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3));
        self.cache_dir.as_ref().map(|d| d.join(format!("{hash:016x}.json")))
    }
}

impl Host for TerminalHost {
    async fn saved_page(
        &self,
        _cursor: Option<String>,
        _limit: usize,
    ) -> Result<(Vec<String>, Option<String>), Error> {
        Err(Error::InvalidInput(
            "the terminal reader has no library of saved posts yet; run this feed in the extension, \
             or remove the saved source"
                .into(),
        ))
    }

    async fn cache_get(&self, key: &str) -> Option<String> {
        std::fs::read_to_string(self.path(key)?).ok()
    }

    async fn cache_put(&self, key: &str, value: &str) {
        // Best effort: a cache that cannot be written only costs time on the next run.
        if let Some(path) = self.path(key) {
            if let Some(dir) = path.parent() {
                let _ = std::fs::create_dir_all(dir);
            }
            let tmp = path.with_extension("tmp");
            if std::fs::write(&tmp, value).is_ok() {
                let _ = std::fs::rename(&tmp, &path);
            }
        }
    }

    fn progress(&self, label: &str, done: usize, total: usize) {
        use std::io::IsTerminal;
        if io::stderr().is_terminal() {
            let end = if done >= total { "\n" } else { "" };
            eprint!("\r{} {done}/{total}{end}", crate::clean(label));
        }
    }
}

fn read_file(file: &str) -> Result<String, String> {
    if file == "-" {
        let mut text = String::new();
        io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| format!("could not read the definition from standard input: {e}"))?;
        return Ok(text);
    }
    std::fs::read_to_string(file).map_err(|e| format!("could not read {file}: {e}"))
}

/// Runs `skypanel feeds run`.
pub fn run(args: RunArgs, transport: impl Transport) -> Result<(), String> {
    let text = read_file(&args.file)?;
    let (def, problems) = definition::parse(&text).map_err(|p| {
        if p.path.is_empty() {
            format!("{}: {}", args.file, p.message)
        } else {
            format!("{}: {} (at {})", args.file, p.message, p.path)
        }
    })?;
    let transport = PerHost::new(transport, MAX_PER_HOST);
    let client = match &args.handle {
        Some(handle) => {
            let password = crate::app_password()?;
            let signed_in = pollster::block_on(identity::sign_in(
                &transport,
                &args.config,
                handle,
                &password,
                args.service.as_deref(),
            ))
            .map_err(|e| e.to_string())?;
            Client::new(transport, &signed_in.service)
                .map_err(|e| e.to_string())?
                .with_session(signed_in.session)
        }
        None => Client::new(transport, &args.config.appview_url).map_err(|e| e.to_string())?,
    };
    let host = TerminalHost::new();
    let now = std::time::SystemTime::now()
        .duration_since(std::time::UNIX_EPOCH)
        .map(|d| d.as_millis() as i64)
        .unwrap_or(0);
    let page = pollster::block_on(fetch::run(
        &client,
        &host,
        &def,
        problems,
        args.cursor.as_deref(),
        args.limit,
        now,
    ))
    .map_err(|e| e.to_string())?;
    let mut out = io::stdout().lock();
    let written = if args.json { print_json(&mut out, &page) } else { print_text(&mut out, &def, &page) };
    match written {
        Err(e) if e.kind() != io::ErrorKind::BrokenPipe => Err(e.to_string()),
        _ => Ok(()),
    }
}

fn print_json(out: &mut impl Write, page: &FeedPage) -> io::Result<()> {
    let text = answer::to_json(page, None).map_err(io::Error::other)?;
    writeln!(out, "{text}")
}

fn print_text(out: &mut impl Write, def: &definition::Definition, page: &FeedPage) -> io::Result<()> {
    let clean = crate::clean;
    writeln!(out, "{}", clean(&def.name))?;
    let chain: Vec<String> =
        page.steps.iter().map(|s| format!("{} {}→{}", clean(&s.label), s.input, s.output)).collect();
    writeln!(out, "  {}", chain.join("  "))?;
    for p in &page.errors {
        let at = if p.path.is_empty() { String::new() } else { format!(" at {}", p.path) };
        writeln!(out, "  ! {}{at}: {}", p.name, clean(&p.message))?;
    }
    writeln!(out)?;
    for c in &page.posts {
        let post = &c.view.post;
        let name = post.author.display_name.as_deref().unwrap_or("");
        write!(out, "@{} {} · {}", clean(&post.author.handle), clean(name), clean(&post.indexed_at))?;
        if !c.reposted_by.is_empty() {
            let by: Vec<String> = c.reposted_by.iter().map(|h| format!("@{}", clean(h))).collect();
            write!(out, "  (reposted by {})", by.join(", "))?;
        }
        let via: Vec<String> = c
            .sources
            .iter()
            .filter_map(|&i| def.sources.get(usize::from(i)))
            .map(|s| clean(&s.label()))
            .collect();
        writeln!(out, "  [{}]", via.join(", "))?;
        for line in post.text().lines() {
            writeln!(out, "    {}", clean(line))?;
        }
        writeln!(out)?;
    }
    match &page.cursor {
        Some(cursor) => writeln!(out, "more: --cursor {cursor}"),
        None => writeln!(out, "(end of the feed)"),
    }
}
