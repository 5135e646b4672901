/**
 * The links of one RPC node: accepting peers, dialing them on demand with backoff, the handshake,
 * and what happens when a link is lost. One link per pair of servers carries both directions;
 * when both dial at once, the link dialed by the smaller server id wins on both sides.
 *
 * Handshake: the dialer sends HELLO, the acceptor answers WELCOME (or GOAWAY). Frames for a peer
 * queue (capped) until its link is open.
 */
import { connect, type Socket } from 'node:net';
import type { MsgpackCodec } from '../codec/msgpack-codec.js';
import type { Logger } from '../log/types.js';
import { backoffDelay, type Backoff } from '../timer/backoff.js';
import type { Clock } from '../timer/clock.js';
import type { TimerService } from '../timer/timer-service.js';
import { parseAddress } from './address.js';
import { KIND, RPC_PROTOCOL_VERSION, type CallEnvelope, type Envelope } from './envelope.js';
import { RpcError, rpcCodeOfWire } from './errors.js';
import { Link, type LinkContext, type LinkOwner, type LinkSettings } from './link.js';
import { Peer } from './peer.js';

// A GOAWAY detail that tells the dialer the peer's own dial won and is on its way.
const CROSSED = 'crossed dials; the link from the smaller id wins';

/** What {@link PeerLinks} needs from its node. */
export interface PeerLinksOptions {
  /** This server's id (read at each handshake: it may be assigned after construction). */
  serverId(): string;
  resolve(serverId: string): string | undefined;
  codec: MsgpackCodec;
  clock: Clock;
  timers: TimerService;
  logger: Logger;
  settings: LinkSettings;
  connectTimeoutMs: number;
  reconnect: Backoff;
  /** Cap on open and opening links; connections past it are refused. */
  maxLinks: number;
  /** An envelope other than the handshake's arrived from an identified peer. */
  deliver(peer: Peer, link: Link, envelope: Envelope): void;
  /** Every call pending on `peer` must fail with `error`. */
  fail(peer: Peer, error: RpcError): void;
}

/** The peers of one node and the links to them. */
export class PeerLinks implements LinkOwner {
  private readonly peers = new Map<string, Peer>();
  private readonly links = new Set<Link>();
  private readonly context: LinkContext;
  private stopped = false;
  /** Connections refused in a row at the link cap. */
  private refused = 0;

  constructor(private readonly options: PeerLinksOptions) {
    const { codec, clock, timers, logger, settings } = options;
    this.context = { codec, clock, timers, logger, settings };
  }

  /** Open and opening links. */
  get linkCount(): number {
    return this.links.size;
  }

  /** Peers with state. */
  get peerCount(): number {
    return this.peers.size;
  }

  /**
   * The peer for `serverId`, created when first needed.
   * @throws RpcError `RPC_ERR_UNKNOWN_SERVER` when discovery does not know the server.
   */
  peer(serverId: string): Peer {
    let peer = this.peers.get(serverId);
    if (!peer) {
      if (this.options.resolve(serverId) === undefined) throw new RpcError('RPC_ERR_UNKNOWN_SERVER', serverId);
      peer = this.add(serverId);
    }
    return peer;
  }

  /** Takes over an accepted socket; it becomes a link once its HELLO is in. */
  accept(socket: Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    if (this.links.size >= this.options.maxLinks) {
      this.refused++;
      // One line per run of refusals, not one per connection of a flood.
      if (this.refused === 1) this.options.logger.warn('rpc: refusing connections past the link cap', { maxLinks: this.options.maxLinks, remote: socket.remoteAddress });
      socket.destroy();
      return;
    }
    if (this.refused > 0) this.options.logger.info('rpc: accepting connections again', { refused: this.refused });
    this.refused = 0;
    this.links.add(new Link(socket, false, this.context, this));
  }

