// The development chain as a user meets it: `scripts/run-dev` starts it, blocks are
// produced and finalized, polkadot.js reads its token and metadata, and a signed balance
// transfer is included with its events.
// On the fast runtime (two-second slots, every period's block count unchanged): the
// subject here is not the clock.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { UNIT, accounts, heads, rpc, submitAndWatch, useDevChain, waitFor } from './lib/harness.mjs';

// Ports away from a dev chain the user may be running on the defaults.
const ports = { rpcPort: 19944, p2pPort: 31333, prometheusPort: 19615 };

describe('development chain (--dev)', () => {
  const chain = useDevChain(ports, { runtime: 'fast' });

  test('produces and finalizes blocks', async () => {
    const h = await waitFor(
      'block 3 finalized',
      async () => {
        const h = await heads(ports.rpcPort);
        return h.finalized >= 3 && h;
      },
      { timeoutMs: 60_000 },
    );
    assert.ok(h.best >= h.finalized, `best ${h.best} behind finalized ${h.finalized}`);
    // The fast runtime's slots: two seconds each, by the blocks' slots and timestamps.
    assert.equal(chain.api.consts.babe.expectedBlockTime.toNumber(), 2000);
    const at = async (n) => {
      const state = await chain.api.at(await chain.api.rpc.chain.getBlockHash(n));
      return {
        slot: (await state.query.babe.currentSlot()).toNumber(),
        ms: (await state.query.timestamp.now()).toNumber(),
      };
    };
    const [first, last] = [await at(1), await at(h.finalized)];
    const perSlot = (last.ms - first.ms) / (last.slot - first.slot);
    assert.ok(Math.abs(perSlot - 2000) < 500, `${perSlot} ms per slot from block 1 to ${h.finalized}`);
    const health = await rpc(ports.rpcPort, 'system_health');
    assert.equal(health.isSyncing, false);
  });

  test('serves the standard JSON-RPC methods and Prometheus metrics on loopback', async () => {
    const { methods } = await rpc(ports.rpcPort, 'rpc_methods');
    for (const method of [
      'system_health',
      'system_accountNextIndex',
      'chain_getFinalizedHead',
      'state_getMetadata',
      'state_call',
      'author_submitAndWatchExtrinsic',
      'payment_queryInfo',
      'payment_queryFeeDetails',
    ]) {
      assert.ok(methods.includes(method), `${method} is served`);
    }
    const res = await fetch(`http://127.0.0.1:${ports.prometheusPort}/metrics`);
    assert.equal(res.status, 200);
    const metrics = await res.text();
    assert.match(metrics, /substrate_block_height\{status="finalized"/);
  });

  test('tells clients its token, address format and metadata', async () => {
    const props = await rpc(ports.rpcPort, 'system_properties');
    assert.deepEqual(props, { ss58Format: 42, tokenDecimals: 12, tokenSymbol: 'DCC' });
    assert.equal(await rpc(ports.rpcPort, 'system_chain'), 'DePIN Compute Development');
    assert.equal(chain.api.runtimeVersion.specName.toString(), 'depin-compute');

    // V16, the latest this release line supports, and the older ones clients still ask for.
    const versions = (await chain.api.call.metadata.metadataVersions()).map((v) => v.toNumber());
    assert.deepEqual(versions, [14, 15, 16]);
    const opaque = await chain.api.call.metadata.metadataAtVersion(16);
    assert.ok(opaque.isSome, 'metadata at version 16 is served');

    // The pallets users reach from polkadot.js apps are in the metadata with their docs.
    for (const pallet of [
      'system',
      'balances',
      'transactionPayment',
      'babe',
      'grandpa',
      'referenda',
      'dao',
      'treasury',
    ]) {
      assert.ok(chain.api.query[pallet], `pallet ${pallet} in metadata`);
    }
    // No key rules the chain: there is no sudo pallet, and no call of any pallet is sudo's.
    assert.equal(chain.api.tx.sudo, undefined, 'sudo is absent from the metadata');
    const pallets = chain.api.runtimeMetadata.asLatest.pallets.map((p) => p.name.toString());
    assert.ok(!pallets.includes('Sudo'), `no Sudo pallet among ${pallets}`);
    assert.ok(chain.api.tx.balances.transferKeepAlive.meta.docs.length > 0, 'calls carry docs');
  });

  test('includes a signed balance transfer and emits its events', async () => {
    const { alice, fresh } = await accounts();
    const dest = fresh();
    const amount = 10n * UNIT;
    const aliceBefore = (await chain.api.query.system.account(alice.address)).data.free.toBigInt();

    const { blockHash, error, events } = await submitAndWatch(
      chain.api,
      chain.api.tx.balances.transferKeepAlive(dest.address, amount),
      alice,
    );
    assert.equal(error, undefined, `transfer failed: ${error}`);

    const names = events.map((e) => e.name);
    assert.ok(names.includes('system.ExtrinsicSuccess'), `events: ${names}`);
    assert.ok(names.includes('system.NewAccount'), `events: ${names}`);
    const transfer = events.find((e) => e.name === 'balances.Transfer');
    assert.ok(transfer, `events: ${names}`);
    assert.equal(transfer.named.from, alice.address);
    assert.equal(transfer.named.to, dest.address);
    assert.equal(BigInt(transfer.named.amount), amount);
    const feePaid = events.find((e) => e.name === 'transactionPayment.TransactionFeePaid');
    assert.ok(feePaid, `events: ${names}`);
    const fee = BigInt(feePaid.named.actualFee);
    assert.ok(fee > 0n, 'a signed transfer pays a fee');

    // State at the including block: the recipient has exactly the amount, Alice paid
    // amount + fee.
    const at = await chain.api.at(blockHash);
    assert.equal((await at.query.system.account(dest.address)).data.free.toBigInt(), amount);
    assert.equal((await at.query.system.account(alice.address)).data.free.toBigInt(), aliceBefore - amount - fee);

    // And the block is finalized.
    const included = Number((await chain.api.rpc.chain.getHeader(blockHash)).number.toBigInt());
    await waitFor(`block ${included} finalized`, async () => (await heads(ports.rpcPort)).finalized >= included);
    const canonical = await rpc(ports.rpcPort, 'chain_getBlockHash', [included]);
    assert.equal(canonical, blockHash);
  });

  test('a transfer beyond the balance fails with a readable error and costs its fee', async () => {
    const { alice, fresh } = await accounts();
    const poor = fresh();
    await submitAndWatch(chain.api, chain.api.tx.balances.transferKeepAlive(poor.address, UNIT), alice);

    const { error, events } = await submitAndWatch(
      chain.api,
      chain.api.tx.balances.transferKeepAlive(alice.address, 100n * UNIT),
      poor,
    );
    assert.ok(error, 'the transfer fails');
    assert.match(error, /FundsUnavailable|InsufficientBalance/);
    assert.ok(events.some((e) => e.name === 'system.ExtrinsicFailed'));
    const free = (await chain.api.query.system.account(poor.address)).data.free.toBigInt();
    assert.ok(free < UNIT, 'the failed call still paid its fee');
  });
});
