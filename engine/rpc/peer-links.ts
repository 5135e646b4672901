/**
 * The links of one RPC node: accepting peers, dialing them on demand with backoff, the handshake,
 * and what happens when a link is lost. One link per pair of servers carries both directions;
 * when both dial at once, the link dialed by the smaller server id wins on both sides.
 *
 * Handshake: the acceptor sends CHALLENGE, the dialer answers HELLO with its proof of the cluster
 * secret, the acceptor checks it and that discovery places the claimed id at the connection's
 * address, then answers WELCOME with its own proof (or GOAWAY). Nothing about a peer changes
 * before its HELLO is proved. The HELLO carries the dialer's RPC contract range and the WELCOME the
 * version the acceptor chose (rpc-versions.ts); no common version is RPC_ERR_VERSION. Frames for a
 * peer queue (capped) until its link is open.
 */
import { connect, type Socket } from 'node:net';
import type { MsgpackCodec } from '../codec/msgpack-codec.js';
import type { MsgpackWriter } from '../codec/msgpack-writer.js';
import type { Logger } from '../log/types.js';
import { backoffDelay, type Backoff } from '../timer/backoff.js';
import type { Clock } from '../timer/clock.js';
import type { TimerService } from '../timer/timer-service.js';
import { parseAddress } from './address.js';
import { KIND, RPC_PROTOCOL_VERSION, type Envelope, type HelloEnvelope, type WelcomeEnvelope } from './envelope.js';
import { setCallBudget, wireBudget } from './envelope-codec.js';
import { RpcError, rpcCodeOfWire } from './errors.js';
import { createNonce, handshakeProof, proofHolds, type HandshakeTranscript } from './handshake-proof.js';
import { Link, type LinkContext, type LinkOwner, type LinkSettings } from './link.js';
import { checkDiscovery } from './discovery-check.js';
import { addressKey } from '../net/address-key.js';
import { Peer } from './peer.js';
import { PendingHandshakes, type PendingHandshakeLimits } from './pending-handshakes.js';
import { ThrottledLog } from '../log/throttled-log.js';
import type { RefusalLog, RefusalReason } from './refusal-log.js';
import { formatRange, highestCommonVersion, inRange, LEGACY_RPC_CONTRACT, type VersionRange } from './rpc-versions.js';

// A GOAWAY detail that tells the dialer the peer's own dial won and is on its way.
const CROSSED = 'crossed dials; the link from the smaller id wins';
// What a refused stranger is told; the log says more.
const NOT_PROVED = 'not proved to belong to this cluster';
// At most one log line per refusal reason this often.
const REFUSAL_LOG_INTERVAL_MS = 10_000;

/** What {@link PeerLinks} needs from its node. */
export interface PeerLinksOptions {
  /** This server's id (read at each handshake: it may be assigned after construction). */
  serverId(): string;
  /** A server's registered `host:port`; also what a peer's claimed id is checked against. */
  resolve(serverId: string): string | undefined;
  /** The cluster secret both sides of a handshake prove they know. */
  secret: Uint8Array;
  /** The RPC contract versions this server speaks. */
  contractRange: VersionRange;
  /** The contract range a server publishes; undefined for one that states none (it gets a HELLO without a range). */
  peerContractRange(serverId: string): VersionRange | undefined;
  /** Caps and deadline of accepted connections that have not proved themselves yet. */
  handshakes: PendingHandshakeLimits;
  codec: MsgpackCodec;
  writer: MsgpackWriter;
  clock: Clock;
  timers: TimerService;
  logger: Logger;
  settings: LinkSettings;
  connectTimeoutMs: number;
  reconnect: Backoff;
  /** Cap on links, less accepted connections not proved yet; connections past it are refused. */
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
  private readonly pending: PendingHandshakes;
  private readonly refusals: RefusalLog;
  private stopped = false;
  /** Connections refused in a row at the link cap. */
  private refused = 0;

