//! did:web accounts: the DID document is fetched over real HTTP from the DID's own host
//! (`/.well-known/did.json`), and the handle is checked against it both ways.

use std::io::{BufRead, BufReader, Write};
use std::net::TcpListener;
use std::thread;

use skypanel_cli::http::UreqTransport;
use skypanel_core::identity::{find_pds, resolve_did, ServiceConfig};
use skypanel_core::ErrorKind;

/// Serves a DID document at `/.well-known/did.json` (404 when `doc` gives none, and for any
/// other path) for `requests` requests. Returns the port.
fn serve_did_doc(doc: impl Fn(u16) -> Option<String> + Send + 'static, requests: usize) -> u16 {
    let listener = TcpListener::bind("127.0.0.1:0").unwrap();
    let port = listener.local_addr().unwrap().port();
    thread::spawn(move || {
        for stream in listener.incoming().take(requests) {
            let mut stream = stream.unwrap();
            let mut first = String::new();
            let mut reader = BufReader::new(stream.try_clone().unwrap());
            reader.read_line(&mut first).unwrap();
            let mut line = String::new();
            while reader.read_line(&mut line).unwrap() > 2 {
                line.clear();
            }
            let found = first.starts_with("GET /.well-known/did.json ").then(|| doc(port)).flatten();
            let (status, body) = match found {
                Some(body) => ("200 OK", body),
                None => ("404 Not Found", String::new()),
            };
            let head = format!(
                "HTTP/1.1 {status}\r\ncontent-type: application/json\r\ncontent-length: {}\r\nconnection: close\r\n\r\n",
                body.len()
            );
            stream.write_all(head.as_bytes()).unwrap();
            stream.write_all(body.as_bytes()).unwrap();
        }
    });
    port
}

fn doc(port: u16, handle: &str) -> String {
    serde_json::json!({
        "@context": ["https://www.w3.org/ns/did/v1"],
        "id": format!("did:web:localhost%3A{port}"),
        "alsoKnownAs": [format!("at://{handle}")],
        "service": [{"id": "#atproto_pds", "type": "AtprotoPersonalDataServer", "serviceEndpoint": "http://127.0.0.1:2583"}]
    })
    .to_string()
}

#[test]
fn a_did_web_account_finds_its_pds_through_its_own_host() {
    let port = serve_did_doc(|port| Some(doc(port, "web.test")), 2);
    let did = format!("did:web:localhost%3A{port}");
    let config = ServiceConfig::default();
    let document = pollster::block_on(resolve_did(&UreqTransport::new(), &config, &did)).unwrap();
    assert_eq!(document.id, did);
    assert!(document.claims_handle("web.test"));
    let pds = pollster::block_on(find_pds(&UreqTransport::new(), &config, &did)).unwrap();
    assert_eq!(pds, "http://127.0.0.1:2583");
}

#[test]
fn a_did_web_document_for_another_did_is_refused() {
    let port = serve_did_doc(|_| Some(doc(1, "web.test")), 1);
    let did = format!("did:web:localhost%3A{port}");
    let err =
        pollster::block_on(resolve_did(&UreqTransport::new(), &ServiceConfig::default(), &did)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::MalformedResponse);
    assert!(err.to_string().contains("did:web:localhost%3A1"), "{err}");
}

#[test]
fn a_did_web_host_without_a_document_is_an_unknown_account() {
    let port = serve_did_doc(|_| None, 1);
    let did = format!("did:web:localhost%3A{port}");
    let err =
        pollster::block_on(resolve_did(&UreqTransport::new(), &ServiceConfig::default(), &did)).unwrap_err();
    assert_eq!(err.kind(), ErrorKind::UnknownAccount);
    assert!(err.to_string().contains("DID document was not found"), "{err}");
}

#[test]
fn did_web_with_a_path_is_refused_before_any_request() {
    let err = pollster::block_on(resolve_did(
        &UreqTransport::new(),
        &ServiceConfig::default(),
        "did:web:localhost:users:alice",
    ))
    .unwrap_err();
    assert_eq!(err.kind(), ErrorKind::InvalidInput);
}
