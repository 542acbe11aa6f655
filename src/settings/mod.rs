//! Settings, kept in `settings.toml` in the data directory: the network the world is read from
//! (the sandbox, or a JSON-RPC node with its chain id and Kiln contract), the IPFS gateways
//! items are fetched from when the blockstore lacks them, and the graphics quality. The
//! settings window (the ⚙ in the top bar) edits and saves them; network and gateways apply at
//! the next start, quality at once. It also says which backend the model runs on and how long
//! the last generation took.

use std::path::{Path, PathBuf};

use bevy::prelude::*;
use bevy_egui::{EguiContexts, EguiPrimaryContextPass, egui};
use kiln_chain::Address;
use serde::{Deserialize, Serialize};

use crate::chain::{ChainLink, KeyStatus};
use crate::creator::{Creator, Generation, ModelState};
use crate::net::{ChainMode, IpfsMode, NetworkStatus};

/// The file name in the data directory.
pub const SETTINGS_FILE: &str = "settings.toml";

/// Everything the settings window edits.
#[derive(Resource, Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct Settings {
    pub network: NetworkSetting,
    pub ipfs: IpfsSetting,
    pub graphics: Graphics,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(tag = "kind", rename_all = "snake_case", deny_unknown_fields)]
pub enum NetworkSetting {
    /// The EVM inside Kiln, kept in the data directory.
    #[default]
    Sandbox,
    /// A JSON-RPC node.
    Rpc {
        url: String,
        chain_id: u64,
        /// The Kiln contract there; `None`: the one `kiln-cli chain deploy` recorded.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        contract: Option<Address>,
    },
}

/// Offline by default: nothing leaves the machine until the player adds a gateway.
#[derive(Clone, PartialEq, Serialize, Deserialize, Default)]
#[serde(default, deny_unknown_fields)]
pub struct IpfsSetting {
    /// Trustless gateways (`https://host/ipfs/`), tried in order for what the blockstore lacks;
    /// every block is checked against its CID. Empty: the local blockstore only.
    pub gateways: Vec<String>,
    /// A Kubo RPC API (`http://127.0.0.1:5001`) a mint imports and pins the item's files on.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub node: Option<String>,
    /// An IPFS Pinning Service endpoint a mint asks to pin the files, with its access token.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinning_service: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub pinning_token: Option<String>,
}

/// Without the access token: settings are printed in logs and error reports.
impl std::fmt::Debug for IpfsSetting {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("IpfsSetting")
            .field("gateways", &self.gateways)
            .field("node", &self.node)
            .field("pinning_service", &self.pinning_service)
            .field(
                "pinning_token",
                &self.pinning_token.as_ref().map(|_| "(hidden)"),
            )
            .finish()
    }
}

impl IpfsSetting {
    /// Where a mint publishes the files (nothing configured: they stay in the blockstore).
    pub fn publish(&self) -> Result<kiln_mint::Publish, String> {
        let node = self
            .node
            .as_deref()
            .map(kiln_ipfs::KuboClient::new)
            .transpose()
            .map_err(|error| format!("the IPFS node cannot be used: {error}"))?;
        let pinning = match (&self.pinning_service, &self.pinning_token) {
            (Some(service), Some(token)) => Some(
                kiln_ipfs::PinningClient::new(service, token)
                    .map_err(|error| format!("the pinning service cannot be used: {error}"))?,
            ),
            (Some(_), None) => return Err("the pinning service needs its access token".into()),
            _ => None,
        };
        Ok(kiln_mint::Publish {
            node,
            pinning,
            pin_wait: std::time::Duration::from_secs(120),
        })
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Graphics {
    /// No shadows: for software rendering and small machines.
    Low,
    #[default]
    High,
}

/// Why the settings file could not be used.
#[derive(Debug, thiserror::Error)]
pub enum SettingsError {
    #[error("cannot read {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error(
        "{path} is not valid ({detail}); Kiln uses the defaults until it is fixed or saved again"
    )]
    Invalid { path: PathBuf, detail: String },
    #[error("cannot save {path}: {detail}")]
    Write { path: PathBuf, detail: String },
}

/// The settings file's text; in a browser, the page's local storage under the file's path (the
/// pinning token stays in this browser).
/// Where and what the TOML error is, without the line itself: toml's own message quotes it,
/// and the line can be the pinning service's access token.
fn parse_error_without_text(text: &str, error: &toml::de::Error) -> String {
    match error.span() {
        Some(span) => {
            let line = text[..span.start.min(text.len())].lines().count().max(1);
            format!("line {line}: {}", error.message())
        }
        None => error.message().to_owned(),
    }
}

