/**
 * The RPC error catalogue. A call never hangs: it settles with a result, a {@link RemoteError}
 * (the remote handler threw), or an {@link RpcError} with one of these codes. Codes are stable and
 * never reused; the wire code travels in error replies. Each has a test and a line in docs/rpc.md.
 */
import { CodedError } from '../errors/coded-error.js';

export const RPC_ERRORS = {
  RPC_ERR_DEADLINE_EXCEEDED: { wire: 2001, message: 'deadline exceeded', when: 'no reply within the call\'s timeout' },
  RPC_ERR_LINK_LOST: { wire: 2002, message: 'link to the peer was lost', when: 'the link the call went out on closed first: socket closed or failed, peer silent past `deadAfterMs`, GOAWAY from the peer, the peer dialed again, a protocol error on the link' },
  RPC_ERR_OVERLOADED: { wire: 2003, message: 'send queue to the peer is full', when: 'the peer\'s send queue would pass `maxQueuedBytes`, or `maxPendingCalls` calls are pending (nothing was sent); or the callee has `maxInFlight` handlers running' },
  RPC_ERR_PEER_UNREACHABLE: { wire: 2004, message: 'peer cannot be reached', when: 'the dial failed (connect error or timeout, handshake refused or closed); every call waiting for that dial fails' },
  RPC_ERR_UNKNOWN_SERVER: { wire: 2005, message: 'no such server in the cluster', when: '`resolve(serverId)` knows no address, when the call is made or when the dial starts' },
  RPC_ERR_NO_SUCH_SERVICE: { wire: 2006, message: 'no such service', when: 'the callee serves no service by that name' },
  RPC_ERR_NO_SUCH_ENTITY: { wire: 2007, message: 'no such entity', when: 'the callee has no live entity with that id, or the entity left while the call waited in its queue' },
  RPC_ERR_NO_SUCH_COMPONENT: { wire: 2008, message: 'entity has no such component', when: 'the entity has no component of that class name' },
  RPC_ERR_NOT_CALLABLE: { wire: 2009, message: 'method is not server-callable', when: 'the method is not in the service\'s list or the component\'s `serverCallable`' },
  RPC_ERR_ENCODING: { wire: 2010, message: 'arguments or result cannot be encoded', when: 'the arguments (caller side, before sending) or the result (callee side) cannot be encoded within the limits' },
  RPC_ERR_PROTOCOL: { wire: 2011, message: 'peer broke the protocol', when: 'a peer broke the protocol (an envelope of an unknown or untimely kind, a handshake message out of turn): the link closes with it as the GOAWAY reason; a call answered with an error whose wire code is unknown' },
  RPC_ERR_HANDSHAKE: { wire: 2012, message: 'handshake failed', when: 'a link fails its handshake: version mismatch, a HELLO or WELCOME that does not prove the cluster secret, a wrong or claimed id, no proved HELLO in time, the losing link of crossed dials; calls see it as `RPC_ERR_PEER_UNREACHABLE`' },
  RPC_ERR_CLOSED: { wire: 2013, message: 'rpc node is stopped', when: 'this node is stopping or stopped: its pending and later calls; sent in the GOAWAY on stop' },
  RPC_ERR_UNKNOWN_NAME: { wire: 2014, message: 'no mailbox holds this name', when: '`named(name)`: no mailbox holds the name' },
  RPC_ERR_QUEUE_FULL: { wire: 2015, message: "the entity's queue is full", when: 'the target entity\'s queue holds `queueLimit` client requests, server calls and timer callbacks (it did not run the call)' },
  RPC_ERR_ENTITY_MOVED: { wire: 2016, message: 'the entity moved to another server', when: 'the entity moved to another server (live migration) before the call ran there; the detail is the new server id, and the caller\'s RpcNode follows it within the call\'s deadline, so callers only see it past `maxMovedHops` moves in one call' },
  RPC_ERR_VERSION: { wire: 2017, message: 'no RPC contract version in common', when: "a link's two servers speak no common RPC contract version (rpc-versions.ts): the acceptor refuses the HELLO with it (logged), a dialer a WELCOME that names a version it does not speak; calls see it as `RPC_ERR_PEER_UNREACHABLE`" },
} as const;

/** One of the codes in {@link RPC_ERRORS}. */
export type RpcErrorCode = keyof typeof RPC_ERRORS;

const BY_WIRE = new Map<number, RpcErrorCode>(
  Object.entries(RPC_ERRORS).map(([code, { wire }]) => [wire, code as RpcErrorCode]),
);

/** The catalogue code for a wire code, if it is one. */
export function rpcCodeOfWire(wire: number): RpcErrorCode | undefined {
  return BY_WIRE.get(wire);
}

/** A call that failed in the RPC layer itself: no reply in time, no link, no such target. */
export class RpcError extends CodedError<RpcErrorCode> {
  override readonly name = 'RpcError';
  /** The numeric code used on the wire. */
  readonly wireCode: number = RPC_ERRORS[this.code].wire;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(code: RpcErrorCode, detail: string, options?: { cause?: unknown }) {
    super(RPC_ERRORS, code, detail, options);
  }
}

/** Wire code of an error thrown by the remote handler itself. */
export const REMOTE_ERROR_WIRE = 0;
/** Code of a remote handler error that carried no string `code` of its own. */
export const REMOTE_ERR_UNCODED = 'REMOTE_ERR_UNCODED';

/**
 * The remote handler threw. `code` is the thrown error's string `code` property (so handlers can
 * throw their own catalogue errors), else {@link REMOTE_ERR_UNCODED}; `message` is its message.
 */
export class RemoteError extends Error {
  override readonly name = 'RemoteError';

  /**
   * @param code the handler's error code.
   * @param remoteMessage the handler's error message.
   * @param serverId the server whose handler threw.
   */
  constructor(
    readonly code: string,
    readonly remoteMessage: string,
    readonly serverId: string,
  ) {
    super(`${code} from ${serverId}: ${remoteMessage}`);
  }
}
