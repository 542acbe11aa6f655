//! What differs between the desktop and a browser tab, in one place: where long-running work
//! runs (a thread of its own on the desktop; the page's event loop in a browser, which gives a
//! wasm module no threads) and how that work waits.

use std::future::Future;
use std::time::Duration;

/// Runs the future `make` returns until it ends: on a thread named `name` with a tokio runtime
/// of its own (reqwest and the chain's HTTP client need one), or on the page's event loop.
#[cfg(not(target_arch = "wasm32"))]
pub fn spawn<F, Fut>(name: &str, make: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let thread_name = name.to_owned();
    let spawned = std::thread::Builder::new()
        .name(name.to_owned())
        .spawn(move || {
            match tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
            {
                Ok(runtime) => runtime.block_on(make()),
                Err(error) => bevy::log::error!("{thread_name} cannot start: {error}"),
            }
        });
    if let Err(error) = spawned {
        bevy::log::error!("the thread {name} could not start: {error}");
    }
}

/// Runs the future `make` returns on the page's event loop (`name` is for the desktop's thread).
#[cfg(target_arch = "wasm32")]
pub fn spawn<F, Fut>(name: &str, make: F)
where
    F: FnOnce() -> Fut + Send + 'static,
    Fut: Future<Output = ()> + 'static,
{
    let _ = name;
    wasm_bindgen_futures::spawn_local(make());
}

/// `future`'s output, or `None` once `duration` has passed first.
pub async fn timeout<T>(duration: Duration, future: impl Future<Output = T>) -> Option<T> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        tokio::time::timeout(duration, future).await.ok()
    }
    #[cfg(target_arch = "wasm32")]
    {
        use bevy::tasks::futures_lite::future;
        future::or(async { Some(future.await) }, async {
            gloo_timers::future::sleep(duration).await;
            None
        })
        .await
    }
}
