/**
 * The full fuzz: at least 10,000 generated inputs per contract call (hostile
 * bodies plus schema-made ones), each sent through HTTP and through IPC, on
 * one real engine. Figures are printed as one "fuzz run:" line per transport.
 * EMT_FUZZ_PER_CALL overrides the count (e.g. for a quicker local run).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callNames } from '../../core/api/contract.ts';
import { fuzzEveryCall, fuzzSetup, prototypeSnapshot, totals, type FuzzSetup } from '../support/fuzz/suite.ts';
import { rawCall } from '../support/raw-http.ts';

const PER_CALL = Number(process.env.EMT_FUZZ_PER_CALL ?? 10_000);
const VALID = 100;

describe('fuzzing every call (full)', () => {
  let setup: FuzzSetup;
  const unhandled: unknown[] = [];
  const onUnhandled = (e: unknown): void => void unhandled.push(e);
  beforeAll(async () => {
    process.on('unhandledRejection', onUnhandled);
    process.on('uncaughtException', onUnhandled);
    setup = await fuzzSetup();
  });
  afterAll(async () => {
    process.off('unhandledRejection', onUnhandled);
    process.off('uncaughtException', onUnhandled);
    await setup?.close();
  });

  it(`${PER_CALL} inputs per call through HTTP and IPC: only typed refusals, nothing written by them, no crash`, { timeout: 4 * 60 * 60_000 }, async () => {
    const protoBefore = prototypeSnapshot();
    const start = performance.now();
    const reports = await fuzzEveryCall(setup, setup.transports, PER_CALL, VALID, 7, (r) =>
      console.log(`fuzz ${r.transport} ${r.call}: ${r.inputs} inputs, ${r.refused} refused, non-4xx ${r.non4xx}, internal ${r.internal}, crashes ${r.crashes}, rows ${r.rowsWritten}, ${r.ms} ms`),
    );
    const ms = Math.round(performance.now() - start);
    for (const name of ['http', 'ipc']) {
      const mine = reports.filter((r) => r.transport === name);
      const sum = totals(mine, ms);
      console.log(`fuzz run (${name}): ${JSON.stringify({ ...sum, minPerCall: Math.min(...mine.map((r) => r.inputs)) })}`);
    }
    const bad = reports.filter((r) => r.non4xx || r.internal || r.crashes || r.rowsWritten);
    expect(bad.map((r) => `${r.transport} ${r.call}: ${r.examples.join(' | ')}`)).toEqual([]);
    // PER_CALL hostile inputs per call, plus every schema-made one that could be made
    for (const r of reports) expect(r.inputs, `${r.transport} ${r.call}`).toBeGreaterThanOrEqual(PER_CALL);
    expect(new Set(reports.map((r) => r.call)).size).toBe(callNames.length);
    expect(setup.internalErrors).toEqual([]);
    expect(unhandled).toEqual([]);
    expect(prototypeSnapshot()).toBe(protoBefore);
    expect((await rawCall(setup.server.url, 'runtime.status', {})).status).toBe(200);
    expect(setup.recorder.stats().failed).toBe(0);
  });
});
