// Compute on the four-validator local testnet, where Alice, Bob and Charlie are providers
// whose nodes compute on this machine's OpenCL device. A job with three replicas: all three
// compute and agree. A quantised network classifies 360 handwritten digits at r = 3: the
// replicas agree, and the result on chain is the integer simulation's of
// `scripts/digits-model`, byte for byte. The ray tracer renders a scene at r = 3, submitted and
// fetched as a PNG with `scripts/job`: the replicas agree, and the image is an independent
// JavaScript renderer's, pixel for pixel. 256 MiB uploaded to Alice's node are fetched by
// Dave's and then Charlie's over the peer-to-peer network, every chunk checked. A job whose
// 256 MiB input is given by content (`scripts/job` uploads it to Alice's node) is hashed at
// r = 3 by three providers that fetched it; a job whose content nobody holds ends as the
// agreed error `DataUnavailable`, the providers paid for their time and nobody slashed. Charlie restarted as the fault-injection build of the node: his wrong output
// loses, he is slashed, the others are paid, and the funds add up. Bob killed mid-job: Alice
// and Charlie, alive and honest, still agree and are paid; Bob is slashed; nothing is lost.

import assert from 'node:assert/strict';
import { createHash, randomBytes as random } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';
import { inflateSync } from 'node:zlib';

import { u8aToHex } from '@polkadot/util';

import {
  UNIT,
  accounts,
  faultyNodeBinary,
  heads,
  run,
  scratchDir,
  scriptsDir,
  submitAndWatch,
  treasuryIncomeBesidesJobs,
  useComputeTestnet,
  waitFor,
} from './lib/harness.mjs';
import {
  fetchOutput,
  matmulJob,
  sha256Job,
  quantizedNetJob,
  verdictBlock,
  verdictLatency,
  waitForVerdict,
} from '../client/jobs.mjs';
import { dataStatus, fetchData, readData, uploadData } from '../client/data.mjs';
import { encodeScene, renderScene } from '../client/scene.mjs';
import { matmulGenerated } from './lib/reference.mjs';

const offset = 1300;
const dcc = (plancks) => `${(Number(plancks) / 1e12).toFixed(6)} DCC`;

