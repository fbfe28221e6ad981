// The node's command line: built-in chains export with the properties polkadot.js reads,
// the committed chain specs match what the runtime produces, and bad input ends with a
// clear message and a non-zero exit rather than a panic.

import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, test } from 'node:test';

import { fastRuntimeWasm, nodeBinary, run, scratchDir, scriptsDir } from './lib/harness.mjs';

const noPanic = (r) => {
  const out = r.stdout + r.stderr;
  assert.doesNotMatch(out, /panicked at|stack backtrace|RUST_BACKTRACE/, `panic output:\n${out}`);
};

describe('depin-node command line', () => {
  test('export-chain-spec renders the built-in chains with token properties', () => {
    for (const [chain, name, authorities, providers] of [
      ['dev', 'DePIN Compute Development', 1, 1],
      ['local', 'DePIN Compute Local Testnet', 4, 3],
    ]) {
      const r = run(nodeBinary, ['export-chain-spec', '--chain', chain]);
      assert.equal(r.status, 0, r.stderr);
      const spec = JSON.parse(r.stdout);
      assert.equal(spec.name, name);
      assert.deepEqual(spec.properties, { ss58Format: 42, tokenDecimals: 12, tokenSymbol: 'DCC' });
      const patch = spec.genesis.runtimeGenesis.patch;
      // The validators and their session keys; BABE and GRANDPA take theirs from them.
      assert.equal(patch.validators.validators.length, authorities);
      assert.equal(patch.session.keys.length, authorities);
      assert.deepEqual(patch.session.keys.map(([account]) => account).sort(), [...patch.validators.validators].sort());
      assert.deepEqual(patch.babe.authorities, []);
      assert.equal(patch.grandpa, undefined);
      // The twelve well-known dev accounts, each provider's operator account, the treasury
      // (the reward pot's existential deposit is minted by the rewards pallet).
      assert.equal(patch.balances.balances.length, 12 + providers + 1, 'the accounts are endowed');
      assert.equal(patch.providers.providers.length, providers, 'the providers are registered');
    }
  });

  test("a built-in chain on another runtime build: its code, and that runtime's own preset", () => {
    const real = JSON.parse(run(nodeBinary, ['export-chain-spec', '--chain', 'dev']).stdout);
    const r = run(nodeBinary, ['export-chain-spec', '--chain', `dev:${fastRuntimeWasm}`]);
    assert.equal(r.status, 0, r.stderr);
    const fast = JSON.parse(r.stdout);
    assert.equal(
      fast.genesis.runtimeGenesis.code,
      `0x${readFileSync(fastRuntimeWasm).toString('hex')}`,
      "the fast runtime's code",
    );
    assert.notEqual(fast.genesis.runtimeGenesis.code, real.genesis.runtimeGenesis.code);
    // The fast runtime only shortens the slot: the genesis, periods in blocks included, is
    // the real runtime's.
    assert.deepEqual(fast.genesis.runtimeGenesis.patch, real.genesis.runtimeGenesis.patch);
    assert.equal(fast.name, real.name);

    const missing = run(nodeBinary, ['export-chain-spec', '--chain', 'dev:/no/such/runtime.wasm'], {
      timeoutMs: 30_000,
    });
    assert.notEqual(missing.status, 0);
    assert.match(missing.stderr, /cannot read the runtime `\/no\/such\/runtime.wasm` for chain `dev`/);
    noPanic(missing);
  });

  test('the committed chain specs match what the runtime produces', () => {
    const r = run(join(scriptsDir, 'build-chain-specs'), ['--check']);
    assert.equal(r.status, 0, `${r.stdout}\n${r.stderr}`);
  });

  test('an unknown --chain name ends with a clear error', () => {
    const dir = scratchDir('cli');
    try {
      const r = run(nodeBinary, ['--chain', 'no-such-chain', '--base-path', dir.path], { timeoutMs: 30_000 });
      assert.notEqual(r.status, 0);
      assert.equal(r.signal, null, 'exits by itself');
      assert.match(
        r.stderr,
        /unknown chain `no-such-chain`: not a built-in chain \(dev, local, or <chain>:<runtime.wasm>\)/,
      );
      noPanic(r);
    } finally {
      dir.cleanup();
    }
  });

  test('a malformed chain-spec file ends with a clear error', () => {
    const dir = scratchDir('cli');
    try {
      const cases = [
        ['broken.json', '{ "name": "half a spec", '],
        ['not-a-spec.json', '{ "hello": "world" }'],
      ];
      for (const [file, content] of cases) {
        const path = join(dir.path, file);
        writeFileSync(path, content);
        const r = run(nodeBinary, ['--chain', path, '--base-path', join(dir.path, 'db')], { timeoutMs: 30_000 });
        assert.notEqual(r.status, 0, `${file} is refused`);
        assert.equal(r.signal, null, 'exits by itself');
        assert.match(
          r.stderr,
          new RegExp(`invalid chain-spec file \`${path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\``),
        );
        noPanic(r);
      }
    } finally {
      dir.cleanup();
    }
  });
});
