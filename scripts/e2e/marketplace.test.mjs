// The compute marketplace on a real dev node, driven by the same signed extrinsics that
// users and provider nodes send: a provider registers with a bond, a submitter posts a
// job with escrow, the chain assigns it, the provider's operator key commits (for free)
// and reveals, the chain verifies and pays, the submitter clears the job.
// The provider here is a fresh account whose operator key lives in the test, not in a
// node, so the test computes its answer; the job asks for more memory than the dev
// preset's provider (Alice, whose node computes by itself) declares.
// On the fast runtime (two-second slots, every period's block count unchanged): the
// subject here is not the clock.

import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { blake2AsU8a } from '@polkadot/util-crypto';
import { bnToU8a, hexToU8a, u8aConcat, u8aToHex } from '@polkadot/util';

import { UNIT, accounts, run, scratchDir, scriptsDir, submitAndWatch, useDevChain, waitFor } from './lib/harness.mjs';
import { matmulGenerated } from './lib/reference.mjs';
import { contentId } from '../client/data.mjs';

const ports = { rpcPort: 19946, p2pPort: 31335, prometheusPort: 19617 };

/** `H(result_hash ‖ provider ‖ job ‖ salt)`, as pallet-jobs computes it (SCALE of a tuple). */
function commitment(resultHash, providerPublicKey, job, salt) {
  const jobLe = bnToU8a(job, { bitLength: 64, isLe: true });
  return blake2AsU8a(u8aConcat(resultHash, providerPublicKey, jobLe, salt), 256);
}

