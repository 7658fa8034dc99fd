import { inject } from 'vitest';
import { createDatabase } from './postgres.ts';

/** A fresh, empty database on the run's test PostgreSQL server; returns its URL. */
export function testPostgresUrl(): Promise<string> {
  return createDatabase(inject('pgUrl'));
}
