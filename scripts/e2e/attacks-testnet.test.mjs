// Attacks on the four-validator local testnet (Alice, Bob and Charlie are providers whose
// nodes compute on this machine's OpenCL device), tried with real signed extrinsics
// against real nodes; each fails, with exact balances:
// 1. an endless kernel with three replicas costs its submitter, not the providers: the
//    three nodes stop it at its compute budget and attest that; each is paid the error fee
//    for its time, and keeps its bond and reputation;
// 2. a failing attestation from a registered operator key is not free: it pays its fee;
// 3. a submitter that cancels once the providers are assigned (after reading what it could)
//    pays each of them for its time and the protocol fee; and no node serves an output
//    before the chain has agreed on it.
// On the fast runtime (two-second slots, every period's block count unchanged): the
// subject here is not the clock.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { Keyring } from '@polkadot/keyring';

import {
  UNIT,
  accounts,
  assertFeeCharged,
  rpc,
  submitAndWatch,
  treasuryIncomeBesidesJobs,
  useComputeTestnet,
  waitFor,
} from './lib/harness.mjs';
import { endlessKernel, matmulJob, sourceJob, verdictBlock, waitForVerdict } from '../client/jobs.mjs';

const offset = 1400;

describe('attacks on the local testnet', () => {
  const net = useComputeTestnet('attacks-testnet', offset, { runtime: 'fast' });
  const { rpcPort, guard } = net;

  const at = async (hash) => (hash ? net.api.at(hash) : net.api);
  const free = async (address, hash) => (await (await at(hash)).query.system.account(address)).data.free.toBigInt();
  const provider = async (address, hash) => (await (await at(hash)).query.providers.providerRecords(address)).unwrap();
  const treasury = () => net.api.consts.jobs.treasury.toString();
  const params = async () => net.api.query.jobs.params();

  /** Submits `spec` as `submitter`; returns the job id and the block it is in. */
  async function submitJob(submitter, spec) {
    const r = await submitAndWatch(net.api, net.api.tx.jobs.submit(spec), submitter);
    assert.equal(r.error, undefined, `submit failed: ${r.error}`);
    return { job: Number(r.events.find((e) => e.name === 'jobs.Submitted').named.job), blockHash: r.blockHash };
  }

  test(
    '1. an endless kernel costs its submitter: three providers paid their time, bonds intact',
    guard(async () => {
      const { charlie: submitter } = await accounts();
      const spec = sourceJob(endlessKernel, 'spin', new Uint8Array([1]), [64, 1, 1], 1, {
        replicas: 3,
        price: UNIT,
        deadline: 10,
        budgetMs: 3_000,
      });
      const { job, blockHash } = await submitJob(submitter, spec);
      const before = Object.fromEntries(
        await Promise.all(net.who.providers.map(async (p) => [p, await provider(p, blockHash)])),
      );
      const record = await waitForVerdict(net.api, job, { timeoutMs: 240_000 });
      assert.equal(record.status.type, 'Failed');
      assert.equal(record.status.asFailed.code.toNumber(), 5, 'BudgetExceeded');
      const { hash, parentHash } = await verdictBlock(net.api, job);
      const errorFee = (await params()).errorFee.toBigInt();
      const s = record.settlement.unwrap();
      assert.equal(s.paid.toBigInt(), 3n * errorFee, 'each of the three is paid the error fee');
      assert.equal(s.refunded.toBigInt(), record.escrow.toBigInt() - 3n * errorFee);
      for (const p of net.who.providers) {
        const after = await provider(p, hash);
        assert.equal(after.bond.toBigInt(), before[p].bond.toBigInt(), 'bond intact');
        assert.equal(after.reputation.toNumber(), before[p].reputation.toNumber(), 'reputation intact');
      }
      // Fees are burned and authors earn nothing: in the verdict block Alice and Bob gain
      // exactly the error fee; Charlie, the submitter, also gets the rest of the escrow back.
      for (const p of [net.who.alice.address, net.who.bob.address]) {
        assert.equal(await free(p, hash), (await free(p, parentHash)) + errorFee);
      }
      assert.equal(
        await free(net.who.charlie.address, hash),
        (await free(net.who.charlie.address, parentHash)) + errorFee + s.refunded.toBigInt(),
      );
      const events = await (await at(hash)).query.system.events();
      assert.ok(
        !events.some(({ event }) => event.section === 'providers' && event.method === 'Slashed'),
        'nobody slashed',
      );
      console.log(
        `endless kernel, r = 3: stopped at its 3 s budget on three nodes; each paid ${errorFee} planck, no slash`,
      );
    }),
  );

  test(
    '2. a failing attestation pays its fee',
    guard(async () => {
      const operator = new Keyring({ type: 'sr25519', ss58Format: 42 }).addFromUri('//Bob//operator');
      const nextJob = (await net.api.query.jobs.submissions()).nextId.toNumber();
      const r = await submitAndWatch(
        net.api,
        net.api.tx.jobs.reveal(
          nextJob + 1000,
          '0x' + '22'.repeat(32),
          '0x' + '33'.repeat(32),
          { execMs: 1, outputLen: 32, deviceClass: '0x' + '00'.repeat(32), errorCode: null },
          null,
        ),
        operator,
      );
      assert.equal(r.error, 'jobs.JobNotFound');
      const fee = await assertFeeCharged(net.api, r, operator);
      console.log(`failing reveal on the testnet: fee ${fee} planck paid by Bob's operator key`);
    }),
  );

  test(
    '3a. no node serves an output before the chain agreed on it',
    guard(async () => {
      const { charlie: submitter } = await accounts();
      const { job } = await submitJob(submitter, matmulJob(64, 3n, { replicas: 3, price: UNIT, deadline: 10 }));
      // Ask every provider's node all along, as a submitter eager to walk away would.
      let servedEarly = null;
      let asking = true;
      const asker = (async () => {
        while (asking) {
          for (const name of ['alice', 'bob', 'charlie']) {
            const served = await rpc(rpcPort(name), 'compute_jobResult', [job]).then(
              () => true,
              () => false,
            );
            if (!served) continue;
            // The job's status in that node's own best block, read after it served: the
            // other nodes may not have imported its verdict yet.
            const best = await rpc(rpcPort(name), 'chain_getBlockHash', []);
            const status = await waitFor(`${name}'s best block at Dave's node`, () =>
              net.api.at(best).then(
                async (state) => (await state.query.jobs.jobRecords(job)).unwrap().status,
                () => false,
              ),
            );
            if (!status.isCompleted) servedEarly = `${name} while ${status.type}`;
          }
          await new Promise((done) => setTimeout(done, 300));
        }
      })();
      const record = await waitForVerdict(net.api, job, { timeoutMs: 240_000 });
      asking = false;
      await asker;
      assert.equal(record.status.type, 'Completed');
      assert.equal(servedEarly, null, `served by ${servedEarly}`);
      // Once agreed, each node serves it.
      for (const name of ['alice', 'bob', 'charlie']) {
        assert.ok(await rpc(rpcPort(name), 'compute_jobResult', [job]), `${name} serves the agreed output`);
      }
    }),
  );

  test(
    '3b. cancelling once assigned pays the providers for their time, and the fee',
    guard(async () => {
      const { charlie: submitter } = await accounts();
      // A kernel that keeps the providers busy until its budget: nobody commits meanwhile.
      const spec = sourceJob(endlessKernel, 'spin', new Uint8Array([1]), [64, 1, 1], 1, {
        replicas: 2,
        price: UNIT,
        // Long enough for the budget at a compute second per block (the fast runtime's).
        deadline: 20,
        budgetMs: 20_000,
      });
      const { job } = await submitJob(submitter, spec);
      const record = await waitFor(
        'the job to be assigned',
        async () => {
          const r = (await net.api.query.jobs.jobRecords(job)).unwrap();
          return r.status.isCommitting && r;
        },
        { intervalMs: 200 },
      );
      const assigned = record.assigned.map((r) => r.provider.toString());
      const r = await submitAndWatch(net.api, net.api.tx.jobs.cancel(job), submitter);
      assert.equal(r.error, undefined, `cancel failed: ${r.error}`);
      const cancelled = r.events.find((e) => e.name === 'jobs.Cancelled');
      const errorFee = (await params()).errorFee.toBigInt();
      const fee = record.fee.toBigInt();
      assert.equal(BigInt(cancelled.named.paid), 2n * errorFee, 'each assigned provider paid its time');
      assert.equal(BigInt(cancelled.named.fee), fee, 'the fee is not returned');
      assert.equal(BigInt(cancelled.named.refunded), record.escrow.toBigInt() - 2n * errorFee - fee);
      const { parentHash } = await net.api.rpc.chain.getHeader(r.blockHash);
      for (const p of assigned.filter((p) => p !== submitter.address)) {
        assert.equal(await free(p, r.blockHash), (await free(p, parentHash)) + errorFee, `${p} paid its time`);
      }
      const other = await treasuryIncomeBesidesJobs(net.api, r.blockHash);
      assert.equal(
        await free(treasury(), r.blockHash),
        (await free(treasury(), parentHash)) + fee + other,
        'the treasury got the fee',
      );
      console.log(`cancel after assignment: providers paid ${2n * errorFee} planck, fee ${fee} planck kept`);
    }),
  );
});
