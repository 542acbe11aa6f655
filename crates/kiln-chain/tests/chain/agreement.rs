//! The same scenario on the sandbox and on anvil: every result, event and gas figure must agree,
//! because both run the same bytecode under the same hardfork.

use alloy::primitives::Address;
use kiln_chain::{Chain, ChainError, KilnEvent, MintRequest, Placement, Revert, TokenId};

use crate::support::{Item, anvil_chain, block_on, sandbox};

/// What a scenario observed, with the parts that differ between chains by nature (hashes,
/// block numbers, the signing account) left out or named by role.
#[derive(Debug, PartialEq)]
pub(crate) struct Observed {
    pub(crate) gas: Vec<(&'static str, u64)>,
    pub(crate) token_uris: Vec<String>,
    pub(crate) refusals: Vec<String>,
    pub(crate) events: Vec<String>,
    pub(crate) records: Vec<String>,
}

/// The contract's reason for refusing, which a refused operation must have given.
fn refusal<T: std::fmt::Debug>(result: Result<T, ChainError>) -> String {
    match result {
        Err(ChainError::Reverted(revert)) => format!("{revert:?}"),
        other => panic!("expected a refusal, got {other:?}"),
    }
}

/// Mints, refuses, places, moves, removes and transfers on `chain`.
pub(crate) async fn scenario<C: Chain>(chain: &C) -> Observed {
    let me = chain.account();
    let friend = Address::repeat_byte(0x42);
    let role = |address: Address| match address {
        a if a == me => "me".to_string(),
        a if a == friend => "friend".to_string(),
        a if a.is_zero() => "nobody".to_string(),
        other => other.to_string(),
    };
    let (a, b, c) = (Item::new(1), Item::new(2), Item::new(3));
    let mut gas = Vec::new();
    let mut refusals = Vec::new();

    let minted = chain.mint(a.request()).await.unwrap();
    assert_eq!(minted.token_id, TokenId::of(me, a.request().glb_sha256));
    assert_eq!(
        minted.token_uri,
        a.token_uri(),
        "tokenURI is not the metadata's raw CID"
    );
    gas.push(("mint to a new holder", minted.tx.gas_used));
    let id_a = minted.token_id;

    let again = chain.mint(a.request()).await;
    assert!(matches!(
        &again,
        Err(ChainError::Reverted(Revert::AlreadyMinted { token })) if *token == id_a
    ));
    refusals.push(refusal(again));

    let minted_b = chain
        .mint(MintRequest {
            to: Some(friend),
            ..b.request()
        })
        .await
        .unwrap();
    gas.push(("mint to another new holder", minted_b.tx.gas_used));
    let minted_c = chain.mint(c.request()).await.unwrap();
    gas.push(("mint to a holder", minted_c.tx.gas_used));
    let (id_b, id_c) = (minted_b.token_id, minted_c.token_id);

    let plot = Placement {
        x: 2,
        z: -3,
        rotation: 90,
    };
    gas.push(("place", chain.place(id_a, plot).await.unwrap().gas_used));
    let turned = Placement {
        rotation: 270,
        ..plot
    };
    gas.push((
        "turn in place",
        chain.place(id_a, turned).await.unwrap().gas_used,
    ));
    refusals.push(refusal(chain.place(id_c, plot).await));
    refusals.push(refusal(
        chain
            .place(
                id_b,
                Placement {
                    x: 9,
                    z: 9,
                    rotation: 0,
                },
            )
            .await,
    ));
    refusals.push(refusal(
        chain
            .place(
                id_c,
                Placement {
                    x: 0,
                    z: 0,
                    rotation: 360,
                },
            )
            .await,
    ));
    gas.push((
        "place",
        chain
            .place(
                id_c,
                Placement {
                    x: 0,
                    z: 0,
                    rotation: 0,
                },
            )
            .await
            .unwrap()
            .gas_used,
    ));
    gas.push((
        "move",
        chain
            .place(
                id_c,
                Placement {
                    x: 1,
                    z: 0,
                    rotation: 0,
                },
            )
            .await
            .unwrap()
            .gas_used,
    ));
    assert_eq!(chain.item_at(0, 0).await.unwrap(), None);
    assert_eq!(chain.item_at(1, 0).await.unwrap(), Some(id_c));
    gas.push(("remove", chain.remove(id_c).await.unwrap().gas_used));
    refusals.push(refusal(chain.remove(id_c).await));
    gas.push((
        "transfer to a new holder",
        chain.transfer(id_a, friend).await.unwrap().gas_used,
    ));
    refusals.push(refusal(chain.transfer(id_a, friend).await));

    assert_eq!(chain.item_at(2, -3).await.unwrap(), Some(id_a));
    let unknown = TokenId::of(me, Item::new(99).request().glb_sha256);
    assert_eq!(chain.token(unknown).await.unwrap(), None);
    refusals.push(refusal(chain.place(unknown, plot).await));

    let mut records = Vec::new();
    for id in [id_a, id_b, id_c] {
        let record = chain.token(id).await.unwrap().expect("a minted token");
        assert_eq!(record.creator, me);
        records.push(format!(
            "owner {} creator {} uri {} placement {:?}",
            role(record.owner),
            role(record.creator),
            record.token_uri,
            record.placement
        ));
    }
    let record_a = chain.token(id_a).await.unwrap().unwrap();
    assert_eq!(record_a.owner, friend);
    assert_eq!(
        record_a.placement,
        Some(turned),
        "a transfer moved the item"
    );

    let deployment = chain.deployment().unwrap();
    let head = chain.head().await.unwrap();
    let events: Vec<String> = chain
        .events(deployment.block, head.number)
        .await
        .unwrap()
        .into_iter()
        .map(|logged| match logged.event {
            KilnEvent::Minted { token, creator, .. } => {
                format!("minted {token} by {}", role(creator))
            }
            KilnEvent::Transferred { token, from, to } => {
                format!("{token} from {} to {}", role(from), role(to))
            }
            KilnEvent::Placed { token, placement } => format!("placed {token} at {placement:?}"),
            KilnEvent::Removed { token, x, z } => format!("removed {token} from ({x}, {z})"),
        })
        .collect();

    // Token ids bind the signing account, which differs between the chains: tokens are named
    // by their part in the scenario.
    let me_in_text = format!("{me:?}");
    let names = [(id_a, "A"), (id_b, "B"), (id_c, "C"), (unknown, "unknown")];
    let named = |text: &String| {
        names
            .iter()
            .fold(text.replace(&me_in_text, "me"), |text, (id, name)| {
                text.replace(&id.to_string(), name)
            })
    };
    Observed {
        gas,
        token_uris: vec![minted.token_uri, minted_b.token_uri, minted_c.token_uri],
        refusals: refusals.iter().map(named).collect(),
        events: events.iter().map(named).collect(),
        records: records.iter().map(named).collect(),
    }
}

#[test]
fn the_sandbox_and_anvil_agree_on_every_result_event_and_gas_figure() {
    let on_sandbox = block_on(scenario(&sandbox()));
    let on_anvil = block_on(async {
        let (_anvil, chain, _) = anvil_chain().await;
        scenario(&chain).await
    });
    for ((what, sandbox_gas), (_, anvil_gas)) in on_sandbox.gas.iter().zip(&on_anvil.gas) {
        let difference = sandbox_gas.abs_diff(*anvil_gas) as f64 / *anvil_gas as f64;
        assert!(
            difference <= 0.01,
            "{what}: sandbox {sandbox_gas} gas, anvil {anvil_gas} gas"
        );
    }
    // Gas depends on the calldata's zero bytes, and the signing accounts differ: equal
    // within 1% (checked above), and everything else exactly.
    let without_gas = |observed: Observed| Observed {
        gas: Vec::new(),
        ..observed
    };
    let (on_sandbox, on_anvil) = (without_gas(on_sandbox), without_gas(on_anvil));
    assert_eq!(on_sandbox, on_anvil);
    assert_eq!(on_sandbox.refusals.len(), 7, "{:#?}", on_sandbox.refusals);
    assert_eq!(
        on_sandbox.events.len(),
        3 * 2 + 4 + 1 + 1,
        "{:#?}",
        on_sandbox.events
    );
}

#[test]
fn the_gas_table_agrees_within_one_percent_on_both_chains_and_a_first_mint_meets_the_goal() {
    let on_sandbox = block_on(kiln_chain::gas::measure(&sandbox())).unwrap();
    let on_anvil = block_on(async {
        let (_anvil, chain, _) = anvil_chain().await;
        kiln_chain::gas::measure(&chain).await.unwrap()
    });
    eprintln!("{:<58} {:>10} {:>10}", "operation", "sandbox", "anvil");
    for (sandbox_row, anvil_row) in on_sandbox.iter().zip(&on_anvil) {
        eprintln!(
            "{:<58} {:>10} {:>10}",
            sandbox_row.operation, sandbox_row.gas, anvil_row.gas
        );
    }
    for (sandbox_row, anvil_row) in on_sandbox.iter().zip(&on_anvil) {
        assert_eq!(sandbox_row.operation, anvil_row.operation);
        let difference = sandbox_row.gas.abs_diff(anvil_row.gas) as f64 / anvil_row.gas as f64;
        assert!(difference <= 0.01, "{sandbox_row:?} vs {anvil_row:?}");
    }
    let gas = |operation: &str| {
        on_anvil
            .iter()
            .find(|row| row.operation.starts_with(operation))
            .unwrap()
            .gas
    };
    let first_mint = gas("Kiln mint to a new holder");
    assert!(
        first_mint <= 125_000,
        "a first mint costs {first_mint} gas, above the 125,000 goal"
    );
    assert!(
        first_mint > gas("OpenZeppelin"),
        "the yardstick cannot cost more than a mint that records more"
    );
}
