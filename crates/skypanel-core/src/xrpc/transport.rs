//! The HTTP exchange a platform must supply.

/// HTTP method of an XRPC call: queries are GET, procedures POST.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    /// An XRPC query.
    Get,
    /// An XRPC procedure.
    Post,
}

impl Method {
    /// The method's name on the wire.
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
        }
    }
}

/// One HTTP request, fully built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpRequest {
    /// GET or POST.
    pub method: Method,
    /// Absolute URL including the query string.
    pub url: String,
    /// Request headers (name, value).
    pub headers: Vec<(String, String)>,
    /// Request body, for POST.
    pub body: Option<Vec<u8>>,
}

/// One HTTP response, fully read.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct HttpResponse {
    /// Status code.
    pub status: u16,
    /// Response headers with lower-case names.
    pub headers: Vec<(String, String)>,
    /// The body.
    pub body: Vec<u8>,
}

impl HttpResponse {
    /// The first header with this (lower-case) name.
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers.iter().find(|(k, _)| k == name).map(|(_, v)| v.as_str())
    }
}

/// Performs one HTTP exchange. Implementations must not retry or follow XRPC semantics:
/// that is the client's job. An `Err` means no HTTP answer arrived at all; its text says why.
///
/// The futures are not required to be `Send`, so the browser's `fetch` can implement this.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends `request` and returns the server's answer, whatever its status.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, String>;
}
