//! `kiln-cli mint DIR`, `kiln-cli outbox` and `kiln-cli resume`: an exported item goes to its
//! token through the mint outbox (kiln-mint), a journal in the data directory, so that a crash
//! or a closed laptop loses nothing and never pays twice.

use std::path::PathBuf;

use anyhow::{Context, bail};
use indicatif::{ProgressBar, ProgressStyle};
use kiln_chain::{Address, B256, Chain, TokenId};
use kiln_mint::{
    ItemFiles, ItemId, Outbox, OutboxItem, Progress, Publish, Recipe, Step, Steps, advance,
    export_generated, read_exported,
};
use serde::Serialize;

use crate::chain::{Access, Connected, NetworkArgs, connect, on_chain};
use crate::data_dir::DataDir;
use crate::output;

#[derive(Debug, clap::Args)]
pub struct MintArgs {
    /// A folder written by `kiln-cli export` (model.glb, thumbnail.png, metadata.json).
    dir: PathBuf,
    #[command(flatten)]
    network: NetworkArgs,
    #[command(flatten)]
    publish: PublishArgs,
    #[command(flatten)]
    check: VerifyAfter,
}

/// The optional last step.
#[derive(Debug, Clone, clap::Args)]
pub struct VerifyAfter {
    /// After the mint, verify the token as anyone would (files by CID, the generator re-run);
    /// the outbox records the item as verified.
    #[arg(long)]
    verify: bool,
    #[command(flatten)]
    model: crate::generate::ModelArgs,
}

/// Where the files go before the mint.
#[derive(Debug, Clone, clap::Args)]
pub struct PublishArgs {
    /// Without a node or a pinning service the files stay in the local blockstore.
    #[command(flatten)]
    targets: crate::publish::IpfsTargets,
    /// Seconds to wait for the pinning service before leaving the item for `resume`.
    #[arg(long, default_value_t = 120)]
    pin_wait: u64,
}

impl PublishArgs {
    fn publish(&self) -> anyhow::Result<Publish> {
        Ok(Publish {
            node: self.targets.node()?,
            pinning: self.targets.pinning()?,
            pin_wait: std::time::Duration::from_secs(self.pin_wait),
        })
    }
}

#[derive(Debug, clap::Args)]
pub struct ResumeArgs {
    #[command(flatten)]
    publish: PublishArgs,
    /// Also verify the items that finish (and those minted but not verified yet).
    #[command(flatten)]
    check: VerifyAfter,
}

/// A minted (or already minted) item, as `mint` and `resume` report it.
#[derive(Serialize)]
struct Minted {
    item: ItemId,
    network: String,
    chain_id: u64,
    contract: Address,
    token_id: TokenId,
    token_uri: String,
    tx: Option<B256>,
    block: Option<u64>,
    gas_used: Option<u64>,
}

fn outbox(data_dir: &DataDir) -> anyhow::Result<Outbox> {
    let path = data_dir.path().join("outbox.sqlite");
    Outbox::open(&path).with_context(|| format!("cannot open the mint outbox {}", path.display()))
}

/// The step bar: one position per step.
fn step_bar(verify: bool) -> ProgressBar {
    let steps = Step::ALL.len() - usize::from(!verify);
    let bar = ProgressBar::new(steps as u64).with_style(
        ProgressStyle::with_template("{bar:20} {pos}/{len} {msg}").expect("a valid template"),
    );
    bar.set_message("queued");
    bar
}

/// What the bar says, and the point a fault-injection test may stop the process at.
fn on_progress(bar: &ProgressBar, event: Progress) {
    let label = match event {
        Progress::Started(step) => {
            bar.set_message(match step {
                Step::Generated => "generating",
                Step::Exported => "writing the files",
                Step::Stored => "storing and pinning the files",
                Step::Published => "publishing",
                Step::Submitted => "sending the mint transaction",
                Step::Confirmed => "waiting for the token",
                Step::Verified => "verifying: files by CID, the generator re-run",
            });
            format!("{step}:started")
        }
        Progress::Finished(step) => {
            bar.set_position(
                Step::ALL
                    .iter()
                    .position(|s| *s == step)
                    .map_or(0, |i| i + 1) as u64,
            );
            format!("{step}:finished")
        }
        Progress::Recorded(_) => {
            bar.set_message("waiting for the transaction to land");
            "submitted:recorded".into()
        }
        Progress::Landed => "submitted:landed".into(),
        Progress::FilePublished(file) => {
            bar.set_message(format!("published {file}"));
            format!("published:{file}")
        }
    };
    stop_here_if_asked(&label);
}

/// For the fault-injection tests only: `KILN_FAULT=<point>` kills this process (SIGKILL, as a
/// power cut or the OOM killer would) when it reaches that point, e.g. `stored:finished` or
/// `submitted:recorded` (the transaction written down, not yet sent).
fn stop_here_if_asked(point: &str) {
    if std::env::var("KILN_FAULT").is_ok_and(|fault| fault == point) {
        // bash's own `kill`: minimal systems have no kill binary.
        let _ = std::process::Command::new("bash")
            .args(["-c", &format!("kill -KILL {}", std::process::id())])
            .status();
        loop {
            std::thread::park();
        }
    }
}

