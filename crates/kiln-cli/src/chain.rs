//! The chain commands: `chain deploy`, `key`, `mint DIR`, `token ID`, `place`, `list`. They
//! talk to the sandbox (the default network, zero setup) or to any JSON-RPC node, through
//! kiln-chain's one [`Chain`] interface.

use std::path::PathBuf;

use anyhow::{Context, bail};
use kiln_chain::rpc::RpcOptions;
use kiln_chain::signer::PrivateKeySigner;
use kiln_chain::{
    Address, B256, Chain, DEFAULT_ROYALTY_BPS, Deployment, Index, IndexedToken, Keystore,
    Placement, RpcChain, Sandbox, TokenId,
};
use serde::Serialize;
use zeroize::Zeroizing;

use crate::data_dir::DataDir;
use crate::output;

/// Which chain a command talks to.
#[derive(Debug, Clone, clap::Args)]
pub struct NetworkArgs {
    /// `sandbox` (an EVM inside Kiln, kept in the data directory) or a JSON-RPC URL such as
    /// http://127.0.0.1:8545.
    #[arg(
        long,
        default_value = "sandbox",
        env = "KILN_NETWORK",
        value_name = "sandbox|URL"
    )]
    pub(crate) network: String,

    /// The chain id the RPC node must serve (refused otherwise).
    #[arg(long, value_name = "ID")]
    pub(crate) chain_id: Option<u64>,

    /// The Kiln contract on that chain (default: the one `kiln-cli chain deploy` recorded).
    #[arg(long, value_name = "ADDRESS")]
    pub(crate) contract: Option<Address>,

    /// Blocks to wait on top of a transaction's own before it counts as done.
    #[arg(long, default_value_t = 1)]
    pub(crate) confirmations: u64,
}

#[derive(Debug, clap::Subcommand)]
pub enum ChainCommand {
    /// Deploy the Kiln contract on an RPC network and remember it there (the sandbox has its
    /// own from the start).
    Deploy {
        #[command(flatten)]
        network: NetworkArgs,
        /// Royalty for creators on secondary sales, in basis points (500 = 5%).
        #[arg(long, default_value_t = DEFAULT_ROYALTY_BPS)]
        royalty_bps: u16,
    },
}

#[derive(Debug, clap::Subcommand)]
pub enum KeyCommand {
    /// Make the signing key (asks for a passphrase, or reads KILN_PASSPHRASE).
    Create,
    /// Print the key's address (no passphrase needed, unless its address file was lost).
    Address,
}

#[derive(Debug, clap::Args)]
pub struct TokenArgs {
    /// The token id: 64 hex digits (as `kiln-cli mint` prints it), or the decimal id explorers show.
    id: TokenId,
    #[command(flatten)]
    network: NetworkArgs,
}

#[derive(Debug, clap::Args)]
pub struct PlaceArgs {
    id: TokenId,
    /// Plot column.
    #[arg(allow_hyphen_values = true)]
    x: i32,
    /// Plot row.
    #[arg(allow_hyphen_values = true)]
    z: i32,
    /// Whole degrees about the vertical axis, 0–359.
    #[arg(long, default_value_t = 0)]
    rotation: u16,
    #[command(flatten)]
    network: NetworkArgs,
}

#[derive(Debug, clap::Args)]
pub struct ListArgs {
    /// Only the tokens this address holds.
    #[arg(long, value_name = "ADDRESS")]
    owner: Option<Address>,
    /// Only the tokens this address minted.
    #[arg(long, value_name = "ADDRESS")]
    creator: Option<Address>,
    #[command(flatten)]
    network: NetworkArgs,
}

/// A connected chain of either kind.
pub(crate) enum Connected {
    Sandbox(Sandbox),
    Rpc(RpcChain),
}

/// Runs `$body` with `$chain` bound to the connected chain, whichever kind it is.
macro_rules! on_chain {
    ($connected:expr, |$chain:ident| $body:expr) => {
        match $connected {
            $crate::chain::Connected::Sandbox($chain) => $body,
            $crate::chain::Connected::Rpc($chain) => $body,
        }
    };
}
pub(crate) use on_chain;

