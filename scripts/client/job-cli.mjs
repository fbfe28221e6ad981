// `scripts/job`: submit compute jobs and fetch their results (see the script for usage).

import { readFileSync, writeFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

import { u8aToHex } from '@polkadot/util';

import { UNIT, connect, signerFrom, submitAndWatch } from './chain.mjs';
import { holdData, uploadData } from './data.mjs';
import {
  denseF32Job,
  fetchOutput,
  jobPayload,
  jobRecord,
  matmulF32Job,
  matmulJob,
  monteCarloJob,
  quantizedNetJob,
  rayTraceJob,
  sha256Job,
  sourceJob,
  waitForVerdict,
} from './jobs.mjs';
import { encodePng } from './png.mjs';
import { encodeScene } from './scene.mjs';

const { values: opts, positionals } = parseArgs({
  allowPositionals: true,
  options: {
    url: { type: 'string', default: 'ws://127.0.0.1:9944' },
    rpc: { type: 'string', multiple: true, default: [] },
    suri: { type: 'string', default: '//Alice' },
    replicas: { type: 'string', default: '1' },
    price: { type: 'string', default: '1' },
    deadline: { type: 'string', default: '20' },
    'budget-ms': { type: 'string', default: '10000' },
    wait: { type: 'boolean', default: false },
    n: { type: 'string' },
    seed: { type: 'string', default: '1' },
    items: { type: 'string' },
    samples: { type: 'string' },
    'block-len': { type: 'string' },
    'model-len': { type: 'string' },
    batch: { type: 'string' },
    'result-len': { type: 'string', default: '1' },
    inputs: { type: 'string' },
    outputs: { type: 'string' },
    relu: { type: 'boolean', default: false },
    scene: { type: 'string' },
    width: { type: 'string' },
    height: { type: 'string' },
    bounces: { type: 'string', default: '4' },
    'input-file': { type: 'string' },
    file: { type: 'string' },
    entry: { type: 'string' },
    'work-size': { type: 'string' },
    'output-len': { type: 'string' },
    out: { type: 'string' },
    png: { type: 'string' },
  },
});

function fail(message) {
  console.error(`job: ${message}`);
  process.exit(1);
}

const need = (name) => opts[name] ?? fail(`--${name} is required`);
const int = (name) => {
  const v = Number(need(name));
  if (!Number.isInteger(v) || v < 0) fail(`--${name} must be a non-negative integer`);
  return v;
};
/** DCC with up to 12 decimals, in plancks. */
function dcc(text) {
  const m = /^(\d+)(?:\.(\d{1,12}))?$/.exec(text) ?? fail(`not an amount of DCC: ${text}`);
  return BigInt(m[1]) * UNIT + BigInt((m[2] ?? '').padEnd(12, '0'));
}

/** The `--input-file`, read once. */
const inputFile = opts['input-file'] ? new Uint8Array(readFileSync(opts['input-file'])) : new Uint8Array();

/** The job spec of `kind`; its input by `content` when given (see `main`). */
function buildSpec(kind, content) {
  const common = {
    replicas: int('replicas'),
    price: dcc(opts.price),
    deadline: int('deadline'),
    budgetMs: int('budget-ms'),
    inputContent: content,
  };
  const input = () => inputFile;
  switch (kind) {
    case 'matmul':
      return matmulJob(int('n'), BigInt(opts.seed), common);
    case 'sha256':
      return sha256Job(input(), int('block-len'), common);
    case 'montecarlo':
      return monteCarloJob(int('items'), int('samples'), BigInt(opts.seed), common);
    case 'quantized-net':
      return quantizedNetJob(input(), int('model-len'), int('batch'), int('result-len'), common);
    case 'matmul-f32':
      return matmulF32Job(int('n'), BigInt(opts.seed), common);
    case 'dense-f32':
      return denseF32Job(input(), int('inputs'), int('outputs'), int('batch'), opts.relu, common);
    case 'ray-trace': {
      const scene = encodeScene(JSON.parse(readFileSync(need('scene'), 'utf8')));
      const size = {
        width: int('width'),
        height: int('height'),
        samples: opts.samples === undefined ? 1 : int('samples'),
        bounces: int('bounces'),
      };
      return rayTraceJob(scene, size, common);
    }
    case 'source': {
      const size = need('work-size').split(',').map(Number);
      while (size.length < 3) size.push(1);
      return sourceJob(readFileSync(need('file'), 'utf8'), need('entry'), input(), size, int('output-len'), common);
    }
    default:
      return fail(
        `unknown kernel '${kind}': matmul, matmul-f32, sha256, montecarlo, quantized-net, dense-f32, ray-trace or source`,
      );
  }
}

/** The node's own HTTP endpoint, for its unsafe RPC (uploads, fetches by content). */
const httpOf = (ws) => ws.replace(/^ws/, 'http');

async function main() {
  const [command, arg] = positionals;
  if (!command) fail('usage: scripts/job submit|status|result ... (see scripts/job)');
  const api = await connect(opts.url);
  try {
    if (command === 'submit') {
      // An input longer than a transaction allows goes to this node by content; the
      // providers' nodes fetch it from here over the peer-to-peer network.
      let content;
      if (inputFile.length > api.consts.jobs.maxInputLen.toNumber()) {
        content = await uploadData(httpOf(opts.url), inputFile);
        console.log(`${inputFile.length} bytes of input uploaded to ${opts.url}: content ${content.root}`);
      }
      const spec = buildSpec(arg, content);
      const r = await submitAndWatch(api, api.tx.jobs.submit(spec), await signerFrom(opts.suri));
      if (r.error) fail(`${r.error}: ${r.errorDocs}`.replace(/: $/, ''));
      const job = r.events.find((e) => e.name === 'jobs.Submitted').named.job;
      console.log(`job ${job} submitted`);
      // The node keeps the input while the job is on chain, and releases it once cleared.
      if (content) await holdData(httpOf(opts.url), content, Number(job));
      if (opts.wait) await report(api, job, true);
    } else if (command === 'status') {
      await report(api, Number(arg ?? fail('which job?')), false);
    } else if (command === 'result') {
      const job = Number(arg ?? fail('which job?'));
      const { output, source } = await fetchOutput(api, job, { via: httpOf(opts.url), rpcUrls: opts.rpc });
      if (opts.png) {
        const kernel = (await jobPayload(api, job))?.kernel;
        if (!kernel?.isBuiltIn || !kernel.asBuiltIn.isRayTrace) fail(`job ${job} did not render an image`);
        const { width, height } = kernel.asBuiltIn.asRayTrace;
        writeFileSync(opts.png, encodePng(output, width.toNumber(), height.toNumber()));
        console.log(`${width} × ${height} image from ${source} written to ${opts.png} (hash checked)`);
      } else if (opts.out) {
        writeFileSync(opts.out, output);
        console.log(`${output.length} bytes from ${source} written to ${opts.out} (hash checked)`);
      } else {
        console.log(u8aToHex(output));
      }
    } else {
      fail(`unknown command '${command}'`);
    }
  } finally {
    await api.disconnect();
  }
}

async function report(api, job, wait) {
  const started = Date.now();
  const record = wait
    ? await waitForVerdict(api, job, {
        onStatus: (s) => console.log(`job ${job}: ${s} (${((Date.now() - started) / 1000).toFixed(1)} s)`),
      })
    : await jobRecord(api, job);
  if (!record) fail(`job ${job} does not exist (or was cleared)`);
  console.log(JSON.stringify(record.toHuman(), null, 2));
  if (record.status.isCompleted) {
    console.log(`result hash ${record.resultHash.unwrap().toHex()}; fetch it with: scripts/job result ${job}`);
  }
}

main().catch((e) => fail(e.message));
