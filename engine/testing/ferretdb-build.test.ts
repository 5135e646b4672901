import { describe, expect, it } from 'vitest';
import { checkFerretdbBuild } from './ferretdb-build.js';

const printing = (text: string) => () => text;

describe('checkFerretdbBuild', () => {
  it('accepts the build setup.sh makes', () => {
    expect(() => checkFerretdbBuild('/bin/ferretdb', printing('version: v1.24.0-indexed-id\ncommit: unknown\n'))).not.toThrow();
  });

  it('refuses a stock build, naming scripts/setup.sh and MONGO_URL', () => {
    expect(() => checkFerretdbBuild('/bin/ferretdb', printing('version: v1.24.0\ncommit: unknown\n'))).toThrow(
      /\/bin\/ferretdb reports version v1\.24\.0, not the build.*indexed-id.*scripts\/setup\.sh.*MONGO_URL/s,
    );
  });

  it('refuses a program that reports no version', () => {
    expect(() => checkFerretdbBuild('/bin/true', printing(''))).toThrow(/reports version \(none\)/);
  });
});