impl Connected {
    /// The account that signs here: the creator an item minted here names.
    pub(crate) fn account(&self) -> Address {
        on_chain!(self, |chain| chain.account())
    }

    pub(crate) fn network_name(&self) -> String {
        match self {
            Connected::Sandbox(_) => "sandbox".into(),
            Connected::Rpc(chain) => chain.url().to_owned(),
        }
    }
}

/// The account that mints on `network`, read without unlocking anything: the sandbox's dev
/// account, or the address of this data directory's key. What `kiln-cli export` names as the
/// creator unless told otherwise.
pub(crate) fn minting_account(network: &str, data_dir: &DataDir) -> anyhow::Result<Address> {
    if network == "sandbox" {
        return Ok(Sandbox::open(data_dir.path())?.account());
    }
    let keystore = Keystore::in_data_dir(data_dir.path());
    match keystore.address() {
        Ok(Some(address)) => Ok(address),
        Ok(None) => anyhow::bail!(
            "there is no Kiln key in {} yet, so the item's creator is unknown: run `kiln-cli key create` first, or give --creator ADDRESS",
            data_dir.path().display()
        ),
        Err(error) => Err(anyhow::anyhow!(error).context(
            "the key's address cannot be read: run `kiln-cli key address` to write it again, or give --creator ADDRESS",
        )),
    }
}

/// Remembered deployments of RPC networks, by chain id.
fn deployments_path(data_dir: &DataDir) -> PathBuf {
    data_dir.deployments_path()
}

/// The passphrase, wiped from memory when it is dropped.
fn passphrase(confirm: bool) -> anyhow::Result<Zeroizing<String>> {
    if let Ok(passphrase) = std::env::var("KILN_PASSPHRASE") {
        return Ok(Zeroizing::new(passphrase));
    }
    let first = Zeroizing::new(
        rpassword::prompt_password("passphrase of the Kiln key: ")
            .context("cannot read a passphrase: set KILN_PASSPHRASE when there is no terminal")?,
    );
    if confirm {
        let second = Zeroizing::new(rpassword::prompt_password("the same passphrase again: ")?);
        if first != second {
            bail!("the two passphrases differ: nothing was created, try again");
        }
    }
    Ok(first)
}

/// What a command does on the chain.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Access {
    /// Reads only: no key is unlocked.
    Read,
    /// Sends transactions with the keystore's key, to the recorded contract.
    Send,
    /// Deploys a contract: sends, with no contract attached yet.
    Deploy,
}

/// Connects to the chosen network for `access`.
pub(crate) async fn connect(
    args: &NetworkArgs,
    data_dir: &DataDir,
    access: Access,
) -> anyhow::Result<Connected> {
    if args.network == "sandbox" {
        let sandbox = Sandbox::open(data_dir.path())?;
        if let Some(address) = args.contract {
            let deployment = Deployment {
                address,
                ..sandbox.deployment()?
            };
            sandbox.attach(deployment).await?;
        }
        return Ok(Connected::Sandbox(sandbox));
    }
    let signer = if access == Access::Read {
        // Reading signs nothing: an ephemeral key, and no passphrase asked.
        PrivateKeySigner::random()
    } else {
        let keystore = Keystore::in_data_dir(data_dir.path());
        let (signer, created) = keystore.unlock_or_create(&passphrase(!keystore.exists())?)?;
        if created {
            eprintln!(
                "created the Kiln key {} in {} (fund it on this network before sending)",
                signer.address(),
                keystore.path().display()
            );
        }
        signer
    };
    let options = RpcOptions {
        expected_chain_id: args.chain_id,
        confirmations: args.confirmations.max(1),
        nonce_book: Some(data_dir.path().join("chain").join("nonces.json")),
        ..RpcOptions::default()
    };
    let chain = RpcChain::connect(&args.network, signer, options).await?;
    if access != Access::Deploy {
        let known = data_dir.deployments()?;
        let deployment = match (args.contract, known.get(&chain.chain_id())) {
            (Some(address), known) => Deployment {
                chain_id: chain.chain_id(),
                address,
                block: known
                    .filter(|d| d.address == address)
                    .map_or(0, |d| d.block),
            },
            (None, Some(known)) => *known,
            (None, None) => {
                return Err(kiln_chain::ChainError::NotDeployed {
                    chain_id: chain.chain_id(),
                }
                .into());
            }
        };
        chain.attach(deployment).await?;
    }
    Ok(Connected::Rpc(chain))
}

