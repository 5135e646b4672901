import { accessSync, constants } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, join } from 'node:path';

/** The servers the test harness runs, with where setup.sh puts them. */
export const SERVER_BINARIES = {
  etcd: { binary: 'etcd', envVar: 'ETCD_URL', install: 'Debian package etcd-server' },
  redis: { binary: 'redis-server', envVar: 'REDIS_URL', install: 'Debian package redis-server' },
  ferretdb: { binary: 'ferretdb', envVar: 'MONGO_URL', install: 'FerretDB v1 built from source with Go' },
} as const;

/** One of the servers in {@link SERVER_BINARIES}. */
export type ServerName = keyof typeof SERVER_BINARIES;

function isExecutable(path: string): boolean {
  try {
    accessSync(path, constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/**
 * Finds a server's executable: `<NAME>_BIN` (e.g. `FERRETDB_BIN`) if set, else `PATH`, else the
 * folders setup.sh may install into when it cannot write to /usr/local/bin.
 * @param env where to read `PATH`, `HOME` and the `*_BIN` overrides (default `process.env`).
 * @throws Error naming scripts/setup.sh and the `*_URL` variable to use an existing server instead.
 */
export function findBinary(name: ServerName, env: NodeJS.ProcessEnv = process.env): string {
  const { binary, envVar, install } = SERVER_BINARIES[name];
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
      `or set ${envVar} to the URL of a running server for the tests to use instead.`,
  );
}