fn read_settings_text(path: &Path) -> std::io::Result<String> {
    #[cfg(not(target_arch = "wasm32"))]
    {
        std::fs::read_to_string(path)
    }
    #[cfg(target_arch = "wasm32")]
    {
        browser_storage()?
            .get_item(&path.to_string_lossy())
            .ok()
            .flatten()
            .ok_or_else(|| std::io::Error::from(std::io::ErrorKind::NotFound))
    }
}

#[cfg(target_arch = "wasm32")]
fn browser_storage() -> std::io::Result<web_sys::Storage> {
    web_sys::window()
        .and_then(|window| window.local_storage().ok().flatten())
        .ok_or_else(|| std::io::Error::other("this browser gives the page no local storage"))
}

impl Settings {
    /// The settings of `data_dir`; the defaults when there is no file yet.
    pub fn load(data_dir: &Path) -> Result<Self, SettingsError> {
        let path = data_dir.join(SETTINGS_FILE);
        let text = match read_settings_text(&path) {
            Ok(text) => text,
            Err(error) if error.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Self::default());
            }
            Err(source) => return Err(SettingsError::Read { path, source }),
        };
        let settings: Settings = toml::from_str(&text).map_err(|error| SettingsError::Invalid {
            path: path.clone(),
            detail: parse_error_without_text(&text, &error),
        })?;
        settings
            .check()
            .map_err(|detail| SettingsError::Invalid { path, detail })?;
        Ok(settings)
    }

    /// Writes the settings into `data_dir`, whole or not at all.
    pub fn save(&self, data_dir: &Path) -> Result<(), SettingsError> {
        let path = data_dir.join(SETTINGS_FILE);
        let failed = |detail: String| SettingsError::Write {
            path: path.clone(),
            detail,
        };
        self.check().map_err(&failed)?;
        let text = toml::to_string_pretty(self).map_err(|error| failed(error.to_string()))?;
        #[cfg(target_arch = "wasm32")]
        browser_storage()
            .and_then(|storage| {
                storage
                    .set_item(&path.to_string_lossy(), &text)
                    .map_err(|_| std::io::Error::other("the browser refused to store them"))
            })
            .map_err(|error| failed(error.to_string()))?;
        #[cfg(not(target_arch = "wasm32"))]
        {
            kiln_mint::write_all_or_none(&[(&path, text.as_bytes())])
                .map_err(|error| failed(error.to_string()))?;
            // It may hold the pinning service's token: for this user's eyes only.
            #[cfg(unix)]
            {
                use std::os::unix::fs::PermissionsExt;
                std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600))
                    .map_err(|error| failed(error.to_string()))?;
            }
        }
        Ok(())
    }

    /// What would not work, in words.
    pub fn check(&self) -> Result<(), String> {
        if let NetworkSetting::Rpc { url, .. } = &self.network
            && !(url.starts_with("http://") || url.starts_with("https://"))
        {
            return Err(format!(
                "the RPC URL {url:?} must start with http:// or https://"
            ));
        }
        for gateway in &self.ipfs.gateways {
            kiln_ipfs::GatewayClient::new(&[gateway])
                .map_err(|error| format!("the gateway {gateway:?} cannot be used: {error}"))?;
        }
        self.ipfs.publish().map(|_| ())
    }
}

/// Where the settings live and how the last load or save went.
#[derive(Resource)]
struct SettingsFile {
    data_dir: PathBuf,
    message: Option<String>,
    /// The settings as edited in the window, not yet saved.
    draft: Settings,
    open: bool,
    gateway_text: String,
    /// The Kiln contract's address as typed (it need not parse until it is complete).
    contract_text: String,
    /// Typed into the key's passphrase field; cleared once sent.
    #[cfg_attr(
        target_arch = "wasm32",
        expect(dead_code, reason = "in a browser the wallet holds the key")
    )]
    passphrase: String,
}

pub struct SettingsPlugin {
    pub data_dir: PathBuf,
    pub loaded: Settings,
    /// Why the file could not be used, if it could not.
    pub problem: Option<String>,
}