#[derive(Serialize)]
struct Deployed {
    network: String,
    chain_id: u64,
    contract: Address,
    block: u64,
    royalty_bps: Option<u16>,
}

pub fn run_chain(command: &ChainCommand, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let ChainCommand::Deploy {
        network,
        royalty_bps,
    } = command;
    let runtime = crate::runtime()?;
    let (report, fresh) = runtime.block_on(async {
        let connected = connect(network, data_dir, Access::Deploy).await?;
        let name = connected.network_name();
        let (deployment, fresh) = match &connected {
            Connected::Sandbox(sandbox) => (sandbox.deployment()?, false),
            Connected::Rpc(chain) => {
                let spinner = crate::progress::spinner("deploying the Kiln contract");
                let deployment = chain.deploy(*royalty_bps).await;
                spinner.finish_and_clear();
                let deployment = deployment?;
                let path = deployments_path(data_dir);
                let mut known = data_dir.deployments()?;
                known.insert(deployment.chain_id, deployment);
                std::fs::create_dir_all(path.parent().expect("a file in chain/"))?;
                crate::files::write_atomically(&path, |file| {
                    Ok(serde_json::to_writer_pretty(file, &known)?)
                })?;
                (deployment, true)
            }
        };
        anyhow::Ok((
            Deployed {
                network: name,
                chain_id: deployment.chain_id,
                contract: deployment.address,
                block: deployment.block,
                royalty_bps: fresh.then_some(*royalty_bps),
            },
            fresh,
        ))
    })?;
    output::print(json, &report, |out| {
        if fresh {
            writeln!(
                out,
                "deployed the Kiln contract on {} (chain {})",
                report.network, report.chain_id
            )?;
        } else {
            writeln!(
                out,
                "the sandbox's Kiln contract (deployed when the sandbox was made)"
            )?;
        }
        writeln!(out, "contract: {}", report.contract)?;
        writeln!(out, "block:    {}", report.block)
    })
}

#[derive(Serialize)]
struct KeyReport {
    address: Option<Address>,
    keystore: PathBuf,
    created: bool,
}

pub fn run_key(command: &KeyCommand, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let keystore = Keystore::in_data_dir(data_dir.path());
    let report = match command {
        KeyCommand::Create => {
            let signer = keystore.create(&passphrase(true)?)?;
            KeyReport {
                address: Some(signer.address()),
                keystore: keystore.path(),
                created: true,
            }
        }
        KeyCommand::Address => KeyReport {
            address: match keystore.address() {
                // The address file is lost or damaged; unlocking writes it again.
                Err(kiln_chain::KeystoreError::Corrupt { .. }) if keystore.exists() => {
                    Some(keystore.unlock(&passphrase(false)?)?.address())
                }
                address => address?,
            },
            keystore: keystore.path(),
            created: false,
        },
    };
    output::print(json, &report, |out| match report.address {
        Some(address) if report.created => writeln!(
            out,
            "created key {address} in {}",
            report.keystore.display()
        ),
        Some(address) => writeln!(out, "{address}"),
        None => writeln!(out, "no key yet: `kiln-cli key create` makes one"),
    })
}

