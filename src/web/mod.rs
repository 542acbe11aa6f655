//! The browser tab's side of the client: its options from the page's address, the files the
//! page downloads for it (through the page's cache and progress bar), and the state it shows
//! the page (which the browser test reads).

pub mod storage;
pub mod wallet;

use bevy::prelude::*;
use clap::Parser;
use wasm_bindgen::prelude::*;

use crate::ClientOptions;

#[wasm_bindgen]
extern "C" {
    /// index.html's downloader: the page's cache first, then the network, with its progress bar.
    #[wasm_bindgen(js_namespace = kilnPage, js_name = fetchCached, catch)]
    fn fetch_cached_js(url: &str) -> Result<js_sys::Promise, JsValue>;

    /// page.js: whether the browser's WebGPU adapter is a software one (SwiftShader, a
    /// fallback adapter), on which the model runs faster on the CPU.
    #[wasm_bindgen(js_namespace = kilnPage, js_name = softwareGpu)]
    fn software_gpu_js() -> bool;

    /// Stops the page with the reason the client cannot start.
    #[wasm_bindgen(js_namespace = kilnPage, js_name = fail)]
    fn fail_js(text: &str);

    /// Hands the page a picture the client took (a scenario's `screenshot` action).
    #[wasm_bindgen(js_namespace = kilnPage, js_name = screenshot, catch)]
    fn screenshot_js(name: &str, png: &[u8]) -> Result<(), JsValue>;

    /// Tells the page how the client is doing (a JSON object; see [`PageState`]).
    #[wasm_bindgen(js_namespace = kilnPage, js_name = clientState, catch)]
    fn client_state_js(json: &str) -> Result<(), JsValue>;
}

/// The bytes at `url` (relative to the page), from the page's cache when it has them.
pub async fn fetch_cached(url: &str) -> Result<Vec<u8>, String> {
    let promise = fetch_cached_js(url).map_err(|error| describe(&error))?;
    let value = wasm_bindgen_futures::JsFuture::from(promise)
        .await
        .map_err(|error| format!("cannot download {url}: {}", describe(&error)))?;
    Ok(js_sys::Uint8Array::new(&value).to_vec())
}

/// A JavaScript error in words.
pub(crate) fn describe(value: &JsValue) -> String {
    value
        .as_string()
        .or_else(|| {
            value
                .dyn_ref::<js_sys::Error>()
                .map(|error| String::from(error.message()))
        })
        .unwrap_or_else(|| format!("{value:?}"))
}

/// Whether the page's WebGPU adapter draws in software (the page asked it before starting us).
pub fn software_gpu() -> bool {
    software_gpu_js()
}

/// The client cannot start: the page shows why.
pub fn stop(text: &str) {
    fail_js(text);
}

/// A problem said before Bevy's log is set up: on the browser's console.
pub fn warn_early(text: &str) {
    web_sys::console::warn_1(&JsValue::from_str(text));
}

/// Gives the page the PNG of a picture the client took, under `name`.
pub fn screenshot(name: &str, png: &[u8]) {
    if let Err(error) = screenshot_js(name, png) {
        warn!(
            "the page did not take the picture {name}: {}",
            describe(&error)
        );
    }
}

/// The scenario in the page's address (`?scenario=` followed by its TOML, URL-encoded): how the
/// browser test drives the client through the same actions as `kiln --scenario FILE`.
pub fn scenario_from_address() -> Option<String> {
    address_parameter("scenario")
}

/// The value of `name` in the page's address (`?name=value`).
pub fn address_parameter(name: &str) -> Option<String> {
    let query = web_sys::window()?.location().search().ok()?;
    web_sys::UrlSearchParams::new_with_str(&query)
        .ok()?
        .get(name)
}

/// The client's options from the page's address: `?prompt=…&seed=…` are the command line's
/// `--prompt` and `--seed` (the browser test drives the creator with them).
pub fn options_from_address() -> Result<ClientOptions, String> {
    let mut args = vec!["kiln".to_owned()];
    for name in ["prompt", "seed"] {
        if let Some(value) = address_parameter(name) {
            args.push(format!("--{name}"));
            args.push(value);
        }
    }
    ClientOptions::try_parse_from(args).map_err(|error| error.to_string())
}

