// Validators answer for equivocation, end to end on the four-validator local testnet: a
// fifth node is given Alice's BABE and GRANDPA keys, so that two machines author in her
// slots (and may vote twice in her name). The other nodes see two blocks by one author in
// one slot and report it with a proof that the key was hers in that session; the chain
// records the offence, disables her for the rest of the session and slashes her validator
// bond to the treasury, to the unit; finality goes on.
// On the fast runtime (two-second slots): the subject here is not the clock.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';
import { u8aToHex } from '@polkadot/util';

import { rpc, useComputeTestnet, waitFor } from './lib/harness.mjs';

const offset = 1800;

describe('equivocation on the local testnet', () => {
  const net = useComputeTestnet('equivocation-testnet', offset, { runtime: 'fast' });
  const { guard } = net;

  const finalizedNumber = async () =>
    (await net.api.rpc.chain.getHeader(await net.api.rpc.chain.getFinalizedHead())).number.toNumber();

  test(
    "a second machine with Alice's keys: reported, disabled, slashed to the unit, and finality goes on",
    guard(async () => {
      const alice = net.who.alice.address;
      const treasury = (await net.api.query.system.account(treasuryAccount(net.api))).data.free.toBigInt();
      const bond = (await net.api.query.balances.holds(alice))
        .find((h) => h.id.isValidators && h.id.asValidators.isValidatorBond)
        .amount.toBigInt();
      assert.equal(
        bond,
        (await net.api.query.validators.minimumBond()).toBigInt(),
        'Alice bonded the minimum at genesis',
      );

      // Eve's node, with Alice's session keys put in its keystore next to Eve's own.
      net.testnet(['start-node', 'eve']);
      await waitFor(
        'Eve to see the four validators',
        async () => (await rpc(net.rpcPort('eve'), 'system_health')).peers >= 4,
        {
          timeoutMs: 90_000,
        },
      );
      // Synced, so that it authors on the chain the others build: its blocks then compete
      // with Alice's in her slots.
      await waitFor(
        "Eve's node to be synced",
        async () => {
          const health = await rpc(net.rpcPort('eve'), 'system_health');
          const eveBest = parseInt((await rpc(net.rpcPort('eve'), 'chain_getHeader', [])).number, 16);
          const best = (await net.api.rpc.chain.getHeader()).number.toNumber();
          return !health.isSyncing && eveBest >= best - 1;
        },
        { timeoutMs: 120_000, intervalMs: 1000 },
      );
      const babe = new Keyring({ type: 'sr25519' }).addFromUri('//Alice');
      const grandpa = new Keyring({ type: 'ed25519' }).addFromUri('//Alice');
      await rpc(net.rpcPort('eve'), 'author_insertKey', ['babe', '//Alice', u8aToHex(babe.publicKey)]);
      await rpc(net.rpcPort('eve'), 'author_insertKey', ['gran', '//Alice', u8aToHex(grandpa.publicKey)]);

      // The other nodes report; the chain acts on the report.
      const started = Date.now();
      const { offence, slashed, at } = await waitFor(
        'an offence of Alice on chain',
        async () => {
          const head = await net.api.rpc.chain.getFinalizedHead();
          const found = await eventsSince(net.api, head, 20);
          const slash = found.find((e) => e.section === 'validators' && e.method === 'Slashed');
          const reported = found.find((e) => e.section === 'offences' && e.method === 'Offence');
          return slash && reported && { offence: reported, slashed: slash, at: slash.at };
        },
        // Minutes on a loaded machine: the twin must win a slot of Alice's while she does.
        { timeoutMs: 480_000, intervalMs: 2000 },
      );
      const seconds = ((Date.now() - started) / 1000).toFixed(0);
      const kind = Buffer.from(offence.data[0]).toString('utf8');
      assert.match(kind, /^(babe|grandpa):equivoca/, `the offence kind: ${kind}`);
      assert.equal(slashed.data[0].toString(), alice, 'the offender is Alice');

      // Slashed by the offence's fraction: (3 × 1 / 4)² = 56.25 % for one of four.
      const fraction = slashed.data[2].toBigInt();
      const amount = slashed.data[3].toBigInt();
      assert.equal(fraction, 562_500_000n);
      assert.equal(amount, (bond * fraction) / 1_000_000_000n);
      const state = await net.api.at(at);
      const held = (await state.query.balances.holds(alice))
        .find((h) => h.id.isValidators && h.id.asValidators.isValidatorBond)
        .amount.toBigInt();
      assert.equal(held, bond - amount, "the rest of Alice's bond stays held");
      const treasuryAfter = (await state.query.system.account(treasuryAccount(net.api))).data.free.toBigInt();
      assert.ok(treasuryAfter - treasury >= amount, 'the slash reached the treasury');

      // Disabled for the rest of the session: her index among the session's validators.
      const validators = (await state.query.session.validators()).map((v) => v.toString());
      const disabled = (await state.query.session.disabledValidators()).map(([i]) => i.toNumber());
      assert.ok(
        disabled.includes(validators.indexOf(alice)),
        `Alice (index ${validators.indexOf(alice)}) disabled: ${disabled}`,
      );

      // Finality goes on: the three others are more than two thirds of four.
      net.testnet(['kill', 'eve']);
      const from = (await net.api.rpc.chain.getHeader()).number.toNumber();
      await waitFor('finality after the offence', async () => (await finalizedNumber()) >= from + 2, {
        timeoutMs: 90_000,
        intervalMs: 1000,
      });
      console.log(
        `equivocation: ${kind} on the finalized chain ${seconds} s after the second machine got Alice's keys; ` +
          `Alice disabled, ${amount / 10n ** 12n} of her ${bond / 10n ** 12n} DCC bond slashed to the treasury`,
      );
    }),
  );
});

/** The treasury's account id (`modl` + the pallet id, zero-padded). */
function treasuryAccount(api) {
  const id = api.consts.treasury.palletId.toU8a();
  const raw = new Uint8Array(32);
  raw.set(new TextEncoder().encode('modl'));
  raw.set(id, 4);
  return u8aToHex(raw);
}

/** The events of the `count` blocks up to and including `head`, each with its block hash. */
async function eventsSince(api, head, count) {
  const found = [];
  let hash = head;
  for (let i = 0; i < count; i++) {
    const state = await api.at(hash);
    for (const { event } of await state.query.system.events())
      found.push({ ...event, section: event.section, method: event.method, data: event.data, at: hash });
    const header = await api.rpc.chain.getHeader(hash);
    if (header.number.toNumber() === 0) break;
    hash = header.parentHash;
  }
  return found;
}
