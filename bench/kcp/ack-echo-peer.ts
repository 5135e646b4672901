/**
 * Our KCP echo server in a process of its own, for bench/kcp/ack-latency.ts (the reference C
 * peer runs in its own process too): listens on 127.0.0.1 on a free port with the preset named
 * by its argument (normal or fast), echoes every message, prints the port, and exits when its
 * standard input closes.
 */
import type { Logger } from '../../engine/log/types.js';
import { KCP_PRESETS } from '../../engine/net/kcp/kcp-options.js';
import { listenKcp } from '../../engine/net/kcp/udp-kcp.js';
import { SystemClock } from '../../engine/timer/clock.js';
import { TimerService } from '../../engine/timer/timer-service.js';

const quiet: Logger = { error: () => {}, warn: () => {}, info: () => {}, debug: () => {}, child: () => quiet };
const mode = process.argv[2] === 'fast' ? 'fast' : 'normal';
const clock = new SystemClock();
const timers = new TimerService({ clock, logger: quiet });
const server = await listenKcp('127.0.0.1', 0, {
  clock,
  timers,
  logger: quiet,
  kcp: KCP_PRESETS[mode],
  onSession: (session) => {
    session.onMessage = (message) => session.send(message);
  },
});
process.stdout.write(`${server.address.split(':')[1]}\n`);
process.stdin.resume();
process.stdin.on('end', () => process.exit(0));