/// Runs an outbox item to its token on the connected chain.
async fn finish_item(
    outbox: &Outbox,
    id: ItemId,
    connected: &Connected,
    steps: &Steps<'_>,
    data_dir: &DataDir,
    bar: &ProgressBar,
) -> anyhow::Result<Minted> {
    let mut store = data_dir.blockstore()?;
    let network = connected.network_name();
    let item = on_chain!(connected, |chain| advance(
        outbox,
        id,
        &mut store,
        chain,
        steps,
        |event| { on_progress(bar, event) }
    )
    .await);
    bar.finish_and_clear();
    let item =
        item.with_context(|| format!("item {id} stopped; `kiln-cli resume` goes on from there"))?;
    let token_id = item.token_id.context("a confirmed item has a token")?;
    let token_uri = on_chain!(connected, |chain| chain.token_uri(token_id).await)?;
    Ok(Minted {
        item: item.id,
        network,
        chain_id: item.chain_id,
        contract: item.contract,
        token_id,
        token_uri,
        tx: item.tx_hash.filter(|hash| !hash.is_zero()),
        block: item.block.filter(|block| *block > 0),
        gas_used: item.gas_used.filter(|gas| *gas > 0),
    })
}

fn print_minted(out: &mut dyn std::io::Write, minted: &Minted) -> std::io::Result<()> {
    writeln!(
        out,
        "minted token {} (outbox item {})",
        minted.token_id, minted.item
    )?;
    writeln!(out, "token URI: {}", minted.token_uri)?;
    match (minted.tx, minted.block, minted.gas_used) {
        (Some(tx), Some(block), Some(gas)) => writeln!(
            out,
            "transaction {tx} in block {block} ({gas} gas) on {}",
            minted.network
        ),
        _ => writeln!(
            out,
            "it was on {} already; nothing was sent",
            minted.network
        ),
    }
}

pub fn run_mint(args: &MintArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let exported = read_exported(&args.dir)?;
    let dir = std::fs::canonicalize(&args.dir)
        .with_context(|| format!("cannot resolve {}", args.dir.display()))?;
    let publish = args.publish.publish()?;
    let generator = args.check.generator()?;
    let steps = args.check.steps(&publish, generator.as_ref());
    let outbox = outbox(data_dir)?;
    let bar = step_bar(args.check.verify);
    let minted = crate::runtime()?.block_on(async {
        let connected = connect(&args.network, data_dir, Access::Send).await?;
        let deployment = on_chain!(&connected, |chain| chain.deployment())?;
        let id = outbox.enqueue(
            &dir,
            &args.network.network,
            deployment,
            exported.glb_sha256,
            exported.metadata_sha256,
        )?;
        finish_item(&outbox, id, &connected, &steps, data_dir, &bar).await
    })?;
    output::print(json, &minted, |out| print_minted(out, &minted))
}

