//! The core's `Transport` over ureq, for the terminal.

use std::time::Duration;

use skypanel_core::xrpc::{HttpRequest, HttpResponse, Method, Transport};

/// Blocking HTTP with rustls; a request that takes longer than 30 s fails.
pub struct UreqTransport {
    agent: ureq::Agent,
}

impl UreqTransport {
    pub fn new() -> Self {
        let config = ureq::Agent::config_builder()
            .http_status_as_error(false)
            .timeout_global(Some(Duration::from_secs(30)))
            .user_agent(concat!("skypanel/", env!("CARGO_PKG_VERSION")))
            .build();
        UreqTransport { agent: config.into() }
    }
}

impl Transport for UreqTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, String> {
        let result = match request.method {
            Method::Get => {
                let mut r = self.agent.get(&request.url);
                for (k, v) in &request.headers {
                    r = r.header(k, v);
                }
                r.call()
            }
            Method::Post => {
                let mut r = self.agent.post(&request.url);
                for (k, v) in &request.headers {
                    r = r.header(k, v);
                }
                r.send(request.body.as_deref().unwrap_or(&[]))
            }
        };
        let mut response = result.map_err(|e| e.to_string())?;
        let status = response.status().as_u16();
        let headers = response
            .headers()
            .iter()
            .map(|(k, v)| (k.as_str().to_owned(), v.to_str().unwrap_or("").to_owned()))
            .collect();
        let body = response.body_mut().read_to_vec().map_err(|e| e.to_string())?;
        Ok(HttpResponse { status, headers, body })
    }
}
