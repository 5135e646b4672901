import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

interface TestBinary {
  binary: string;
  /** The variable naming a running server to use instead, where there is one. */
  envVar?: string;
  install: string;
}

/** The programs the tests run (servers, and the browser the browser SDK's test drives), with where setup.sh gets them. */
export const TEST_BINARIES = {
  etcd: { binary: 'etcd', envVar: 'ETCD_URL', install: 'Debian package etcd-server' },
  redis: { binary: 'redis-server', envVar: 'REDIS_URL', install: 'Debian package redis-server' },
  ferretdb: { binary: 'ferretdb', envVar: 'MONGO_URL', install: 'FerretDB v1 built from source with Go' },
  chromium: { binary: 'chromium', install: 'Debian package chromium' },
} as const satisfies Record<string, TestBinary>;

/** One of the programs in {@link TEST_BINARIES}. */
export type BinaryName = keyof typeof TEST_BINARIES;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a test program's executable: `<NAME>_BIN` (e.g. `FERRETDB_BIN`, `CHROMIUM_BIN`) if set, else
 * `PATH`, else the folders setup.sh may install into when it cannot write to /usr/local/bin.
 * @param env where to read `PATH`, `HOME` and the `*_BIN` overrides (default `process.env`).
 * @throws Error naming scripts/setup.sh and, for a server, the `*_URL` variable to use an existing one instead.
 */
export function findBinary(name: BinaryName, env: NodeJS.ProcessEnv = process.env): string {
  const { binary, envVar, install }: TestBinary = TEST_BINARIES[name];
  const override = env[`${name.toUpperCase()}_BIN`];
  if (override) {
    if (isExecutable(override)) return override;
    throw new Error(`${name.toUpperCase()}_BIN=${override} is not an executable file`);
  }
  const home = env.HOME ?? homedir();
  const dirs = [...(env.PATH ?? '').split(delimiter).filter(Boolean), join(home, '.local', 'bin'), join(home, 'go', 'bin')];
  for (const dir of dirs) {
    const candidate = join(dir, binary);
    if (isExecutable(candidate)) return candidate;
  }
  throw new Error(
    `${binary} was not found (looked in PATH, ~/.local/bin and ~/go/bin). ` +
      `Run 'bash scripts/setup.sh' to install it (${install}), ` +
      (envVar ? `or set ${envVar} to the URL of a running server for the tests to use instead.` : `or set ${name.toUpperCase()}_BIN to its path.`),
  );
}