impl VerifyAfter {
    /// The steps with `publish`, the model when there is one, and verification when asked.
    fn steps<'a>(
        &self,
        publish: &'a Publish,
        generator: Option<&'a crate::verify::LocalGenerator>,
    ) -> Steps<'a> {
        Steps {
            generator: generator.map(|g| g as &dyn kiln_mint::Generate),
            verify: self.verify,
            ..Steps::publish(publish)
        }
    }

    /// The model, when verification needs it; `resume` also takes it when the weights are
    /// there, for items written down before their files were made.
    fn generator(&self) -> anyhow::Result<Option<crate::verify::LocalGenerator>> {
        match crate::verify::LocalGenerator::new(&self.model) {
            Ok(generator) => Ok(Some(generator)),
            Err(error) if self.verify => Err(error),
            Err(_) => Ok(None),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct CreateArgs {
    /// What to make, e.g. "a tall red chair with gold legs".
    prompt: String,
    /// Picks one of the prompt's variations.
    #[arg(long, default_value_t = 0)]
    seed: u64,
    /// Where the three files go. Default: items/<seed>-<prompt> in the data directory.
    #[arg(long, value_name = "DIR")]
    out_dir: Option<PathBuf>,
    #[command(flatten)]
    model: crate::generate::ModelArgs,
    #[command(flatten)]
    mesh: crate::generate::MeshArgs,
    #[command(flatten)]
    network: NetworkArgs,
    #[command(flatten)]
    publish: PublishArgs,
    /// After the mint, verify the token as anyone would (files by CID, the generator re-run);
    /// the outbox records the item as verified.
    #[arg(long)]
    verify: bool,
}

#[derive(Serialize)]
struct Created {
    export: crate::export::Exported,
    mint: Minted,
}

/// `kiln-cli create`: export, then mint through the outbox.
pub fn run_create(args: &CreateArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let out_dir = args
        .out_dir
        .clone()
        .unwrap_or_else(|| data_dir.item_dir(&args.prompt, args.seed));
    let mut recipe = Recipe::new(&args.prompt, args.seed, "", crate::export::created_unix()?);
    args.mesh.apply(&mut recipe)?;
    let publish = args.publish.publish()?;
    let runtime = crate::runtime()?;
    // Connected (and the key unlocked) before the model runs: the metadata names the account
    // that mints, and a wrong passphrase should not cost a generation.
    let connected = runtime.block_on(connect(&args.network, data_dir, Access::Send))?;
    recipe.creator = Some(connected.account());
    let bar = step_bar(args.verify);
    on_progress(&bar, Progress::Started(Step::Generated));
    let item =
        crate::generate::generate_item(&args.prompt, args.seed, &args.model, &recipe.options())?;
    let weights = args.model.weights_file(&item.weights_sha256)?;
    recipe.weights_cid = Some(
        kiln_mint::store_weights(&mut data_dir.blockstore()?, &weights, recipe.profile)?
            .to_string(),
    );
    recipe.weights_sha256 = item.weights_sha256;
    let files = ItemFiles::make(&recipe, &item.generated)?;
    let generator = crate::verify::LocalGenerator::new(&args.model)?;
    let steps = Steps {
        generator: Some(&generator),
        verify: args.verify,
        ..Steps::publish(&publish)
    };
    std::fs::create_dir_all(&out_dir)
        .with_context(|| format!("cannot create {}", out_dir.display()))?;
    let out_dir = std::fs::canonicalize(&out_dir)
        .with_context(|| format!("cannot resolve {}", out_dir.display()))?;
    let outbox = outbox(data_dir)?;
    let minted = runtime.block_on(async {
        let deployment = on_chain!(&connected, |chain| chain.deployment())?;
        // Written down before the files exist: if the process stops now, `resume` makes them
        // again from the recipe.
        let id = outbox.order(&out_dir, &args.network.network, deployment, &recipe)?;
        on_progress(&bar, Progress::Finished(Step::Generated));
        on_progress(&bar, Progress::Started(Step::Exported));
        let id = export_generated(&outbox, id, &out_dir, &files, &mut |event| {
            on_progress(&bar, event)
        })?;
        finish_item(&outbox, id, &connected, &steps, data_dir, &bar).await
    })?;
    let exported =
        crate::export::Exported::of(&out_dir, &files, true, &item.generated.unknown_words);
    let created = Created {
        export: exported,
        mint: minted,
    };
    if json {
        return output::print(true, &created, |_| Ok(()));
    }
    crate::export::print(false, &created.export)?;
    output::print(false, &created.mint, |out| print_minted(out, &created.mint))
}

pub fn run_outbox(data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let items = outbox(data_dir)?.all()?;
    output::print(json, &items, |out| {
        if items.is_empty() {
            return writeln!(out, "the mint outbox is empty");
        }
        for item in &items {
            let token = item
                .token_id
                .map_or(String::new(), |token| format!(" token {token}"));
            writeln!(
                out,
                "{:>4}  {:<10} {}{token}  ({})",
                item.id,
                item.state.as_str(),
                item.item_dir.display(),
                item.network
            )?;
            if let Some(error) = &item.last_error {
                writeln!(out, "      stopped: {error}")?;
            }
        }
        Ok(())
    })
}

#[derive(Serialize)]
struct Resumed {
    finished: Vec<Minted>,
    failed: Vec<(ItemId, String)>,
}

pub fn run_resume(args: &ResumeArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let publish = args.publish.publish()?;
    let generator = args.check.generator()?;
    let steps = args.check.steps(&publish, generator.as_ref());
    let outbox = outbox(data_dir)?;
    let unfinished: Vec<OutboxItem> = if args.check.verify {
        let all = outbox.all()?;
        all.into_iter()
            .filter(|item| item.state < Step::Verified)
            .collect()
    } else {
        outbox.unfinished()?
    };
    let runtime = crate::runtime()?;
    let mut report = Resumed {
        finished: Vec::new(),
        failed: Vec::new(),
    };
    for item in unfinished {
        let network = NetworkArgs {
            network: item.network.clone(),
            chain_id: Some(item.chain_id),
            contract: Some(item.contract),
            confirmations: 1,
        };
        let bar = step_bar(args.check.verify);
        let finished = runtime.block_on(async {
            let connected = connect(&network, data_dir, Access::Send).await?;
            finish_item(&outbox, item.id, &connected, &steps, data_dir, &bar).await
        });
        match finished {
            Ok(minted) => report.finished.push(minted),
            Err(error) => report.failed.push((item.id, format!("{error:#}"))),
        }
    }
    output::print(json, &report, |out| {
        if report.finished.is_empty() && report.failed.is_empty() {
            return writeln!(
                out,
                "nothing to resume: every item in the outbox has its token"
            );
        }
        for minted in &report.finished {
            print_minted(out, minted)?;
        }
        for (id, error) in &report.failed {
            writeln!(out, "item {id} stopped again: {error}")?;
        }
        Ok(())
    })?;
    if !report.failed.is_empty() {
        bail!(
            "{} item(s) could not be finished (see above)",
            report.failed.len()
        );
    }
    Ok(())
}