pub fn run_token(args: &TokenArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let runtime = crate::runtime()?;
    let record = runtime.block_on(async {
        let connected = connect(&args.network, data_dir, Access::Read).await?;
        on_chain!(&connected, |chain| anyhow::Ok(chain.token(args.id).await?))
    })?;
    let Some(record) = record else {
        bail!(
            "token {} does not exist on this network: check the id and --network",
            args.id
        );
    };
    output::print(json, &record, |out| {
        writeln!(out, "token     {}", record.id)?;
        writeln!(out, "owner     {}", record.owner)?;
        writeln!(out, "creator   {}", record.creator)?;
        writeln!(out, "metadata  {}", record.token_uri)?;
        match record.placement {
            Some(p) => writeln!(
                out,
                "placed    plot ({}, {}), turned {}°",
                p.x, p.z, p.rotation
            ),
            None => writeln!(out, "placed    no"),
        }
    })
}

#[derive(Serialize)]
struct Placed {
    token_id: TokenId,
    placement: Placement,
    tx: B256,
    gas_used: u64,
}

pub fn run_place(args: &PlaceArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let placement = Placement {
        x: args.x,
        z: args.z,
        rotation: args.rotation,
    };
    let runtime = crate::runtime()?;
    let outcome = runtime.block_on(async {
        let connected = connect(&args.network, data_dir, Access::Send).await?;
        on_chain!(&connected, |chain| anyhow::Ok(
            chain.place(args.id, placement).await?
        ))
    })?;
    let report = Placed {
        token_id: args.id,
        placement,
        tx: outcome.hash,
        gas_used: outcome.gas_used,
    };
    output::print(json, &report, |out| {
        writeln!(
            out,
            "token {} stands on plot ({}, {}), turned {}°",
            args.id, args.x, args.z, args.rotation
        )
    })
}

pub fn run_list(args: &ListArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let runtime = crate::runtime()?;
    let tokens: Vec<IndexedToken> = runtime.block_on(async {
        let connected = connect(&args.network, data_dir, Access::Read).await?;
        on_chain!(&connected, |chain| {
            let deployment = chain.deployment()?;
            let path = data_dir.path().join("chain").join(format!(
                "index-{}-{}.sqlite",
                deployment.chain_id, deployment.address
            ));
            let (mut index, rebuilt) = Index::open_or_rebuild(&path, deployment)?;
            if let Some(rebuilt) = rebuilt {
                eprintln!("{rebuilt}");
            }
            let spinner = crate::progress::spinner("reading the chain's events");
            let synced = index.sync(chain).await;
            spinner.finish_and_clear();
            synced?;
            let mut tokens = match (args.owner, args.creator) {
                (Some(owner), _) => index.by_owner(owner)?,
                (None, Some(creator)) => index.by_creator(creator)?,
                (None, None) => index.all()?,
            };
            if let (Some(_), Some(creator)) = (args.owner, args.creator) {
                tokens.retain(|token| token.creator == creator);
            }
            anyhow::Ok(tokens)
        })
    })?;
    output::print(json, &tokens, |out| {
        if tokens.is_empty() {
            return writeln!(out, "no tokens");
        }
        for token in &tokens {
            let place = token.placement.map_or("not placed".to_string(), |p| {
                format!("plot ({}, {})", p.x, p.z)
            });
            writeln!(out, "{}  owner {}  {place}", token.id, token.owner)?;
        }
        Ok(())
    })
}

pub fn gas_bench(args: &NetworkArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let runtime = crate::runtime()?;
    let (network, rows) = runtime.block_on(async {
        // The sandbox's world stays as it was: the bench runs on a throwaway sandbox.
        let connected = if args.network == "sandbox" {
            Connected::Sandbox(Sandbox::in_memory()?)
        } else {
            connect(args, data_dir, Access::Send).await?
        };
        let network = connected.network_name();
        let spinner = crate::progress::spinner("sending the benchmark's transactions");
        let rows = on_chain!(&connected, |chain| kiln_chain::gas::measure(chain).await);
        spinner.finish_and_clear();
        anyhow::Ok((network, rows?))
    })?;
    output::print(json, &rows, |out| {
        writeln!(out, "gas on {network}")?;
        writeln!(out, "{:<58} {:>9}", "operation", "gas")?;
        for row in &rows {
            writeln!(out, "{:<58} {:>9}", row.operation, row.gas)?;
        }
        Ok(())
    })
}
