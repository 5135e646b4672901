/**
 * Our RPC between two processes, as the rpc benchmark measures it: an RpcNode in this process
 * calling `bench.echo` on the RpcNode of bench/fixtures/rpc-peer.ts over one loopback link. The
 * node in this process serves `bench.echo` too, for calls to itself.
 */
import type { Logger } from '../../engine/log/types.js';
import { RpcNode } from '../../engine/rpc/rpc-node.js';
import { testClusterSecret } from '../../engine/testing/cluster-secret.js';
import { SystemClock } from '../../engine/timer/clock.js';
import { TimerService } from '../../engine/timer/timer-service.js';
import { startEchoPeer } from './load.js';

const quiet: Logger = { error: console.error, warn: console.error, info: () => {}, debug: () => {}, child: () => quiet };

/** A running link: `call(args)` calls `bench.echo(args)` on the other process. */
export interface RpcEchoLink {
  call(args: unknown): Promise<unknown>;
  /** Calls `bench.echo(args)` on this process's own node: the same-process hop. */
  callSelf(args: unknown): Promise<unknown>;
  /** The other process, for pinning and CPU time. */
  peerPid: number;
  /** The other process's raw framed TCP echo (bench/fixtures/rpc-peer.ts). */
  echoAddress: string;
  stop(): Promise<void>;
}

/** Starts this process's RpcNode and the peer process, linked to each other. */
export async function startRpcEchoLink(): Promise<RpcEchoLink> {
  const clock = new SystemClock();
  const timers = new TimerService({ clock, logger: quiet });
  let peerAddress: string | undefined;
  const node = new RpcNode({
    serverId: 'bench-client',
    secret: testClusterSecret(),
    host: '127.0.0.1',
    port: 0,
    resolve: (id) => (id === 'bench-server' ? peerAddress : undefined),
    clock,
    timers,
    logger: quiet,
  });
  node.serve('bench', { echo: (value: unknown) => value }, ['echo']);
  await node.start();
  const peer = await startEchoPeer({ id: 'bench-client', address: node.address });
  peerAddress = peer.rpc;
  return {
    call: (args) => node.call('bench-server', 'bench', 'echo', [args]),
    callSelf: (args) => node.call('bench-client', 'bench', 'echo', [args]),
    peerPid: peer.pid,
    echoAddress: peer.echo,
    stop: async () => {
      await node.stop();
      timers.stop();
      peer.stop();
    },
  };
}