impl Plugin for SettingsPlugin {
    fn build(&self, app: &mut App) {
        // What the top bar says the world is read from.
        let status = NetworkStatus {
            chain: match &self.loaded.network {
                NetworkSetting::Sandbox => ChainMode::Sandbox,
                NetworkSetting::Rpc { url, chain_id, .. } => ChainMode::Rpc {
                    name: url.clone(),
                    chain_id: *chain_id,
                },
            },
            ipfs: if self.loaded.ipfs.gateways.is_empty() {
                IpfsMode::Offline
            } else {
                IpfsMode::Gateways
            },
        };
        app.insert_resource(status)
            .insert_resource(self.loaded.clone())
            .insert_resource(SettingsFile {
                data_dir: self.data_dir.clone(),
                message: self.problem.clone(),
                draft: self.loaded.clone(),
                open: self.problem.is_some(),
                gateway_text: self.loaded.ipfs.gateways.join("\n"),
                contract_text: match &self.loaded.network {
                    NetworkSetting::Rpc {
                        contract: Some(contract),
                        ..
                    } => contract.to_string(),
                    _ => String::new(),
                },
                passphrase: String::new(),
            })
            .add_message::<ToggleSettings>()
            .add_systems(Update, apply_graphics)
            .add_systems(EguiPrimaryContextPass, show_settings);
    }
}

/// Opens or closes the settings window (the top bar's ⚙).
#[derive(Message, Debug, Clone, Copy)]
pub struct ToggleSettings;

/// Shadows follow the quality: off on low.
fn apply_graphics(settings: Res<Settings>, mut lights: Query<&mut DirectionalLight>) {
    if !settings.is_changed() {
        return;
    }
    let shadows = settings.graphics == Graphics::High;
    for mut light in &mut lights {
        if light.shadow_maps_enabled != shadows {
            light.shadow_maps_enabled = shadows;
        }
    }
}

fn show_settings(
    mut contexts: EguiContexts,
    mut file: ResMut<SettingsFile>,
    mut settings: ResMut<Settings>,
    mut toggles: MessageReader<ToggleSettings>,
    creator: Res<Creator>,
    mut key: ResMut<KeyStatus>,
    link: Option<Res<ChainLink>>,
) -> Result {
    if toggles.read().count() % 2 == 1 {
        file.open = !file.open;
    }
    if !file.open {
        return Ok(());
    }
    let ctx = contexts.ctx_mut()?;
    let mut open = true;
    let file = &mut *file;
    egui::Window::new("Settings")
        .open(&mut open)
        .anchor(egui::Align2::CENTER_CENTER, [0.0, 0.0])
        .resizable(false)
        .show(ctx, |ui| {
            ui.heading("Network");
            let mut rpc = matches!(file.draft.network, NetworkSetting::Rpc { .. });
            ui.horizontal(|ui| {
                ui.radio_value(&mut rpc, false, "Sandbox (on this machine)");
                // In a browser the wallet is the way to a network; the URL is for the wallet.
                #[cfg(not(target_arch = "wasm32"))]
                ui.radio_value(&mut rpc, true, "JSON-RPC node");
                #[cfg(target_arch = "wasm32")]
                ui.radio_value(&mut rpc, true, "A network, through your wallet");
            });
            match (&mut file.draft.network, rpc) {
                (
                    NetworkSetting::Rpc {
                        url,
                        chain_id,
                        contract,
                    },
                    true,
                ) => {
                    ui.horizontal(|ui| {
                        ui.label("URL");
                        ui.text_edit_singleline(url);
                    });
                    ui.horizontal(|ui| {
                        ui.label("chain id");
                        ui.add(egui::DragValue::new(chain_id));
                    });
                    ui.horizontal(|ui| {
                        ui.label("Kiln contract");
                        ui.add(
                            egui::TextEdit::singleline(&mut file.contract_text)
                                .hint_text("0x… (empty: the one kiln-cli chain deploy recorded)"),
                        );
                        match file.contract_text.trim() {
                            "" => *contract = None,
                            typed => {
                                if let Ok(address) = typed.parse() {
                                    *contract = Some(address);
                                } else {
                                    ui.colored_label(
                                        egui::Color32::from_rgb(230, 90, 80),
                                        "not an address (0x and 40 hex digits)",
                                    );
                                }
                            }
                        }
                    });
                }
                (network @ NetworkSetting::Sandbox, true) => {
                    *network = NetworkSetting::Rpc {
                        url: "http://127.0.0.1:8545".into(),
                        chain_id: 31337,
                        contract: None,
                    };
                }
                (network, false) => *network = NetworkSetting::Sandbox,
            }
            if matches!(settings.network, NetworkSetting::Rpc { .. }) {
                key_section(ui, file, &mut key, link.as_deref());
            }
            ui.separator();
            ui.heading("IPFS");
            ui.label("Gateways for items this machine does not have, one per line (every block is checked against its CID):");
            ui.add(
                egui::TextEdit::multiline(&mut file.gateway_text)
                    .hint_text("https://trustless-gateway.link/ipfs/")
                    .desired_rows(3),
            );
            ui.label("Where a mint publishes the files (empty: they stay on this machine):");
            let optional = |ui: &mut egui::Ui,
                            label: &str,
                            value: &mut Option<String>,
                            hint: &str,
                            secret: bool| {
                let mut text = value.clone().unwrap_or_default();
                ui.horizontal(|ui| {
                    ui.label(label);
                    ui.add(
                        egui::TextEdit::singleline(&mut text)
                            .hint_text(hint)
                            .password(secret),
                    );
                });
                *value = Some(text.trim().to_owned()).filter(|text| !text.is_empty());
            };
            optional(ui, "Kubo RPC", &mut file.draft.ipfs.node, "http://127.0.0.1:5001", false);
            optional(
                ui,
                "pinning service",
                &mut file.draft.ipfs.pinning_service,
                "https://api.example/psa",
                false,
            );
            optional(ui, "token", &mut file.draft.ipfs.pinning_token, "access token", true);
            ui.separator();
            ui.heading("Graphics");
            ui.horizontal(|ui| {
                ui.radio_value(&mut file.draft.graphics, Graphics::High, "high");
                ui.radio_value(&mut file.draft.graphics, Graphics::Low, "low (no shadows)");
            });
            ui.separator();
            ui.heading("Model");
            ui.label(match &creator.model {
                ModelState::Loading => "loading…".to_owned(),
                ModelState::Ready { backend, weights } => {
                    format!("{backend}, weights {}…", &weights.sha256[..12.min(weights.sha256.len())])
                }
                ModelState::Unavailable(error) => format!("unavailable: {error}"),
            });
            if let Generation::Done { took } = &creator.generation {
                ui.label(format!(
                    "last generation {:.0} ms",
                    took.as_secs_f64() * 1000.0
                ));
            }
            ui.separator();
            if ui.button("Save").clicked() {
                file.draft.ipfs.gateways = file
                    .gateway_text
                    .lines()
                    .map(str::trim)
                    .filter(|line| !line.is_empty())
                    .map(str::to_owned)
                    .collect();
                file.message = Some(match file.draft.save(&file.data_dir) {
                    Ok(()) => {
                        let restart = settings.network != file.draft.network
                            || settings.ipfs != file.draft.ipfs;
                        *settings = file.draft.clone();
                        if restart {
                            "saved; the network and gateways apply when Kiln starts again".into()
                        } else {
                            "saved".into()
                        }
                    }
                    Err(error) => error.to_string(),
                });
            }
            if let Some(message) = &file.message {
                ui.label(message);
            }
        });
    if !open {
        file.open = false;
    }
    Ok(())
}

