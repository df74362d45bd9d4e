//! Finding an account's server, and signing in to it.
//!
//! A handle resolves to a DID (through `com.atproto.identity.resolveHandle` on a
//! configurable service: a browser cannot query DNS), the DID to its document (the PLC
//! directory for `did:plc`, the host's `/.well-known/did.json` for `did:web`), and the
//! document names the account's PDS. Email addresses cannot be resolved: they sign in
//! through the entryway (bsky.social), whose answer carries the DID document.

use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};

use crate::uri::{is_valid_did, is_valid_handle};
use crate::xrpc::{normalize_service, Client, HttpRequest, Method, Session, Transport, TransportError};
use crate::{Error, ErrorKind};

/// The services SkyPanel talks to besides the account's own PDS.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ServiceConfig {
    /// The PLC directory, for `did:plc` documents.
    pub plc_url: String,
    /// The AppView for public (signed-out) reads and for resolving handles.
    pub appview_url: String,
    /// Where email sign-ins go.
    pub entryway_url: String,
}

impl Default for ServiceConfig {
    fn default() -> Self {
        ServiceConfig {
            plc_url: "https://plc.directory".into(),
            appview_url: "https://public.api.bsky.app".into(),
            entryway_url: "https://bsky.social".into(),
        }
    }
}

/// One service entry of a DID document.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DidService {
    /// `#atproto_pds` (or the DID plus that fragment).
    pub id: String,
    /// `AtprotoPersonalDataServer` for a PDS.
    #[serde(rename = "type")]
    pub kind: String,
    /// The service's URL.
    pub service_endpoint: Value,
}

/// A DID document, as far as SkyPanel reads it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct DidDocument {
    /// The DID.
    pub id: String,
    /// `at://<handle>` entries.
    #[serde(default)]
    pub also_known_as: Vec<String>,
    /// Services, among them the PDS.
    #[serde(default)]
    pub service: Vec<DidService>,
    /// Everything else (verification methods, …), kept as sent.
    #[serde(flatten)]
    pub extra: Map<String, Value>,
}

impl DidDocument {
    /// The account's PDS URL.
    pub fn pds(&self) -> Option<&str> {
        self.service
            .iter()
            .find(|s| s.id.ends_with("#atproto_pds") && s.kind == "AtprotoPersonalDataServer")
            .and_then(|s| s.service_endpoint.as_str())
    }

    /// Whether the document claims `handle` (the DID → handle half of the two-way check;
    /// handles compare case-insensitively).
    pub fn claims_handle(&self, handle: &str) -> bool {
        self.also_known_as
            .iter()
            .filter_map(|a| a.strip_prefix("at://"))
            .any(|h| h.eq_ignore_ascii_case(handle.trim_start_matches('@')))
    }

    /// The handle the document claims.
    pub fn handle(&self) -> Option<&str> {
        self.also_known_as.iter().find_map(|a| a.strip_prefix("at://"))
    }
}

/// An account SkyPanel has signed in to.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "camelCase")]
pub struct SignedIn {
    /// The account's PDS, where its calls go.
    pub service: String,
    /// Its tokens.
    pub session: Session,
}

/// GETs a JSON document that is not an XRPC call (DID documents).
async fn get_json<T: Transport, R: serde::de::DeserializeOwned>(
    transport: &T,
    url: &str,
) -> Result<R, Error> {
    let request = HttpRequest {
        method: Method::Get,
        url: url.to_owned(),
        headers: Vec::new(),
        body: None,
        timeout_ms: 15_000,
    };
    let response = transport.send(request).await.map_err(|e| match e {
        TransportError::Timeout => Error::Timeout { url: url.to_owned(), after_ms: 15_000 },
        TransportError::Network(detail) => Error::Network { url: url.to_owned(), detail },
    })?;
    if response.status == 404 {
        return Err(Error::UnknownAccount { identifier: url.to_owned(), detail: "no DID document".into() });
    }
    if !(200..300).contains(&response.status) {
        return Err(Error::Xrpc {
            method: url.to_owned(),
            status: response.status,
            error: None,
            message: None,
        });
    }
    crate::model::from_json_bytes(&response.body)
        .map_err(|e| Error::Malformed { method: url.to_owned(), detail: e.to_string() })
}

/// The DID document of `did`.
pub async fn resolve_did<T: Transport>(
    transport: &T,
    config: &ServiceConfig,
    did: &str,
) -> Result<DidDocument, Error> {
    if !is_valid_did(did) {
        return Err(Error::InvalidInput(format!("'{did}' is not a DID")));
    }
    let url = if let Some(id) = did.strip_prefix("did:plc:") {
        format!("{}/did:plc:{id}", config.plc_url.trim_end_matches('/'))
    } else if let Some(host) = did.strip_prefix("did:web:") {
        if host.contains(':') {
            return Err(Error::InvalidInput(format!("'{did}': did:web with a path is not supported")));
        }
        let host = host.replace("%3A", ":").replace("%3a", ":");
        let scheme =
            if host.starts_with("localhost") || host.starts_with("127.0.0.1") { "http" } else { "https" };
        format!("{scheme}://{host}/.well-known/did.json")
    } else {
        return Err(Error::InvalidInput(format!("'{did}': only did:plc and did:web accounts are supported")));
    };
    let doc: DidDocument = get_json(transport, &url).await.map_err(|e| match e {
        Error::UnknownAccount { .. } => Error::UnknownAccount {
            identifier: did.to_owned(),
            detail: "its DID document was not found".into(),
        },
        other => other,
    })?;
    if doc.id != did {
        return Err(Error::Malformed {
            method: url,
            detail: format!("the document is for {} instead", doc.id),
        });
    }
    Ok(doc)
}

