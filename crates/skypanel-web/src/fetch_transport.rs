//! The core's `Transport` over the global `fetch` (gloo-net), `setTimeout` and `Date.now`.

use gloo_net::http::{Request, RequestBuilder};
use skypanel_core::xrpc::{HttpRequest, HttpResponse, Method, Transport, TransportError};

/// Sends requests with the platform's `fetch`; works in pages and service workers alike.
pub struct FetchTransport;

fn classify(err: gloo_net::Error) -> TransportError {
    let text = err.to_string();
    // AbortSignal.timeout() rejects with a DOMException named TimeoutError.
    if text.contains("TimeoutError") || text.contains("timed out") {
        TransportError::Timeout
    } else {
        TransportError::Network(text)
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: HttpRequest) -> Result<HttpResponse, TransportError> {
        let mut builder: RequestBuilder = match request.method {
            Method::Get => Request::get(&request.url),
            Method::Post => Request::post(&request.url),
        };
        for (name, value) in &request.headers {
            builder = builder.header(name, value);
        }
        let signal = web_sys::AbortSignal::timeout_with_u32(request.timeout_ms);
        builder = builder.abort_signal(Some(&signal));
        let sent = match request.body {
            Some(body) => {
                let bytes = js_sys::Uint8Array::from(body.as_slice());
                builder.body(bytes).map_err(classify)?.send().await
            }
            None => builder.send().await,
        };
        let response = sent.map_err(classify)?;
        let headers = response.headers().entries().map(|(k, v)| (k.to_ascii_lowercase(), v)).collect();
        let status = response.status();
        let body = response.binary().await.map_err(classify)?;
        Ok(HttpResponse { status, headers, body })
    }

    async fn sleep(&self, ms: u64) {
        gloo_timers::future::TimeoutFuture::new(ms.min(u64::from(u32::MAX)) as u32).await;
    }

    fn now_ms(&self) -> u64 {
        js_sys::Date::now() as u64
    }
}