  constructor(private readonly options: PeerLinksOptions) {
    const { codec, writer, clock, timers, logger, settings } = options;
    this.refusals = new ThrottledLog<RefusalReason>(logger, clock, REFUSAL_LOG_INTERVAL_MS);
    this.context = { codec, writer, clock, timers, logger, refusals: this.refusals, settings };
    this.pending = new PendingHandshakes(options.handshakes, timers);
  }

  /** Open and opening links, accepted connections not proved yet included. */
  get linkCount(): number {
    return this.links.size;
  }

  /** Accepted connections that have not proved themselves yet. */
  get unprovedCount(): number {
    return this.pending.size;
  }

  /** Peers with state. */
  get peerCount(): number {
    return this.peers.size;
  }

  /** Bytes waiting in the links' write queues and in the peers' queues for a link to open (read at a scrape). */
  get queuedBytes(): number {
    let bytes = 0;
    for (const link of this.links) bytes += link.queuedBytes;
    for (const peer of this.peers.values()) bytes += peer.queuedBytes;
    return bytes;
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

  /** Takes over an accepted socket and challenges it; it becomes a link once its HELLO is proved. */
  accept(socket: Socket): void {
    if (this.stopped) {
      socket.destroy();
      return;
    }
    // Counted like a gate counts clients: an IPv6 host holds a whole /64.
    const key = addressKey(socket.remoteAddress ?? '');
    if (this.pending.addressFull(key)) {
      this.refusals.warn('address-cap', 'rpc: refusing a connection past the cap on unproved connections from one address', {
        remote: socket.remoteAddress,
        maxPerAddress: this.options.handshakes.maxPerAddress,
      });
      socket.destroy();
      return;
    }
    if (this.links.size - this.pending.size >= this.options.maxLinks) {
      this.refused++;
      // One line per run of refusals, not one per connection of a flood.
      if (this.refused === 1) this.options.logger.warn('rpc: refusing connections past the link cap', { maxLinks: this.options.maxLinks, remote: socket.remoteAddress });
      socket.destroy();
      return;
    }
    if (this.refused > 0) this.options.logger.info('rpc: accepting connections again', { refused: this.refused });
    this.refused = 0;
    const oldest = this.pending.overflow();
    if (oldest) {
      this.refusals.warn('evicted', 'rpc: closing the oldest unproved connection to make room', { remote: oldest.remoteAddress });
      oldest.close(new RpcError('RPC_ERR_HANDSHAKE', `${oldest.remoteAddress}: ${NOT_PROVED} in time`));
    }
    const link = new Link(socket, false, this.context, this);
    this.links.add(link);
    // An unproved connection keeps its place until its socket is gone, not merely until it was
    // refused: a refusal lingers up to a second for the GOAWAY to go out.
    socket.once('close', () => this.pending.remove(link));
    this.pending.add(link, key, (timeoutMs) => {
      this.refusals.warn('no-hello', 'rpc: closing a connection that proved nothing in time', { remote: link.remoteAddress, timeoutMs });
      link.close(new RpcError('RPC_ERR_HANDSHAKE', `${link.remoteAddress}: no HELLO within ${timeoutMs} ms`));
    });
    link.localNonce = createNonce();
    link.send([KIND.CHALLENGE, RPC_PROTOCOL_VERSION, link.localNonce]);
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
      // The acceptor speaks first: its CHALLENGE carries the nonce our HELLO proves.
    });
  }

  /** The open link to `serverId`, if any. */
  openLink(serverId: string): Link | undefined {
    return this.peers.get(serverId)?.link;
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
      case KIND.CHALLENGE:
        this.onChallenge(link, envelope[2]);
        return;
      case KIND.HELLO:
        this.onHello(link, envelope);
        return;
      case KIND.WELCOME:
        this.onWelcome(link, envelope);
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

  private onChallenge(link: Link, acceptorNonce: Uint8Array): void {
    const peer = link.peerId === undefined ? undefined : this.peers.get(link.peerId);
    if (!link.dialed || !peer || peer.dialing !== link || link.peerNonce) throw new RpcError('RPC_ERR_PROTOCOL', 'unexpected CHALLENGE');
    link.peerNonce = acceptorNonce;
    link.localNonce = createNonce();
    const own = this.options.contractRange;
    // A peer that states no range knows no HELLO with one: it gets the one it knows, if this
    // server still speaks that peer's version.
    const range = this.options.peerContractRange(peer.id) === undefined ? undefined : own;
    if (!range && !inRange(LEGACY_RPC_CONTRACT, own)) {
      link.close(new RpcError('RPC_ERR_VERSION', `${peer.id} states no RPC contract range (so speaks ${LEGACY_RPC_CONTRACT}); this server speaks ${formatRange(own)}`), true);
      return;
    }
    link.offered = range;
    const transcript: HandshakeTranscript = { dialerId: this.options.serverId(), acceptorId: peer.id, acceptorNonce, dialerNonce: link.localNonce, range };
    const proof = handshakeProof(this.options.secret, 'hello', transcript);
    link.send([KIND.HELLO, RPC_PROTOCOL_VERSION, transcript.dialerId, transcript.acceptorId, transcript.dialerNonce, proof, ...(range ?? [])] as HelloEnvelope);
  }

  private onHello(link: Link, [, , peerId, acceptorId, dialerNonce, proof, min, max]: HelloEnvelope): void {
    if (link.dialed || link.peerNonce) throw new RpcError('RPC_ERR_PROTOCOL', 'unexpected HELLO');
    link.peerNonce = dialerNonce;
    const selfId = this.options.serverId();
    const meta = { remote: link.remoteAddress, claimed: peerId };
    // The proof first: only a peer that holds the secret learns which server it reached.
    const range: VersionRange | undefined = min === undefined || max === undefined ? undefined : [min, max];
    const transcript: HandshakeTranscript = { dialerId: peerId, acceptorId, acceptorNonce: link.localNonce!, dialerNonce, range };
    if (!proofHolds(this.options.secret, 'hello', transcript, proof)) {
      this.refuse(link, 'wrong-proof', 'the HELLO does not prove the cluster secret', meta);
      return;
    }
    const own = this.options.contractRange;
    const contract = highestCommonVersion(own, range ?? [LEGACY_RPC_CONTRACT, LEGACY_RPC_CONTRACT]);
    if (contract === undefined) {
      this.refusals.warn('version', 'rpc: refusing a handshake: no RPC contract version in common', { ...meta, peerRange: range ? formatRange(range) : 'none', ownRange: formatRange(own) });
      link.close(new RpcError('RPC_ERR_VERSION', `${peerId} speaks ${range ? formatRange(range) : LEGACY_RPC_CONTRACT}, this server ${formatRange(own)}`), true);
      return;
    }
    if (range) transcript.contract = contract;
    link.contract = contract;
    if (acceptorId !== selfId) {
      this.refuse(link, 'wrong-server', `HELLO meant for ${acceptorId}, this is ${selfId}`, meta);
      return;
    }
    if (peerId === selfId) {
      this.refuse(link, 'own-id', `a peer claims this server's own id ${peerId}`, meta);
      return;
    }
    // Proved: the connection no longer takes an unproved place, and may wait for discovery.
    this.pending.remove(link);
    const { resolve, timers, logger } = this.options;
    const wanted = (): boolean => !link.closed && !this.stopped;
    const linkBefore = this.peers.get(peerId)?.link;
    checkDiscovery({ peerId, remoteHost: link.remoteHost, remote: link.remoteAddress, resolve, wanted, timers, logger }, (problem) => {
      if (problem === undefined) this.admit(link, transcript, linkBefore);
      else this.refuse(link, 'wrong-address', problem, meta);
    });
  }

  /** `linkBefore`: the link to the peer when its HELLO came, to tell a restart from a crossed dial. */
  private admit(link: Link, transcript: HandshakeTranscript, linkBefore: Link | undefined): void {
    const peerId = transcript.dialerId;
    const peer = this.peers.get(peerId) ?? this.add(peerId);
    // Our own dial may have finished while discovery was checked: a crossed dial all the same.
    const crossedLink = peer.link !== undefined && peer.link !== linkBefore && peer.link.dialed;
    if (peer.dialing || peer.connecting || crossedLink) {
      if (peerId > this.options.serverId()) {
        link.close(new RpcError('RPC_ERR_HANDSHAKE', CROSSED), true);
        return;
      }
      const ours = peer.dialing;
      peer.dialing = undefined;
      ours?.close(new RpcError('RPC_ERR_LINK_LOST', CROSSED), true);
      if (crossedLink) peer.link?.close(new RpcError('RPC_ERR_LINK_LOST', CROSSED), true);
    }
    // A proved peer that dials again while we hold a link to it has lost that link (it restarted,
    // or its side closed unseen), and the calls on it.
    peer.link?.close(new RpcError('RPC_ERR_LINK_LOST', `${peerId} connected again`));
    this.peers.set(peerId, peer); // closing may have dropped it as idle
    link.open(peerId);
    const proof = handshakeProof(this.options.secret, 'welcome', transcript);
    link.send([KIND.WELCOME, RPC_PROTOCOL_VERSION, transcript.acceptorId, proof, ...(transcript.range ? [link.contract!] : [])] as WelcomeEnvelope);
    this.opened(peer, link);
  }

  private refuse(link: Link, reason: RefusalReason, detail: string, meta: Record<string, unknown>): void {
    this.refusals.warn(reason, `rpc: refusing a handshake: ${detail}`, meta);
    link.close(new RpcError('RPC_ERR_HANDSHAKE', reason === 'wrong-proof' || reason === 'wrong-address' ? NOT_PROVED : detail), true);
  }

  private onWelcome(link: Link, [, , peerId, proof, contract]: WelcomeEnvelope): void {
    const peer = link.peerId === undefined ? undefined : this.peers.get(link.peerId);
    if (!link.dialed || !peer || peer.dialing !== link || !link.peerNonce) throw new RpcError('RPC_ERR_PROTOCOL', 'unexpected WELCOME');
    // A WELCOME names the contract exactly when the HELLO gave a range.
    if ((contract === undefined) !== (link.offered === undefined)) throw new RpcError('RPC_ERR_PROTOCOL', link.offered ? 'WELCOME without the contract version' : 'WELCOME with a contract version the HELLO did not ask for');
    const transcript: HandshakeTranscript = { dialerId: this.options.serverId(), acceptorId: peer.id, acceptorNonce: link.peerNonce, dialerNonce: link.localNonce!, range: link.offered, contract };
    // A stale address can point at another server: never send it calls meant for this one.
    if (peerId !== peer.id || !proofHolds(this.options.secret, 'welcome', transcript, proof)) {
      const detail = peerId === peer.id ? `${peer.id} did not prove the cluster secret` : `expected ${peer.id}, found ${peerId}`;
      this.refusals.warn('wrong-welcome', `rpc: refusing a WELCOME: ${detail}`, { remote: link.remoteAddress, expected: peer.id });
      link.close(new RpcError('RPC_ERR_HANDSHAKE', detail), true);
      return;
    }
    const chosen = contract ?? LEGACY_RPC_CONTRACT;
    if (!inRange(chosen, this.options.contractRange)) {
      this.refusals.warn('version', 'rpc: refusing a WELCOME: a contract version this server does not speak', { remote: link.remoteAddress, peer: peer.id, contract: chosen, ownRange: formatRange(this.options.contractRange) });
      link.close(new RpcError('RPC_ERR_VERSION', `${peer.id} chose contract ${chosen}; this server speaks ${formatRange(this.options.contractRange)}`), true);
      return;
    }
    link.contract = chosen;
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
        // A call sends what is left of its budget; one whose deadline passed while dialing is
        // not sent at all (its caller has its error already).
        if (deadline !== undefined) {
          const left = wireBudget(deadline - now);
          if (left <= 0) continue;
          setCallBudget(frame, left);
        }
        link.sendEncoded(frame);
      }
    } catch (err) {
      // The queue fits a new link by construction; should it not, the calls fail, not the peer.
      this.options.logger.error('rpc: could not send the frames queued for a new link', { err, peer: peer.id });
      link.close(new RpcError('RPC_ERR_LINK_LOST', `${peer.id}: queued frames did not fit the new link`, { cause: err }));
    }
  }
}
