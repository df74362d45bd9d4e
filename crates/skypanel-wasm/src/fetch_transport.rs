//! The core's `Transport` over the global `fetch`, via gloo-net.

use gloo_net::http::{Request, RequestBuilder};
use skypanel_core::xrpc::{HttpRequest, HttpResponse, Method, Transport};

/// Sends requests with the platform's `fetch`; works in pages and service workers alike.
pub struct FetchTransport;

impl Transport for FetchTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, String> {
        let mut builder: RequestBuilder = match request.method {
            Method::Get => Request::get(&request.url),
            Method::Post => Request::post(&request.url),
        };
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let sent = match request.body {
            Some(body) => {
                let bytes = js_sys::Uint8Array::from(body.as_slice());
                builder.body(bytes).map_err(|e| e.to_string())?.send().await
            }
            None => builder.send().await,
        };
        let response = sent.map_err(|e| e.to_string())?;
        let headers = response.headers().entries().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect();
        let status = response.status();
        let body = response.binary().await.map_err(|e| e.to_string())?;
        Ok(HttpResponse { status, headers, body })
    }
}
