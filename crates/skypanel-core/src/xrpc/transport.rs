//! What a platform must supply: one HTTP exchange, a clock, and a timer.

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
    /// Give up on the exchange after this many milliseconds.
    pub timeout_ms: u32,
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

/// Why an exchange produced no HTTP answer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TransportError {
    /// No answer within the request's timeout.
    Timeout,
    /// Connection refused or dropped, DNS failure, TLS failure, offline, …
    Network(String),
}

/// Performs HTTP exchanges for the client. Implementations must not retry or interpret
/// statuses: that is the client's job. The futures need not be `Send`, so the browser's
/// `fetch` can implement this.
#[allow(async_fn_in_trait)]
pub trait Transport {
    /// Sends `request` and returns the server's answer, whatever its status.
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError>;

    /// Waits `ms` milliseconds (between retries).
    async fn sleep(&self, ms: u64);

    /// Milliseconds since the Unix epoch (rate-limit resets are epoch seconds).
    fn now_ms(&self) -> u64;
}

impl<T: Transport + ?Sized> Transport for &T {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        (**self).send(request).await
    }
    async fn sleep(&self, ms: u64) {
        (**self).sleep(ms).await
    }
    fn now_ms(&self) -> u64 {
        (**self).now_ms()
    }
}
