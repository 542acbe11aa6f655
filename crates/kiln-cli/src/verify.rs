//! `kiln-cli verify TOKEN`: checks a token from the chain alone — its record, its metadata and
//! GLB fetched by CID, and the generator run again with the recorded prompt, seed and weights.

use anyhow::bail;
use kiln_chain::TokenId;
use kiln_gen::GenerateOptions;
use kiln_mint::{Content, Regenerate, verify};

use crate::chain::{Access, NetworkArgs, connect, on_chain};
use crate::data_dir::DataDir;
use crate::generate::{ModelArgs, generate_item};
use crate::output;

#[derive(Debug, clap::Args)]
pub struct VerifyArgs {
    /// The token id: the GLB's sha256 in hex, or the decimal id explorers show.
    id: TokenId,
    #[command(flatten)]
    network: NetworkArgs,
    #[command(flatten)]
    model: ModelArgs,
    #[command(flatten)]
    gateways: crate::fetch::GatewayArgs,
    /// Use only the local blockstore, no gateway.
    #[arg(long)]
    offline: bool,
}

/// The generator this Kiln has, as verification runs it.
pub struct LocalGenerator<'a> {
    model: &'a ModelArgs,
    weights_sha256: String,
}

impl<'a> LocalGenerator<'a> {
    pub fn new(model: &'a ModelArgs) -> anyhow::Result<Self> {
        Ok(Self {
            weights_sha256: model.weights()?.sha256,
            model,
        })
    }
}

impl Regenerate for LocalGenerator<'_> {
    fn weights_sha256(&self) -> String {
        self.weights_sha256.clone()
    }

    fn regenerate(&self, prompt: &str, seed: u64, height: f32) -> Result<Vec<u8>, String> {
        let item = generate_item(prompt, seed, self.model, &GenerateOptions::default())
            .map_err(|error| format!("{error:#}"))?;
        let mut mesh = item.generated.mesh;
        // Items stand at their prompt's height unless exported with --height; the metadata
        // records the height to a tenth of a millimetre.
        let (min, max) = mesh.bounds();
        if ((max[1] - min[1]) - height).abs() > 2e-4 {
            mesh.stand_on_ground(Some(height));
        }
        Ok(kiln_asset::write_glb(
            &mesh,
            &item.generated.description.to_string(),
        ))
    }
}

pub fn run(args: &VerifyArgs, data_dir: &DataDir, json: bool) -> anyhow::Result<()> {
    let generator = LocalGenerator::new(&args.model)?;
    let client = args.gateways.client()?;
    let mut store = data_dir.blockstore()?;
    let runtime = crate::runtime()?;
    let verification = runtime.block_on(async {
        let connected = connect(&args.network, data_dir, Access::Read).await?;
        let mut content = Content {
            store: &mut store,
            gateways: (!args.offline).then_some(&client),
        };
        let spinner = crate::progress::spinner("verifying");
        let verification = on_chain!(&connected, |chain| verify(
            args.id,
            chain,
            &mut content,
            &generator
        )
        .await);
        spinner.finish_and_clear();
        anyhow::Ok(verification)
    })?;
    output::print(json, &verification, |out| {
        for check in &verification.checks {
            let mark = if check.ok { "✓" } else { "✗" };
            writeln!(out, "{mark} {:<24} {}", check.name, check.detail)?;
        }
        Ok(())
    })?;
    if !verification.ok {
        bail!("token {} did not verify (see the ✗ above)", args.id);
    }
    Ok(())
}
