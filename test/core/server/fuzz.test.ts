/**
 * A fast sample of the fuzz (the full 10,000 per call is test/reliability/fuzz.test.ts):
 * every contract call, through HTTP and IPC, gets hostile bodies and schema-made inputs.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { callNames } from '../../../core/api/contract.ts';
import { fuzzEveryCall, fuzzSetup, prototypeSnapshot, totals, type FuzzSetup } from '../../support/fuzz/suite.ts';
import { rawCall } from '../../support/raw-http.ts';

const HOSTILE = Number(process.env.EMT_FUZZ_SAMPLE ?? 30);
const VALID = 4;

describe('fuzzing every call (sample)', () => {
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

  for (const which of ['http', 'ipc'] as const) {
    it(`${which}: only typed refusals for bad input, nothing written, no crash`, { timeout: 240_000 }, async () => {
      await setup.clock.advance(60_000); // a new window of the refusal recorder's cap
      const protoBefore = prototypeSnapshot();
      const t = setup.transports.find((x) => x.name === which)!;
      const start = performance.now();
      const reports = await fuzzEveryCall(setup, [t], HOSTILE, VALID, which === 'http' ? 1 : 2);
      const sum = totals(reports, Math.round(performance.now() - start));
      console.log(`fuzz sample (${which}): ${JSON.stringify(sum)}`);
      if (process.env.EMT_FUZZ_VERBOSE) for (const r of reports) console.log(r.call, r.inputs, r.ms);
      const bad = reports.filter((r) => r.non4xx || r.internal || r.crashes || r.rowsWritten);
      expect(bad.map((r) => `${r.call}: ${r.examples.join(' | ')}`)).toEqual([]);
      expect(sum.calls).toBe(callNames.length);
      expect(sum.inputs).toBeGreaterThanOrEqual(callNames.length * HOSTILE);
      expect(sum.refused).toBeGreaterThan(sum.inputs / 2);
      expect(setup.internalErrors).toEqual([]);
      expect(unhandled).toEqual([]);
      expect(prototypeSnapshot()).toBe(protoBefore);
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      // the server still answers, and the refusals were recorded (capped per call)
      const status = await rawCall(setup.server.url, 'runtime.status', {});
      expect(status.status).toBe(200);
      expect(setup.recorder.stats().failed).toBe(0);
      expect(sum.refusalEvents).toBeGreaterThan(0);
    });
  }
});
