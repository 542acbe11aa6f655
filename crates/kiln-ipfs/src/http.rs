//! What every HTTP client of this crate shares: one TLS set-up, timeouts, and retries with
//! backoff for the failures that a second try can fix (no connection, a timeout, a 502/503/504
//! from a proxy or a busy node); never for an answer the server meant.

use std::future::Future;
use std::time::Duration;

/// How long and how often to try a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Tries in all, the first included.
    pub attempts: u32,
    /// Wait before the second try; doubled before each one after.
    pub first_backoff: Duration,
    /// Limit of one whole request, body included.
    pub request_timeout: Duration,
    pub connect_timeout: Duration,
}

impl Default for RetryPolicy {
    fn default() -> Self {
        RetryPolicy {
            attempts: 4,
            first_backoff: Duration::from_millis(250),
            request_timeout: Duration::from_secs(120),
            connect_timeout: Duration::from_secs(10),
        }
    }
}

/// An HTTP client set up the same way for the node, pinning service and gateway clients.
pub(crate) fn client(policy: &RetryPolicy) -> Result<reqwest::Client, reqwest::Error> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        // reqwest is built without a bundled crypto provider (ring is much lighter to build than
        // aws-lc); install ring once per process. A provider installed earlier stays.
        let _ = rustls::crypto::ring::default_provider().install_default();
    }
    let builder =
        reqwest::Client::builder().user_agent(concat!("kiln/", env!("CARGO_PKG_VERSION")));
    #[cfg(not(target_arch = "wasm32"))]
    let builder = builder
        .timeout(policy.request_timeout)
        .connect_timeout(policy.connect_timeout);
    #[cfg(target_arch = "wasm32")]
    let _ = policy;
    builder.build()
}

/// The base URL of a service mounted at `mount` ("/api/v0", "/ipfs", or "" for the root) under
/// the address a user gave, with or without the mount already on it; ends in `/` so relative
/// paths join under it. `None` unless it is an http(s) URL with a host.
pub(crate) fn service_url(text: &str, mount: &str) -> Option<reqwest::Url> {
    let mut url: reqwest::Url = text.parse().ok()?;
    if !matches!(url.scheme(), "http" | "https") || url.host().is_none() {
        return None;
    }
    let path = url.path().trim_end_matches('/').to_string();
    let path = path.strip_suffix(mount).unwrap_or(&path).to_string();
    url.set_path(&format!("{path}{mount}/"));
    url.set_query(None);
    Some(url)
}

/// Whether an attempt's outcome is worth another try.
pub(crate) enum Attempt<T, E> {
    Done(Result<T, E>),
    Retry(E),
}

/// Runs `attempt` until it is done or the policy's tries are spent; returns the last error.
pub(crate) async fn with_retries<T, E, F, Fut>(policy: &RetryPolicy, mut attempt: F) -> Result<T, E>
where
    F: FnMut() -> Fut,
    Fut: Future<Output = Attempt<T, E>>,
{
    let mut backoff = policy.first_backoff;
    let mut tries = 1;
    loop {
        match attempt().await {
            Attempt::Done(result) => return result,
            Attempt::Retry(error) if tries >= policy.attempts.max(1) => return Err(error),
            Attempt::Retry(_) => {
                sleep(backoff).await;
                backoff = backoff.saturating_mul(2);
                tries += 1;
            }
        }
    }
}

/// An error and its causes in one line ("error sending request: … : Connection refused"), for
/// messages that keep only text.
pub(crate) fn describe(error: &dyn std::error::Error) -> String {
    let mut text = error.to_string();
    let mut source = error.source();
    while let Some(cause) = source {
        let cause_text = cause.to_string();
        if !text.contains(&cause_text) {
            text.push_str(": ");
            text.push_str(&cause_text);
        }
        source = cause.source();
    }
    text
}

/// Whether a transport error may go away on a second try.
pub(crate) fn is_transient(error: &reqwest::Error) -> bool {
    #[cfg(not(target_arch = "wasm32"))]
    if error.is_connect() {
        return true;
    }
    error.is_timeout() || error.is_request()
}

/// Whether an HTTP status may go away on a second try.
pub(crate) fn is_transient_status(status: reqwest::StatusCode) -> bool {
    matches!(status.as_u16(), 408 | 429 | 502 | 503 | 504)
}

#[cfg(not(target_arch = "wasm32"))]
pub(crate) async fn sleep(duration: Duration) {
    tokio::time::sleep(duration).await;
}

#[cfg(target_arch = "wasm32")]
pub(crate) async fn sleep(duration: Duration) {
    gloo_timers::future::sleep(duration).await;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn gives_up_after_the_allowed_tries_and_returns_the_last_error() {
        let policy = RetryPolicy {
            attempts: 3,
            first_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        };
        let mut tries = 0;
        let result: Result<(), u32> = with_retries(&policy, || {
            tries += 1;
            let error = tries;
            async move { Attempt::Retry(error) }
        })
        .await;
        assert_eq!(result, Err(3));
        assert_eq!(tries, 3);
    }

    #[tokio::test]
    async fn stops_at_the_first_final_answer() {
        let policy = RetryPolicy {
            first_backoff: Duration::from_millis(1),
            ..RetryPolicy::default()
        };
        let mut tries = 0;
        let result: Result<u32, u32> = with_retries(&policy, || {
            tries += 1;
            let now = tries;
            async move {
                if now < 2 {
                    Attempt::Retry(now)
                } else {
                    Attempt::Done(Err(99))
                }
            }
        })
        .await;
        assert_eq!(result, Err(99));
        assert_eq!(tries, 2);
    }
}
