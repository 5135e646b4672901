/**
 * The reference C KCP, built for the ACK-latency comparison. ikcp.c is not in this repository:
 * the npm package node-kcp ships the reference library's source (MIT) for its native build, so on
 * first use `npm pack` fetches it into reference-c/.cache (ignored by git) and gcc builds
 * reference-c/ack-echo.c with it. Without npm's registry or gcc the comparison is skipped, and the
 * reason is reported instead.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync } from 'node:fs';

const PACKAGE = 'node-kcp@1.0.13';
const dir = new URL('./reference-c/', import.meta.url).pathname;
const cache = `${dir}.cache/`;

/** The path of the built C echo peer, or why there is none. */
export function buildReferenceEcho(): { binary: string } | { missing: string } {
  const binary = `${cache}ack-echo`;
  if (existsSync(binary)) return { binary };
  try {
    mkdirSync(cache, { recursive: true });
    const source = `${cache}package/src/kcp/`;
    if (!existsSync(`${source}ikcp.c`)) {
      const tarball = execFileSync('npm', ['pack', PACKAGE, '--silent', '--pack-destination', cache], { encoding: 'utf8' }).trim().split('\n').pop()!;
      execFileSync('tar', ['-xzf', `${cache}${tarball}`, '-C', cache, 'package/src/kcp/ikcp.c', 'package/src/kcp/ikcp.h']);
    }
    execFileSync('gcc', ['-O2', '-o', binary, `${dir}ack-echo.c`, `${source}ikcp.c`, '-I', source]);
    return { binary };
  } catch (err) {
    return { missing: `the reference C KCP could not be built (${PACKAGE} from npm, gcc): ${(err as Error).message.split('\n')[0]}` };
  }
}