/// A handle's DID, through `resolveHandle` on the configured AppView.
pub async fn resolve_handle<T: Transport>(
    transport: &T,
    config: &ServiceConfig,
    handle: &str,
) -> Result<String, Error> {
    let handle = handle.trim().trim_start_matches('@').to_ascii_lowercase();
    if !is_valid_handle(&handle) {
        return Err(Error::InvalidInput(format!(
            "'{handle}' is not a handle; handles look like alice.bsky.social"
        )));
    }
    let client = Client::new(transport, &config.appview_url)?;
    client.resolve_handle(&handle).await.map_err(|e| match e.kind() {
        ErrorKind::NotFound | ErrorKind::Other => {
            Error::UnknownAccount { identifier: handle.clone(), detail: "the handle does not resolve".into() }
        }
        _ => e,
    })
}

/// Finds the PDS for a handle, DID or email.
pub async fn find_pds<T: Transport>(
    transport: &T,
    config: &ServiceConfig,
    identifier: &str,
) -> Result<String, Error> {
    let identifier = identifier.trim().trim_start_matches('@');
    if identifier.contains('@') {
        return normalize_service(&config.entryway_url);
    }
    let did = if identifier.starts_with("did:") {
        identifier.to_owned()
    } else {
        resolve_handle(transport, config, identifier).await?
    };
    let doc = resolve_did(transport, config, &did).await?;
    // A handle is only an account's if its DID document says so too: anyone can point a
    // domain at someone else's DID.
    if !identifier.starts_with("did:") && !doc.claims_handle(identifier) {
        return Err(Error::UnknownAccount {
            identifier: identifier.to_owned(),
            detail: match doc.handle() {
                Some(current) => {
                    format!("it points to {did}, whose DID document names the handle {current}, not this one")
                }
                None => format!("it points to {did}, whose DID document names no handle"),
            },
        });
    }
    let pds = doc.pds().ok_or_else(|| Error::UnknownAccount {
        identifier: identifier.to_owned(),
        detail: "its DID document names no PDS".into(),
    })?;
    normalize_service(pds)
}

/// Signs in with a handle, DID or email and an app password. `service` skips the lookup
/// and signs in at that PDS directly.
pub async fn sign_in<T: Transport>(
    transport: &T,
    config: &ServiceConfig,
    identifier: &str,
    password: &str,
    service: Option<&str>,
) -> Result<SignedIn, Error> {
    if identifier.trim().is_empty() || password.is_empty() {
        return Err(Error::InvalidInput(
            "a handle (or email) and an app password are both needed to sign in".into(),
        ));
    }
    let service = match service.map(str::trim).filter(|s| !s.is_empty()) {
        Some(s) => normalize_service(s)?,
        None => find_pds(transport, config, identifier).await?,
    };
    let client = Client::new(transport, &service)?;
    let session = client.create_session(identifier, password).await?;
    Ok(SignedIn { service, session })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pds_from_a_did_document() {
        let doc: DidDocument = serde_json::from_value(serde_json::json!({
            "id": "did:plc:abc",
            "alsoKnownAs": ["at://alice.test"],
            "service": [
                {"id": "#atproto_labeler", "type": "AtprotoLabeler", "serviceEndpoint": "https://labels"},
                {"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": "http://localhost:2583"}
            ]
        }))
        .unwrap();
        assert_eq!(doc.pds(), Some("http://localhost:2583"));
        assert_eq!(doc.handle(), Some("alice.test"));
        assert!(doc.claims_handle("Alice.Test"));
        assert!(doc.claims_handle("@alice.test"));
        assert!(!doc.claims_handle("mallory.test"));
    }

    fn doc_json(handle: &str) -> String {
        serde_json::json!({
            "id": "did:plc:abc",
            "alsoKnownAs": [format!("at://{handle}")],
            "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": "http://localhost:2583"}]
        })
        .to_string()
    }

    fn config() -> ServiceConfig {
        serde_json::from_str(
            r#"{"plcUrl":"http://plc","appviewUrl":"http://appview","entrywayUrl":"http://entryway"}"#,
        )
        .unwrap()
    }

    #[test]
    fn a_handle_is_checked_both_ways() {
        use crate::xrpc::tests::{ok, Script};
        let did = r#"{"did":"did:plc:abc"}"#;
        // The domain points at the DID and the DID document names the domain: the account's PDS.
        let s = Script::new(vec![ok(did), ok(&doc_json("alice.test"))]);
        let pds = pollster::block_on(find_pds(&s, &config(), "alice.test")).unwrap();
        assert_eq!(pds, "http://localhost:2583");
        assert!(s.seen.borrow()[1].url.ends_with("/did:plc:abc"));
        // The domain points at someone else's DID: refused, and the message says why.
        let s = Script::new(vec![ok(did), ok(&doc_json("alice.test"))]);
        let err = pollster::block_on(find_pds(&s, &config(), "mallory.test")).unwrap_err();
        assert_eq!(err.kind(), ErrorKind::UnknownAccount);
        let message = err.to_string();
        assert!(
            message.contains("mallory.test") && message.contains("names the handle alice.test"),
            "{message}"
        );
        // A DID needs no handle check.
        let s = Script::new(vec![ok(&doc_json("whoever.test"))]);
        assert!(pollster::block_on(find_pds(&s, &config(), "did:plc:abc")).is_ok());
    }
}
