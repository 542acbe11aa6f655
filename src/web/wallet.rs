//! The player's wallet, as the page found it (EIP-6963 discovery, else `window.ethereum`):
//! every request goes through `kilnPage.walletRequest`, so the key never enters this module.
//! And the network's node, which the world is read from (`kilnPage.nodeRequest`, a `fetch`).

use kiln_chain::{Eip1193, WalletError};
use send_wrapper::SendWrapper;
use serde_json::Value;
use wasm_bindgen::prelude::*;

#[wasm_bindgen]
extern "C" {
    /// page.js: `request({ method, params })` on the chosen wallet. Resolves to the result as
    /// JSON; rejects with `{ code, message, data }` as JSON.
    #[wasm_bindgen(js_namespace = kilnPage, js_name = walletRequest, catch)]
    fn wallet_request_js(method: &str, params: &str) -> Result<js_sys::Promise, JsValue>;

    /// page.js: one JSON-RPC request to the node at `url`, answered like `walletRequest`.
    #[wasm_bindgen(js_namespace = kilnPage, js_name = nodeRequest, catch)]
    fn node_request_js(url: &str, method: &str, params: &str) -> Result<js_sys::Promise, JsValue>;

    /// page.js: the chosen wallet's name, `undefined` when the browser has none.
    #[wasm_bindgen(js_namespace = kilnPage, js_name = walletName)]
    fn wallet_name_js() -> Option<String>;
}

/// The wallet the page chose.
#[derive(Debug, Clone, Copy, Default)]
pub struct BrowserWallet;

impl BrowserWallet {
    /// The wallet's name as it announces itself ("MetaMask"), `None` when there is none.
    pub fn name() -> Option<String> {
        wallet_name_js()
    }
}

impl Eip1193 for BrowserWallet {
    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> impl Future<Output = Result<Value, WalletError>> + Send {
        answer(method, wallet_request_js(method, &params.to_string()))
    }
}

/// The network's node at a URL, asked from the page (it must allow the page's origin: CORS).
#[derive(Debug, Clone)]
pub struct BrowserNode {
    pub url: String,
}

impl Eip1193 for BrowserNode {
    fn request(
        &self,
        method: &str,
        params: Value,
    ) -> impl Future<Output = Result<Value, WalletError>> + Send {
        answer(
            method,
            node_request_js(&self.url, method, &params.to_string()),
        )
    }
}

/// What the page's promise resolves to, as JSON.
fn answer(
    method: &str,
    promise: Result<js_sys::Promise, JsValue>,
) -> impl Future<Output = Result<Value, WalletError>> + Send + use<> {
    let method = method.to_owned();
    // The tab runs this module on one thread: the promise never crosses to another.
    SendWrapper::new(async move {
        let promise = promise.map_err(page_error)?;
        let answer = wasm_bindgen_futures::JsFuture::from(promise)
            .await
            .map_err(wallet_error)?;
        let text = answer.as_string().unwrap_or_default();
        serde_json::from_str(&text).map_err(|error| WalletError {
            code: -32603,
            message: format!("{method}: the page passed on an answer that is not JSON ({error})"),
            data: None,
        })
    })
}

/// A refusal or failure, as page.js passes it on.
fn wallet_error(value: JsValue) -> WalletError {
    value
        .as_string()
        .and_then(|text| serde_json::from_str::<Value>(&text).ok())
        .map(|error| WalletError {
            code: error["code"].as_i64().unwrap_or(-32603),
            message: error["message"]
                .as_str()
                .unwrap_or("no reason given")
                .to_owned(),
            data: error.get("data").filter(|data| !data.is_null()).cloned(),
        })
        .unwrap_or_else(|| page_error(value))
}

fn page_error(value: JsValue) -> WalletError {
    WalletError {
        code: -32603,
        message: super::describe(&value),
        data: None,
    }
}