/// The network of the page's address, for this visit: `?network=<a node's URL>&chain=<id>`,
/// with `&contract=0x…` for the Kiln contract there. The player's wallet is the way to it (the
/// URL is what the wallet is given if it does not know the chain). `None`: the settings' network.
pub fn network_from_address() -> Result<Option<crate::NetworkSetting>, String> {
    let Some(url) = address_parameter("network") else {
        return Ok(None);
    };
    let chain_id = address_parameter("chain")
        .ok_or("the page's address names a network without its chain id: add &chain=<id>")?;
    let chain_id = chain_id
        .parse()
        .map_err(|_| format!("the chain id {chain_id:?} in the page's address is not a number"))?;
    let contract = address_parameter("contract")
        .map(|contract| {
            contract.parse().map_err(|_| {
                format!("the contract {contract:?} in the page's address is not an address (0x and 40 hex digits)")
            })
        })
        .transpose()?;
    Ok(Some(crate::NetworkSetting::Rpc {
        url,
        chain_id,
        contract,
    }))
}

/// Shows the page what the client is doing.
pub fn plugin(app: &mut App) {
    app.init_resource::<PageState>()
        .add_systems(Last, tell_the_page);
}

/// What the page (and the browser test) can read of the client, as `kilnPage.state`.
#[derive(Resource, Default, PartialEq, Clone, serde::Serialize)]
struct PageState {
    /// Frames drawn so far (counted up to 1,000). The page hears it for the first ten frames,
    /// then only with a change of another field.
    frames: u32,
    /// The model: "loading", "ready on <backend>", or why it cannot run.
    model: String,
    /// The creator's preview: "none", "generating", "ready", or the error.
    preview: String,
    /// The last mint: its token, or why it failed.
    minted: Option<String>,
    mint_error: Option<String>,
    /// Tokens in the world, and the chain's error if it has one.
    tokens: usize,
    /// Placed items in the world: loading, shown, and why the others cannot be shown.
    items_loading: usize,
    items_shown: usize,
    items_failed: Vec<String>,
    /// The account that sends (the wallet's, once connected).
    account: Option<String>,
    /// The last placement: the token placed, or why not.
    placed: Option<String>,
    place_error: Option<String>,
    chain_error: Option<String>,
    /// The scenario of the address: "running", "passed", or why it failed.
    scenario: Option<String>,
}

fn tell_the_page(
    mut state: ResMut<PageState>,
    creator: Option<Res<crate::Creator>>,
    mint: Res<crate::MintStatus>,
    world: Res<crate::WorldTokens>,
    place: Res<crate::PlaceStatus>,
    items: Query<&crate::ItemView>,
    scenario: Option<Res<crate::scenario::ScenarioOutcome>>,
) {
    let mut next = state.clone();
    next.frames = (next.frames + 1).min(1000);
    if let Some(creator) = creator {
        next.model = match &creator.model {
            crate::ModelState::Loading => "loading".into(),
            crate::ModelState::Ready { backend, .. } => format!("ready on {backend}"),
            crate::ModelState::Unavailable(error) => error.clone(),
        };
        next.preview = match (&creator.generation, &creator.preview) {
            (crate::Generation::Running, _) => "generating".into(),
            (crate::Generation::Failed(error), _) => error.clone(),
            (_, Some(_)) => "ready".into(),
            (_, None) => "none".into(),
        };
    }
    match &mint.outcome {
        Some(Ok(token)) => next.minted = Some(token.to_string()),
        Some(Err(error)) => next.mint_error = Some(error.clone()),
        None => {}
    }
    match &place.outcome {
        Some(Ok(token)) => next.placed = Some(token.to_string()),
        Some(Err(error)) => next.place_error = Some(error.clone()),
        None => {}
    }
    next.tokens = world.tokens.len();
    next.items_loading = 0;
    next.items_shown = 0;
    next.items_failed.clear();
    for view in &items {
        match view {
            crate::ItemView::Loading => next.items_loading += 1,
            crate::ItemView::Shown => next.items_shown += 1,
            crate::ItemView::Failed(error) => next.items_failed.push(error.clone()),
        }
    }
    next.account = world.account.map(|account| account.to_string());
    next.chain_error = world.error.clone();
    next.scenario = scenario.map(|outcome| match &outcome.0 {
        None => "running".to_owned(),
        Some(Ok(_)) => "passed".to_owned(),
        Some(Err(reason)) => reason.clone(),
    });
    // The first ten frames, then only changes: the page needs no message per frame.
    let changed = PageState {
        frames: state.frames,
        ..next.clone()
    } != *state;
    if (next.frames <= 10 || changed)
        && let Ok(json) = serde_json::to_string(&next)
    {
        let _ = client_state_js(&json);
    }
    *state = next;
}