describe('compute on the local testnet (three providers)', () => {
  const net = useComputeTestnet('compute-testnet', offset);
  const { testnet, guard } = net;

  const at = async (hash) => (hash ? net.api.at(hash) : net.api);
  const http = (name) => `http://127.0.0.1:${net.rpcPort(name)}`;
  /** Clears `job` as its submitter `who`, and waits until no provider's node holds `content`. */
  const clearAndWaitForRelease = async (job, who, content) => {
    const cleared = await submitAndWatch(net.api, net.api.tx.jobs.clear(job), who);
    assert.equal(cleared.error, undefined, cleared.error);
    await waitFor(
      `job ${job}'s data released by the providers' nodes`,
      async () =>
        (await Promise.all(['alice', 'bob', 'charlie'].map((n) => dataStatus(http(n), content)))).every(
          (h) => h === null,
        ),
      { timeoutMs: 60_000 },
    );
  };
  const free = async (address, hash) => (await (await at(hash)).query.system.account(address)).data.free.toBigInt();
  const bond = async (address, hash) =>
    (await (await at(hash)).query.providers.providerRecords(address)).unwrap().bond.toBigInt();
  const treasury = () => net.api.consts.jobs.treasury.toString();

  /** Submits `spec` as `submitter`; returns the job id. */
  /** Submits `spec`; with `finalized`, returns once the submission's block is final. */
  async function submitJob(submitter, spec, { finalized = false } = {}) {
    const r = await submitAndWatch(net.api, net.api.tx.jobs.submit(spec), submitter, { finalized });
    assert.equal(r.error, undefined, `submit failed: ${r.error}`);
    return { job: Number(r.events.find((e) => e.name === 'jobs.Submitted').named.job) };
  }

  test(
    'r = 3: all three providers compute and agree',
    guard(async () => {
      const { bob: submitter } = await accounts();
      const n = 10;
      const price = UNIT;
      const { job } = await submitJob(submitter, matmulJob(n, 5n, { replicas: 3, price, deadline: 10 }));
      const included = Date.now();
      const record = await waitForVerdict(net.api, job, { timeoutMs: 240_000 });
      assert.equal(record.status.type, 'Completed');
      const assigned = record.assigned.map((r) => r.provider.toString()).sort();
      assert.deepEqual(assigned, [...net.who.providers].sort());
      for (const replica of record.assigned) assert.ok(replica.state.isRevealed, 'every provider revealed');
      const verdict = await verdictBlock(net.api, job);
      const { hash, parentHash: parent, event } = verdict;
      assert.deepEqual(event.data.winners.map((w) => w.toString()).sort(), [...net.who.providers].sort());
      const latency = await verdictLatency(net.api, job, verdict);
      await waitFor(
        'the verdict to be finalized',
        async () => (await heads(net.rpcPort('dave'))).finalized >= verdict.number,
        { timeoutMs: 120_000, intervalMs: 100 },
      );
      console.log(
        `latency r=3 on the local testnet: verdict ${latency.blocks} blocks (${latency.seconds} s) after the submission's block; finalized ${((Date.now() - included) / 1000).toFixed(1)} s after the submission's inclusion`,
      );
      // Each winner was paid the price in the settling block. (Bob also submitted and paid
      // fees earlier, so compare across the settling block only.)
      for (const address of net.who.providers) {
        assert.equal((await free(address, hash)) - (await free(address, parent)), price, `${address} paid`);
      }
      const { output } = await fetchOutput(net.api, job);
      assert.equal(u8aToHex(output), u8aToHex(matmulGenerated(n, 5n)));
    }),
  );

  test(
    'r = 3: a quantised network classifies 360 handwritten digits, and the replicas agree on every byte',
    guard(async () => {
      // The job's data and what the network must answer, written by scripts/digits-model.
      const fixtures = new URL('./fixtures/', import.meta.url);
      const input = new Uint8Array(readFileSync(new URL('digits-job.bin', fixtures)));
      const digits = JSON.parse(readFileSync(new URL('digits.json', fixtures), 'utf8'));
      const { bob: submitter } = await accounts();
      const spec = quantizedNetJob(input, digits.model_len, digits.batch, 1, {
        replicas: 3,
        price: UNIT,
        deadline: 10,
      });
      const { job } = await submitJob(submitter, spec);
      const record = await waitForVerdict(net.api, job, { timeoutMs: 240_000 });
      assert.equal(record.status.type, 'Completed');
      const { event } = await verdictBlock(net.api, job);
      assert.deepEqual(event.data.winners.map((w) => w.toString()).sort(), [...net.who.providers].sort());
      const { output } = await fetchOutput(net.api, job);
      assert.deepEqual([...output], digits.predicted, "the chain's result is the integer simulation's");
      const correct = [...output].filter((label, i) => label === digits.labels[i]).length;
      console.log(
        `digits at r = 3: ${correct} of ${digits.batch} classified right on chain ` +
          `(${((100 * correct) / digits.batch).toFixed(1)} %); the float model: ${(100 * digits.float_accuracy).toFixed(1)} %`,
      );
    }),
  );

  test(
    'r = 3: the ray tracer renders a scene, the replicas agree on every pixel, and scripts/job writes the PNG',
    guard(async () => {
      const job = join(scriptsDir, 'job');
      const url = `ws://127.0.0.1:${net.rpcPort('dave')}`;
      const scenePath = join(scriptsDir, 'scenes', 'showcase.json');
      const size = { width: 160, height: 100, samples: 2, bounces: 4 };
      const submitted = run(
        job,
        ['submit', 'ray-trace', '--scene', scenePath, '--width', String(size.width), '--height', String(size.height)]
          .concat(['--samples', String(size.samples), '--bounces', String(size.bounces)])
          .concat(['--replicas', '3', '--deadline', '10', '--wait', '--url', url, '--suri', '//Bob']),
        { timeoutMs: 300_000 },
      );
      assert.equal(submitted.status, 0, `${submitted.stdout}\n${submitted.stderr}`);
      const id = Number(/job (\d+) submitted/.exec(submitted.stdout)?.[1]);
      assert.match(submitted.stdout, new RegExp(`job ${id}: Completed`), submitted.stdout);
      const { event } = await verdictBlock(net.api, id);
      assert.deepEqual(event.data.winners.map((w) => w.toString()).sort(), [...net.who.providers].sort());

      const dir = scratchDir('render');
      try {
        const png = join(dir.path, 'showcase.png');
        // 48,000 bytes: too long for the chain. Dave computed nothing: his node fetches the
        // output by content (its root is the result hash) from the providers' nodes.
        const fetched = run(job, ['result', String(id), '--png', png, '--url', url]);
        assert.equal(fetched.status, 0, fetched.stderr);
        assert.match(fetched.stdout, /160 × 100 image from http:.* \(by content\) written to .* \(hash checked\)/);
        const pixels = decodePng(readFileSync(png));
        assert.equal(pixels.width, size.width);
        assert.equal(pixels.height, size.height);
        const expected = renderScene(encodeScene(JSON.parse(readFileSync(scenePath, 'utf8'))), size);
        const differ = expected.filter((b, i) => b !== pixels.rgb[i]).length;
        assert.equal(differ, 0, `${differ} of ${expected.length} bytes differ from the JavaScript renderer's`);
        console.log(
          `ray tracer at r = 3: ${size.width} × ${size.height}, ${size.samples ** 2} rays a pixel, equal to the JavaScript renderer`,
        );

        // The providers kept the output for the job; once it is cleared, they release it.
        const output = {
          root: (await net.api.query.jobs.jobRecords(id)).unwrap().resultHash.unwrap().toHex(),
          len: 48_000,
        };
        for (const name of ['alice', 'bob', 'charlie'])
          assert.ok((await dataStatus(http(name), output))?.have === 1, name);
        await clearAndWaitForRelease(id, net.who.bob, output);
      } finally {
        dir.cleanup();
      }
    }),
  );

  test(
    'data: 256 MiB uploaded to one node are fetched by the others over the peer-to-peer network, every chunk checked',
    guard(async () => {
      const bytes = random(256 << 20);
      let started = Date.now();
      const id = await uploadData(http('alice'), bytes);
      const uploadSeconds = (Date.now() - started) / 1000;
      assert.deepEqual(await dataStatus(http('alice'), id), { have: 256, chunks: 256 });
      assert.equal(await dataStatus(http('dave'), id), null);

      // Dave fetches from his peers (Alice alone holds it) while Alice's memory is sampled.
      const rss = () =>
        Number(/VmRSS:\s+(\d+) kB/.exec(readFileSync(`/proc/${net.pid('alice')}/status`, 'utf8'))[1]) / 1024;
      const before = rss();
      let peak = before;
      const sampler = setInterval(() => (peak = Math.max(peak, rss())), 20);
      started = Date.now();
      try {
        assert.deepEqual(await fetchData(http('dave'), id), { have: 256, chunks: 256 });
      } finally {
        clearInterval(sampler);
      }
      const fetchSeconds = (Date.now() - started) / 1000;
      // Charlie fetches from Alice and Dave, and reads it back: the bytes uploaded.
      started = Date.now();
      assert.deepEqual(await fetchData(http('charlie'), id), { have: 256, chunks: 256 });
      const secondSeconds = (Date.now() - started) / 1000;
      assert.ok(Buffer.from(await readData(http('charlie'), id)).equals(bytes), 'the bytes uploaded');
      assert.ok(peak - before < 256, `Alice served without holding the content in memory (+${peak - before} MiB)`);
      console.log(
        `data, 256 MiB on loopback: upload to Alice ${(256 / uploadSeconds).toFixed(0)} MiB/s; ` +
          `Dave's fetch from Alice ${(256 / fetchSeconds).toFixed(0)} MiB/s (${fetchSeconds} s), Alice's memory +${(peak - before).toFixed(0)} MiB while serving; ` +
          `Charlie's fetch from both ${(256 / secondSeconds).toFixed(0)} MiB/s`,
      );

      // Content nobody holds: the fetch fails, naming the chunk.
      const unknown = { root: `0x${'11'.repeat(32)}`, len: 3 << 20 };
      await assert.rejects(fetchData(http('bob'), unknown), /no peer supplied chunk 0/);
    }),
  );

  test(
    'r = 3: a 256 MiB input by content, uploaded by scripts/job, fetched and hashed by all three providers',
    guard(async () => {
      const job = join(scriptsDir, 'job');
      const url = `ws://127.0.0.1:${net.rpcPort('alice')}`;
      const dir = scratchDir('big-input');
      try {
        const bytes = random(256 << 20);
        const file = join(dir.path, 'big.bin');
        writeFileSync(file, bytes);
        const submitted = run(
          job,
          ['submit', 'sha256', '--input-file', file, '--block-len', String(1 << 20), '--replicas', '3'].concat([
            '--deadline',
            '20',
            '--budget-ms',
            '30000',
            '--wait',
            '--url',
            url,
            '--suri',
            '//Bob',
          ]),
          { timeoutMs: 400_000 },
        );
        assert.equal(submitted.status, 0, `${submitted.stdout}\n${submitted.stderr}`);
        assert.match(submitted.stdout, /268435456 bytes of input uploaded to .*: content 0x[0-9a-f]{64}/);
        const id = Number(/job (\d+) submitted/.exec(submitted.stdout)?.[1]);
        assert.match(submitted.stdout, new RegExp(`job ${id}: Completed`), submitted.stdout);
        const { event } = await verdictBlock(net.api, id);
        assert.deepEqual(event.data.winners.map((w) => w.toString()).sort(), [...net.who.providers].sort());
        const payload = (await net.api.query.jobs.jobPayloads(id)).unwrap();
        assert.equal(payload.input.length, 0, 'nothing of the input on chain');
        assert.equal(payload.inputContent.unwrap().len.toNumber(), 256 << 20);

        const out = join(dir.path, 'digests.bin');
        const fetched = run(job, ['result', String(id), '--out', out, '--url', url]);
        assert.equal(fetched.status, 0, fetched.stderr);
        assert.match(fetched.stdout, /8192 bytes from .* \(by content\) written to/);
        const expected = Buffer.concat(
          Array.from({ length: 256 }, (_, i) =>
            createHash('sha256')
              .update(bytes.subarray(i << 20, (i + 1) << 20))
              .digest(),
          ),
        );
        assert.ok(readFileSync(out).equals(expected), "the providers' digests are node:crypto's");
        console.log(
          `a 256 MiB input at r = 3: ${submitted.stdout.match(/Completed \(([\d.]+) s\)/)?.[1]} s from submission to verdict`,
        );

        // Every node that held the input for the job (Alice's upload, the providers' fetches)
        // releases it once the job is cleared: 256 MiB of disk back on each.
        await clearAndWaitForRelease(id, net.who.bob, payload.inputContent.unwrap().toJSON());
      } finally {
        dir.cleanup();
      }
    }),
  );

  test(
    'r = 3: input content nobody holds is the agreed error DataUnavailable: the providers are paid their time, nobody is slashed',
    guard(async () => {
      const { bob: submitter } = await accounts();
      const withheld = { root: `0x${random(32).toString('hex')}`, len: 3 << 20 };
      const spec = sha256Job(new Uint8Array(3 << 20), 1 << 20, {
        replicas: 3,
        price: UNIT,
        deadline: 10,
        inputContent: withheld,
      });
      const bonds = await Promise.all(net.who.providers.map((p) => bond(p)));
      const { job } = await submitJob(submitter, spec);
      const record = await waitForVerdict(net.api, job, { timeoutMs: 240_000 });
      assert.equal(record.status.type, 'Failed');
      assert.equal(record.status.asFailed.code.toNumber(), 8, 'DataUnavailable');
      const errorFee = (await net.api.query.jobs.params()).errorFee.toBigInt();
      const s = record.settlement.unwrap();
      assert.equal(s.paid.toBigInt(), 3n * errorFee, 'each provider is paid the error fee for its time');
      assert.equal(
        s.paid.toBigInt() + s.fee.toBigInt() + s.refunded.toBigInt(),
        record.escrow.toBigInt(),
        'nothing lost',
      );
      assert.deepEqual(await Promise.all(net.who.providers.map((p) => bond(p))), bonds, 'no bond slashed');
    }),
  );

  test(
    'a provider with corrupted outputs loses, is slashed, and the funds add up',
    guard(async () => {
      testnet(['kill', 'charlie']);
      testnet(['restart', 'charlie'], {
        DEPIN_NODE_CHARLIE: faultyNodeBinary,
        DEPIN_ARGS_CHARLIE: '--compute-fault corrupt-output',
      });
      const { bob: submitter } = await accounts();
      const price = UNIT;
      const charlieBond = await bond(net.who.charlie.address);
      // Right after a validator's restart forks are likelier: the job's id is read from a
      // final block, not from one that may lose its fork (and the submission with it).
      const { job } = await submitJob(submitter, matmulJob(9, 11n, { replicas: 3, price, deadline: 10 }), {
        finalized: true,
      });
      const record = await waitForVerdict(net.api, job, { timeoutMs: 240_000 });
      assert.equal(record.status.type, 'Completed');
      const { hash, parentHash: parent, event } = await verdictBlock(net.api, job);
      const winners = event.data.winners.map((w) => w.toString()).sort();
      assert.deepEqual(
        winners,
        [net.who.alice.address, net.who.bob.address].sort(),
        'Alice and Bob agree; Charlie does not',
      );
      const charlie = record.assigned.find((r) => r.provider.toString() === net.who.charlie.address);
      assert.ok(charlie.state.isRevealed, 'Charlie revealed his (wrong) result');
      assert.notEqual(charlie.state.asRevealed.resultHash.toHex(), record.resultHash.unwrap().toHex());

      const perBillion = (await net.api.query.providers.params()).slashWrongResult.toBigInt();
      const slashed = charlieBond - (await bond(net.who.charlie.address, hash));
      assert.equal(slashed, (charlieBond * perBillion) / 1_000_000_000n, 'slashed by slash_wrong_result of the bond');
      const s = record.settlement.unwrap();
      const treasuryGain =
        (await free(treasury(), hash)) -
        (await free(treasury(), parent)) -
        (await treasuryIncomeBesidesJobs(net.api, hash));
      assert.equal(s.paid.toBigInt(), 2n * price);
      assert.equal(
        s.paid.toBigInt() + s.fee.toBigInt() + s.refunded.toBigInt(),
        record.escrow.toBigInt(),
        'escrow conserved',
      );
      assert.equal(treasuryGain, s.fee.toBigInt() + slashed, 'the treasury got the fee and the slash');
      console.log(
        `faulty provider: escrow ${dcc(record.escrow)}: paid ${dcc(s.paid)} (Alice and Bob ${dcc(price)} each), ` +
          `fee ${dcc(s.fee)}, refunded ${dcc(s.refunded)}; Charlie's bond ${dcc(charlieBond)} -> ${dcc(charlieBond - slashed)} ` +
          `(slashed ${dcc(slashed)}); treasury +${dcc(treasuryGain)}`,
      );
      testnet(['kill', 'charlie']);
      testnet(['restart', 'charlie']);
    }),
  );

  test(
    'a provider killed mid-job: the two alive agree, and nothing is lost',
    guard(async () => {
      const { bob: submitter } = await accounts();
      const price = UNIT;
      const bobBond = await bond(net.who.bob.address);
      const { job } = await submitJob(submitter, matmulJob(8, 21n, { replicas: 3, price, deadline: 6 }));
      await waitFor(
        'the job to be assigned',
        async () => (await net.api.query.jobs.jobRecords(job)).unwrap().status.isCommitting,
        { intervalMs: 200 },
      );
      testnet(['kill', 'bob']);
      const record = await waitForVerdict(net.api, job, { timeoutMs: 300_000 });
      const s = record.settlement.unwrap();
      assert.equal(
        s.paid.toBigInt() + s.fee.toBigInt() + s.refunded.toBigInt(),
        record.escrow.toBigInt(),
        'escrow conserved',
      );
      const { hash, event } = await verdictBlock(net.api, job);
      const bobSlashed = bobBond - (await bond(net.who.bob.address, hash));
      // Alice and Charlie are alive and honest: two of three is a quorum.
      assert.equal(record.status.type, 'Completed');
      const winners = event.data.winners.map((w) => w.toString()).sort();
      assert.deepEqual(winners, [net.who.alice.address, net.who.charlie.address].sort(), 'the two alive are paid');
      assert.ok(bobSlashed > 0n, 'the killed provider is slashed (a no-show, or a withheld reveal)');
      console.log(
        `provider killed mid-job: ${record.status.type}; paid ${dcc(s.paid)}, fee ${dcc(s.fee)}, refunded ${dcc(s.refunded)}; ` +
          `Bob slashed ${dcc(bobSlashed)} as a no-show`,
      );
      testnet(['restart', 'bob']);
    }),
  );
});

/** The size and RGB pixels of a PNG as `encodePng` writes it (8-bit RGB, no filters). */
function decodePng(png) {
  assert.deepEqual([...png.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a], 'a PNG signature');
  let width = 0;
  let height = 0;
  const data = [];
  for (let at = 8; at < png.length;) {
    const length = png.readUInt32BE(at);
    const type = png.toString('ascii', at + 4, at + 8);
    const body = png.subarray(at + 8, at + 8 + length);
    if (type === 'IHDR') {
      width = body.readUInt32BE(0);
      height = body.readUInt32BE(4);
      assert.deepEqual([...body.subarray(8)], [8, 2, 0, 0, 0], '8-bit RGB');
    } else if (type === 'IDAT') {
      data.push(body);
    }
    at += 12 + length;
  }
  const raw = inflateSync(Buffer.concat(data));
  const rgb = new Uint8Array(width * height * 3);
  for (let y = 0; y < height; y++) {
    assert.equal(raw[y * (1 + 3 * width)], 0, 'no filter');
    rgb.set(raw.subarray(y * (1 + 3 * width) + 1, (y + 1) * (1 + 3 * width)), y * 3 * width);
  }
  return { width, height, rgb };
}
