// The four-validator local testnet, run by `scripts/local-testnet`: all four import and
// finalize; with one killed (SIGKILL) the other three keep producing and finalizing; the
// killed one restarts on its old base path, catches up, and nothing is lost.

import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';

import {
  UNIT,
  accounts,
  blockHash,
  connect,
  heads,
  localTestnet,
  rpc,
  submitAndWatch,
  testnetNames as names,
  waitFor,
} from './lib/harness.mjs';

// Ports away from a testnet or dev chain the user may be running on the defaults.
const offset = 1200;

describe('local testnet (--chain local, four validators)', () => {
  const { rpcPort, testnet, guard, teardown } = localTestnet('testnet', offset);

  before(() => {
    testnet(['start']);
  });

  after(teardown);

  // Every live node agrees on the hash of finalized block `number`.
  async function agreeOn(number, live) {
    const hashes = await Promise.all(live.map((n) => blockHash(rpcPort(n), number)));
    assert.ok(
      hashes.every((h) => h === hashes[0]),
      `nodes disagree on block ${number}: ${hashes}`,
    );
    return hashes[0];
  }

  test(
    'all four validators connect, import and finalize',
    guard(async () => {
      await waitFor(
        'every node to see three peers',
        async () => {
          const health = await Promise.all(names.map((n) => rpc(rpcPort(n), 'system_health')));
          return health.every((h) => h.peers === 3);
        },
        { timeoutMs: 90_000 },
      );
      const finalized = await waitFor(
        'block 3 finalized on all four',
        async () => {
          const hs = await Promise.all(names.map((n) => heads(rpcPort(n))));
          return hs.every((h) => h.finalized >= 3) && Math.min(...hs.map((h) => h.finalized));
        },
        { timeoutMs: 120_000 },
      );
      await agreeOn(finalized, names);

      // All four author blocks: BABE elects one for each slot by VRF (or by turn).
      const api = await connect(rpcPort('alice'));
      try {
        const authorities = (await api.query.babe.authorities()).length;
        assert.equal(authorities, 4);
      } finally {
        await api.disconnect();
      }
    }),
  );

  test(
    'SIGKILL one validator: the other three keep producing and finalizing; it restarts and catches up',
    guard(async () => {
      const live = ['alice', 'bob', 'charlie'];
      const before = await heads(rpcPort('alice'));
      testnet(['kill', 'dave']);
      await assert.rejects(rpc(rpcPort('dave'), 'system_health'), 'dave is down');

      // Production and finality go on without Dave.
      const progressed = await waitFor(
        'finality to advance by 4 blocks without dave',
        async () => {
          const hs = await Promise.all(live.map((n) => heads(rpcPort(n))));
          const min = Math.min(...hs.map((h) => h.finalized));
          return min >= before.finalized + 4 && hs;
        },
        { timeoutMs: 120_000, intervalMs: 1000 },
      );
      assert.ok(
        progressed.every((h) => h.best > before.best),
        'blocks are still produced',
      );
      await agreeOn(before.finalized + 4, live);

      // A transfer made while Dave is down, finalized by the three.
      const api = await connect(rpcPort('alice'));
      const { alice, fresh } = await accounts();
      const dest = fresh();
      const amount = 7n * UNIT;
      let txBlock;
      try {
        const { blockHash: hash, error } = await submitAndWatch(
          api,
          api.tx.balances.transferKeepAlive(dest.address, amount),
          alice,
          { finalized: true },
        );
        assert.equal(error, undefined);
        txBlock = { hash, number: Number((await api.rpc.chain.getHeader(hash)).number.toBigInt()) };
      } finally {
        await api.disconnect();
      }
      const target = Math.min(...(await Promise.all(live.map((n) => heads(rpcPort(n))))).map((h) => h.finalized));

      // Dave restarts on his old base path and catches up with the others' finalized head.
      testnet(['restart', 'dave']);
      await waitFor(
        `dave to finalize block ${target}`,
        async () => (await heads(rpcPort('dave'))).finalized >= target,
        {
          timeoutMs: 120_000,
          intervalMs: 1000,
        },
      );
      // Nothing lost: the same chain, the transfer in the same block, the same balance.
      await agreeOn(before.finalized, names);
      await agreeOn(target, names);
      assert.equal(await blockHash(rpcPort('dave'), txBlock.number), txBlock.hash);
      const daveApi = await connect(rpcPort('dave'));
      try {
        const free = (await daveApi.query.system.account(dest.address)).data.free.toBigInt();
        assert.equal(free, amount);
      } finally {
        await daveApi.disconnect();
      }

      // And Dave takes part again: finality advances with all four.
      const after = (await heads(rpcPort('alice'))).finalized;
      await waitFor(
        'finality to advance with all four',
        async () => {
          const hs = await Promise.all(names.map((n) => heads(rpcPort(n))));
          return hs.every((h) => h.finalized >= after + 2);
        },
        { timeoutMs: 90_000, intervalMs: 1000 },
      );
    }),
  );
});