  /** Opens a link to `peer` unless one is open or on its way; waits out the backoff first. */
  dial(peer: Peer): void {
    if (peer.link || peer.dialing || peer.connecting || peer.redial !== undefined || this.stopped) return;
    const { clock, timers, logger } = this.options;
    const wait = peer.nextDialAt - clock.now();
    if (wait > 0) {
      peer.redial = timers.once(wait, () => {
        peer.redial = undefined;
        this.dial(peer);
      });
      return;
    }
    const address = this.options.resolve(peer.id);
    if (address === undefined) {
      this.options.fail(peer, new RpcError('RPC_ERR_UNKNOWN_SERVER', `${peer.id} left the cluster`));
      this.forgetIfIdle(peer);
      return;
    }
    let target: { host: string; port: number };
    try {
      target = parseAddress(address);
    } catch (err) {
      this.dialFailed(peer, new RpcError('RPC_ERR_PEER_UNREACHABLE', `${peer.id}: ${(err as Error).message}`, { cause: err }));
      return;
    }
    peer.connecting = true;
    const socket = connect(target);
    const timer = timers.once(this.options.connectTimeoutMs, () => {
      socket.destroy(new Error(`connect timed out after ${this.options.connectTimeoutMs} ms`));
    });
    const onError = (err: Error): void => {
      timers.cancel(timer);
      peer.connecting = false;
      // The peer's own dial won while ours failed: the link it opened is healthy, leave it be.
      if (peer.link) return;
      logger.warn('rpc: cannot reach peer', { peer: peer.id, address, err });
      this.dialFailed(peer, new RpcError('RPC_ERR_PEER_UNREACHABLE', `${peer.id} at ${address}: ${err.message}`, { cause: err }));
    };
    socket.once('error', onError);
    socket.once('connect', () => {
      timers.cancel(timer);
      socket.off('error', onError);
      peer.connecting = false;
      // The peer's own dial may have won meanwhile.
      if (peer.link || this.stopped) {
        socket.destroy();
        return;
      }
      const link = new Link(socket, true, this.context, this);
      link.peerId = peer.id;
      this.links.add(link);
      peer.dialing = link;
      link.send([KIND.HELLO, RPC_PROTOCOL_VERSION, this.options.serverId()]);
    });
  }

  /** Closes every link with a GOAWAY carrying `reason` and forgets every peer's state. */
  stop(reason: RpcError): Peer[] {
    this.stopped = true;
    for (const link of [...this.links]) link.close(reason, true);
    const peers = [...this.peers.values()];
    for (const peer of peers) {
      if (peer.redial !== undefined) this.options.timers.cancel(peer.redial);
      peer.redial = undefined;
    }
    return peers;
  }

  /** @internal From a link: one envelope. */
  onEnvelope(link: Link, envelope: Envelope): void {
    switch (envelope[0]) {
      case KIND.HELLO:
        this.onHello(link, envelope[1], envelope[2]);
        return;
      case KIND.WELCOME:
        this.onWelcome(link, envelope[1], envelope[2]);
        return;
      case KIND.GOAWAY: {
        const code = rpcCodeOfWire(envelope[1]) ?? 'RPC_ERR_LINK_LOST';
        const detail = `${link.peerId ?? link.remoteAddress} went away: ${envelope[2]}`;
        link.close(new RpcError(code === 'RPC_ERR_CLOSED' ? 'RPC_ERR_LINK_LOST' : code, detail));
        return;
      }
      default: {
        const peer = link.peerId === undefined ? undefined : this.peers.get(link.peerId);
        if (peer) this.options.deliver(peer, link, envelope);
      }
    }
  }

  /** @internal From a link: it closed. */
  onClose(link: Link, reason: RpcError): void {
    this.links.delete(link);
    const peer = link.peerId === undefined ? undefined : this.peers.get(link.peerId);
    if (!peer) return;
    if (peer.link === link) {
      peer.link = undefined;
      // RPC_ERR_CLOSED means this server is stopping; anything else is the loss of the link.
      const kept = reason.code === 'RPC_ERR_LINK_LOST' || reason.code === 'RPC_ERR_CLOSED';
      this.options.fail(peer, kept ? reason : new RpcError('RPC_ERR_LINK_LOST', reason.message, { cause: reason }));
    } else if (peer.dialing === link) {
      peer.dialing = undefined;
      if (reason.code === 'RPC_ERR_HANDSHAKE' && reason.detail.includes(CROSSED)) {
        // The peer keeps its own dial; wait for it, and dial again later should it never come.
        peer.nextDialAt = this.options.clock.now() + this.options.settings.handshakeTimeoutMs;
        this.dial(peer);
      } else {
        this.dialFailed(peer, new RpcError('RPC_ERR_PEER_UNREACHABLE', `${peer.id}: ${reason.message}`, { cause: reason }));
      }
    }
    this.forgetIfIdle(peer);
  }