/// In a browser no key enters the page: the player's wallet signs, once connected.
#[cfg(target_arch = "wasm32")]
fn key_section(
    ui: &mut egui::Ui,
    _file: &mut SettingsFile,
    key: &mut KeyStatus,
    link: Option<&ChainLink>,
) {
    ui.separator();
    ui.heading("Wallet");
    ui.label("Your wallet holds the key and signs each mint and placement: Kiln never sees it.");
    wallet_button(ui, key, link);
}

/// The wallet's account, or a button that asks the wallet for one; and why the last try failed.
#[cfg(target_arch = "wasm32")]
pub(crate) fn wallet_button(ui: &mut egui::Ui, key: &mut KeyStatus, link: Option<&ChainLink>) {
    let wallet = crate::web::wallet::BrowserWallet::name();
    match (key.unlocked, &wallet) {
        (Some(account), _) => {
            let text = account.to_string();
            ui.label(format!("wallet {}…{}", &text[..6], &text[text.len() - 4..]))
                .on_hover_text(format!(
                    "{text} in {}: mints and placements are sent from it",
                    wallet.as_deref().unwrap_or("your wallet")
                ));
        }
        (None, None) => {
            ui.colored_label(egui::Color32::from_rgb(230, 170, 80), "no wallet")
                .on_hover_text("This browser has no Ethereum wallet: install one (MetaMask, Rabby, Coinbase Wallet…) and reload, or choose the sandbox in ⚙ Settings.");
        }
        (None, Some(name)) => {
            let label = if key.busy {
                "⏳ connecting…"
            } else {
                "Connect wallet"
            };
            if ui
                .add_enabled(!key.busy && link.is_some(), egui::Button::new(label))
                .on_hover_text(format!("Asks {name} for an account to mint and place with"))
                .clicked()
                && let Some(link) = link
            {
                key.busy = true;
                key.error = None;
                link.connect_wallet();
            }
        }
    }
    if let Some(error) = &key.error {
        ui.colored_label(egui::Color32::from_rgb(230, 90, 80), "wallet ⚠")
            .on_hover_text(error);
    }
}