describe('compute marketplace on the dev chain', () => {
  const chain = useDevChain(ports, { runtime: 'fast' });

  const free = async (who) => (await chain.api.query.system.account(who)).data.free.toBigInt();

  test('a job goes from submission to a verified, paid result', async () => {
    const { alice, bob, fresh } = await accounts();
    const operator = fresh();
    const submitter = fresh();
    const deviceClass = u8aToHex(new Uint8Array(32).fill(1));

    // Fund the operator (an account must exist to send transactions) and the submitter.
    await submitAndWatch(chain.api, chain.api.tx.balances.transferKeepAlive(operator.address, UNIT), alice);
    await submitAndWatch(chain.api, chain.api.tx.balances.transferKeepAlive(submitter.address, 100n * UNIT), alice);

    // Bob registers as a CPU provider with a 200 DCC bond.
    const bond = 200n * UNIT;
    const capabilities = {
      kind: 'Cpu',
      vendor: 'The pocl project',
      device: 'cpu-haswell-AMD EPYC',
      openclVersion: { major: 3, minor: 0 },
      memoryMib: 4096,
      computeUnits: 2,
      maxConcurrentJobs: 4,
      deviceClass,
    };
    const reg = await submitAndWatch(
      chain.api,
      chain.api.tx.providers.register(capabilities, operator.address, bond),
      bob,
    );
    assert.equal(reg.error, undefined, `register failed: ${reg.error}`);
    assert.ok(reg.events.some((e) => e.name === 'providers.Registered'));

    // A bad spec is refused with a precise, readable error.
    const spec = {
      kernel: { BuiltIn: { Sha256Batch: { blockLen: 64 } } },
      input: u8aToHex(new Uint8Array(64).fill(7)),
      workSize: [1, 1, 1],
      outputLen: 32,
      replicas: 1,
      requirements: { kind: 'Cpu', minMemoryMib: 4096, minReputation: 0, sameDeviceClass: false },
      pricePerReplica: UNIT,
      deadline: 10,
      computeBudgetMs: 10_000,
    };
    const bad = await submitAndWatch(chain.api, chain.api.tx.jobs.submit({ ...spec, replicas: 0 }), submitter);
    assert.equal(bad.error, 'jobs.InvalidReplicas');

    // The submitter posts the job: escrow 1 DCC + 5% fee, plus a storage deposit.
    const submitterBefore = await free(submitter.address);
    const sub = await submitAndWatch(chain.api, chain.api.tx.jobs.submit(spec), submitter);
    assert.equal(sub.error, undefined, `submit failed: ${sub.error}`);
    const submitted = sub.events.find((e) => e.name === 'jobs.Submitted');
    const job = Number(submitted.named.job);
    assert.equal(BigInt(submitted.named.escrow), UNIT + UNIT / 20n);

    // Assigned in the next block, to Bob, the only provider with 4 GiB.
    const assigned = await waitFor('the job to be assigned', async () => {
      const record = (await chain.api.query.jobs.jobRecords(job)).unwrap();
      return record.status.isCommitting && record;
    });
    assert.equal(assigned.assigned[0].provider.toString(), bob.address);

    // The operator commits to the hash of its output (its root as content; the commitment
    // binds the provider, Bob): free of charge.
    const output = new Uint8Array(32).map((_, i) => i * 3);
    const resultHash = hexToU8a(contentId(output).root);
    const salt = new Uint8Array(32).fill(42);
    const operatorBefore = await free(operator.address);
    const c = await submitAndWatch(
      chain.api,
      chain.api.tx.jobs.commit(job, commitment(resultHash, bob.publicKey, job, salt)),
      operator,
    );
    assert.equal(c.error, undefined, `commit failed: ${c.error}`);
    assert.ok(
      c.events.some((e) => e.name === 'skipFeelessPayment.FeeSkipped'),
      'the commit is feeless',
    );
    assert.equal(await free(operator.address), operatorBefore, 'the operator paid nothing');

    // Everyone committed: it reveals, with the output inline (32 bytes fit on-chain).
    const meta = { execMs: 5, outputLen: 32, deviceClass, errorCode: null };
    const r = await submitAndWatch(
      chain.api,
      chain.api.tx.jobs.reveal(job, resultHash, salt, meta, u8aToHex(output)),
      operator,
    );
    assert.equal(r.error, undefined, `reveal failed: ${r.error}`);
    assert.equal(await free(operator.address), operatorBefore, 'the reveal was free too');

    // The last reveal due decides the job in its own call: Bob is paid the price in the
    // reveal's block, the treasury the fee.
    assert.ok(
      r.events.some((e) => e.name === 'jobs.Completed'),
      'the reveal completes the job',
    );
    const { parentHash } = await chain.api.rpc.chain.getHeader(r.blockHash);
    const bobBefore = (await (await chain.api.at(parentHash)).query.system.account(bob.address)).data.free.toBigInt();
    const done = await waitFor('the job to complete', async () => {
      const record = (await chain.api.query.jobs.jobRecords(job)).unwrap();
      return record.status.isCompleted && record;
    });
    assert.equal(u8aToHex(done.resultHash.unwrap()), u8aToHex(resultHash));
    assert.equal(u8aToHex(done.output.unwrap()), u8aToHex(output));
    const settlement = done.settlement.unwrap();
    assert.equal(settlement.paid.toBigInt(), UNIT);
    assert.equal(settlement.fee.toBigInt(), UNIT / 20n);
    assert.equal(settlement.refunded.toBigInt(), 0n);
    assert.equal(
      (await (await chain.api.at(r.blockHash)).query.system.account(bob.address)).data.free.toBigInt(),
      bobBefore + UNIT,
    );

    // Clearing returns the storage deposit: in all, the submitter paid price, fee and the
    // transaction fees of its two calls.
    const cl = await submitAndWatch(chain.api, chain.api.tx.jobs.clear(job), submitter);
    assert.equal(cl.error, undefined, `clear failed: ${cl.error}`);
    assert.equal((await chain.api.query.jobs.jobRecords(job)).isNone, true);
    const txFees = [sub, cl]
      .flatMap((x) => x.events)
      .filter((e) => e.name === 'transactionPayment.TransactionFeePaid')
      .reduce((acc, e) => acc + BigInt(e.named.actualFee), 0n);
    assert.equal(await free(submitter.address), submitterBefore - UNIT - UNIT / 20n - txFees);
  });

  test('scripts/job, run as a person runs it: submit, follow to the verdict, fetch the checked output', () => {
    const job = join(scriptsDir, 'job');
    const url = `ws://127.0.0.1:${ports.rpcPort}`;
    const submitted = run(
      job,
      ['submit', 'matmul', '--n', '8', '--seed', '5', '--wait', '--url', url, '--suri', '//Dave'],
      { timeoutMs: 180_000 },
    );
    assert.equal(submitted.status, 0, `${submitted.stdout}\n${submitted.stderr}`);
    const id = /job (\d+) submitted/.exec(submitted.stdout)?.[1];
    assert.ok(id, `the job's id is printed: ${submitted.stdout}`);
    assert.match(submitted.stdout, new RegExp(`job ${id}: Completed`), 'it follows the job to its verdict');

    const dir = scratchDir('job-cli');
    try {
      const out = join(dir.path, 'c.bin');
      const fetched = run(job, ['result', id, '--out', out, '--url', url]);
      assert.equal(fetched.status, 0, fetched.stderr);
      assert.match(fetched.stdout, /256 bytes from chain written to .* \(hash checked\)/);
      assert.deepEqual(
        new Uint8Array(readFileSync(out)),
        matmulGenerated(8, 5n),
        'the product, as an independent reference computes it',
      );
    } finally {
      dir.cleanup();
    }

    // The chain refuses a job nobody can run, and the CLI says why, with the error's docs.
    const refused = run(job, ['submit', 'matmul', '--n', '8', '--replicas', '9', '--url', url, '--suri', '//Dave']);
    assert.equal(refused.status, 1);
    assert.match(
      refused.stderr,
      /^job: jobs\.InvalidReplicas: Replicas must be between 1 and `MaxReplicas`\./m,
      refused.stderr,
    );
  });
});