  // A peer that failed keeps its backoff while the cluster still lists it; one that left goes.
  private forgetIfIdle(peer: Peer): void {
    if (!peer.idle) return;
    if (peer.failures === 0 || this.options.resolve(peer.id) === undefined) this.peers.delete(peer.id);
  }

  private add(serverId: string): Peer {
    const peer = new Peer(serverId, this.options.settings.maxQueuedBytes);
    this.peers.set(serverId, peer);
    return peer;
  }

  private dialFailed(peer: Peer, error: RpcError): void {
    peer.failures++;
    peer.nextDialAt = this.options.clock.now() + backoffDelay(this.options.reconnect, peer.failures);
    this.options.fail(peer, error);
    this.forgetIfIdle(peer);
  }

  private onHello(link: Link, version: number, peerId: string): void {
    if (link.dialed) throw new RpcError('RPC_ERR_PROTOCOL', 'HELLO on a dialed link');
    if (version !== RPC_PROTOCOL_VERSION) {
      link.close(new RpcError('RPC_ERR_HANDSHAKE', `protocol version ${version}, this server speaks ${RPC_PROTOCOL_VERSION}`), true);
      return;
    }
    if (peerId === this.options.serverId()) {
      link.close(new RpcError('RPC_ERR_HANDSHAKE', `a peer claims this server's own id ${peerId}`), true);
      return;
    }
    const peer = this.peers.get(peerId) ?? this.add(peerId);
    if (peer.dialing || peer.connecting) {
      if (peerId > this.options.serverId()) {
        link.close(new RpcError('RPC_ERR_HANDSHAKE', CROSSED), true);
        return;
      }
      const ours = peer.dialing;
      peer.dialing = undefined;
      ours?.close(new RpcError('RPC_ERR_LINK_LOST', CROSSED), true);
    }
    // A peer that dials again while we hold a link to it has lost that link, and the calls on it.
    peer.link?.close(new RpcError('RPC_ERR_LINK_LOST', `${peerId} connected again`));
    this.peers.set(peerId, peer); // closing may have dropped it as idle
    link.open(peerId);
    link.send([KIND.WELCOME, RPC_PROTOCOL_VERSION, this.options.serverId()]);
    this.opened(peer, link);
  }

  private onWelcome(link: Link, version: number, peerId: string): void {
    const peer = link.peerId === undefined ? undefined : this.peers.get(link.peerId);
    if (!link.dialed || !peer || peer.dialing !== link) throw new RpcError('RPC_ERR_PROTOCOL', 'unexpected WELCOME');
    if (version !== RPC_PROTOCOL_VERSION || peerId !== peer.id) {
      // A stale address can point at another server: never send it calls meant for this one.
      link.close(new RpcError('RPC_ERR_HANDSHAKE', `expected ${peer.id} v${RPC_PROTOCOL_VERSION}, found ${peerId} v${version}`), true);
      return;
    }
    peer.dialing = undefined;
    link.open(peerId);
    this.opened(peer, link);
  }

  private opened(peer: Peer, link: Link): void {
    peer.link = link;
    peer.failures = 0;
    peer.nextDialAt = 0;
    const now = this.options.clock.now();
    try {
      for (const { frame, deadline } of peer.takeQueue()) {
        if (deadline === undefined) {
          link.sendEncoded(frame);
          continue;
        }
        // A call sends what is left of its budget; one whose deadline passed while dialing is
        // not sent at all (its caller has its error already).
        const left = Math.ceil(deadline - now);
        if (left <= 0) continue;
        const envelope = this.options.codec.decode(frame) as CallEnvelope;
        envelope[2] = left;
        link.send(envelope);
      }
    } catch (err) {
      // The queue fits a new link by construction; should it not, the calls fail, not the peer.
      this.options.logger.error('rpc: could not send the frames queued for a new link', { err, peer: peer.id });
      link.close(new RpcError('RPC_ERR_LINK_LOST', `${peer.id}: queued frames did not fit the new link`, { cause: err }));
    }
  }
}