/// The key that signs on the RPC network: its address (readable without the passphrase), and
/// unlocking or creating it. The key itself never leaves the chain thread.
#[cfg(not(target_arch = "wasm32"))]
fn key_section(
    ui: &mut egui::Ui,
    file: &mut SettingsFile,
    key: &mut KeyStatus,
    link: Option<&ChainLink>,
) {
    ui.separator();
    ui.heading("Key");
    let keystore = kiln_chain::Keystore::in_data_dir(&file.data_dir);
    let recorded = keystore.address().ok().flatten();
    match (key.unlocked, recorded) {
        (Some(address), _) => {
            ui.label(format!(
                "{address} · unlocked: minting and placing sign with it"
            ));
        }
        (None, Some(address)) => {
            ui.label(format!("{address} · locked"));
        }
        (None, None) => {
            ui.label(
                "no key yet: choose a passphrase to create one (then fund it on this network)",
            );
        }
    }
    if key.unlocked.is_some() {
        return;
    }
    let create = recorded.is_none();
    ui.horizontal(|ui| {
        ui.add(
            egui::TextEdit::singleline(&mut file.passphrase)
                .password(true)
                .hint_text("passphrase"),
        );
        let label = if create { "Create key" } else { "Unlock" };
        if ui
            .add_enabled(!key.busy && link.is_some(), egui::Button::new(label))
            .clicked()
            && let Some(link) = link
        {
            key.busy = true;
            key.error = None;
            link.use_key(
                zeroize::Zeroizing::new(std::mem::take(&mut file.passphrase)),
                create,
            );
        }
    });
    if key.busy {
        ui.label("⏳ unlocking…");
    }
    if let Some(error) = &key.error {
        ui.colored_label(egui::Color32::from_rgb(230, 90, 80), error);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn settings_are_saved_whole_read_back_and_refused_with_the_reason() {
        let dir = tempfile::tempdir().unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), Settings::default());
        let settings = Settings {
            network: NetworkSetting::Rpc {
                url: "http://127.0.0.1:8545".into(),
                chain_id: 31337,
                contract: Some(Address::repeat_byte(7)),
            },
            ipfs: IpfsSetting {
                gateways: vec!["https://trustless-gateway.link/ipfs/".into()],
                pinning_service: Some("https://pins.example/psa".into()),
                pinning_token: Some("secret".into()),
                ..IpfsSetting::default()
            },
            graphics: Graphics::Low,
        };
        settings.save(dir.path()).unwrap();
        assert_eq!(Settings::load(dir.path()).unwrap(), settings);

        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            "[network]\nkind = \"moon\"\n",
        )
        .unwrap();
        let error = Settings::load(dir.path()).unwrap_err();
        assert!(error.to_string().contains("is not valid"), "{error}");

        let bad = Settings {
            network: NetworkSetting::Rpc {
                url: "localhost:8545".into(),
                chain_id: 1,
                contract: None,
            },
            ..Settings::default()
        };
        assert!(bad.save(dir.path()).is_err());
        // The bad save changed nothing on disk.
        assert!(Settings::load(dir.path()).is_err(), "the file was replaced");
    }

    /// The pinning service's token is in no error, log or debug print of the settings: not
    /// when the file around it is malformed, and not when they are printed whole.
    #[test]
    fn the_access_token_is_never_printed() {
        let dir = tempfile::tempdir().unwrap();
        std::fs::write(
            dir.path().join(SETTINGS_FILE),
            "[ipfs]\npinning_service = \"https://pins.example/psa\"\npinning_token = \"sEcReT-42\" oops\n",
        )
        .unwrap();
        let error = Settings::load(dir.path()).unwrap_err().to_string();
        assert!(error.contains("line 3"), "{error}");
        assert!(!error.contains("sEcReT"), "{error}");

        let settings = Settings {
            ipfs: IpfsSetting {
                pinning_service: Some("https://pins.example/psa".into()),
                pinning_token: Some("sEcReT-42".into()),
                ..IpfsSetting::default()
            },
            ..Settings::default()
        };
        let printed = format!("{settings:?} {:?}", settings.ipfs.publish().unwrap());
        assert!(!printed.contains("sEcReT"), "{printed}");
        assert!(printed.contains("pins.example"), "{printed}");
    }
}
