//! The core's `Transport` over ureq (blocking, rustls), for the terminal and native tests.

use std::time::{Duration, SystemTime, UNIX_EPOCH};

use skypanel_core::xrpc::{HttpRequest, HttpResponse, Method, Transport, TransportError};

/// Blocking HTTP with rustls. Each request carries its own timeout.
pub struct UreqTransport {
    agent: ureq::Agent,
}

impl Default for UreqTransport {
    fn default() -> Self {
        Self::new()
    }
}

impl UreqTransport {
    /// A transport with SkyPanel's user agent.
    pub fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .user_agent(concat!("skypanel/", env!("CARGO_PKG_VERSION")))
            .build();
        UreqTransport { agent: config.into() }
    }
}

fn classify(err: ureq::Error) -> TransportError {
    match err {
        ureq::Error::Timeout(_) => TransportError::Timeout,
        ureq::Error::Io(e)
            if matches!(e.kind(), std::io::ErrorKind::TimedOut | std::io::ErrorKind::WouldBlock) =>
        {
            TransportError::Timeout
        }
        other => TransportError::Network(other.to_string()),
    }
}

impl Transport for UreqTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let timeout = Some(Duration::from_millis(u64::from(request.timeout_ms)));
        let result = match request.method {
            Method::Get => {
                let mut r = self.agent.get(&request.url);
                for (k, v) in &request.headers {
                    r = r.header(k, v);
                }
                r.config().timeout_global(timeout).build().call()
            }
            Method::Post => {
                let mut r = self.agent.post(&request.url);
                for (k, v) in &request.headers {
                    r = r.header(k, v);
                }
                r.config().timeout_global(timeout).build().send(request.body.as_deref().unwrap_or(&[]))
            }
        };
        let mut response = result.map_err(classify)?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        // Blobs (original videos) can be large: allow up to 1 GiB.
        let body = response.body_mut().with_config().limit(1 << 30).read_to_vec().map_err(classify)?;
        Ok(HttpResponse { status, headers, body })
    }

    async fn sleep(&self, ms: u64) {
        std::thread::sleep(Duration::from_millis(ms));
    }

    fn now_ms(&self) -> u64 {
        SystemTime::now().duration_since(UNIX_EPOCH).map(|d| d.as_millis() as u64).unwrap_or(0)
    }
}
