/**
 * The RPC error catalogue. A call never hangs: it settles with a result, a {@link RemoteError}
 * (the remote handler threw), or an {@link RpcError} with one of these codes. Codes are stable and
 * never reused; the wire code travels in error replies. Each has a test and a line in docs/rpc.md.
 */
import { CodedError } from '../errors/coded-error.js';

export const RPC_ERRORS = {
  RPC_ERR_DEADLINE_EXCEEDED: { wire: 2001, message: 'deadline exceeded' },
  RPC_ERR_LINK_LOST: { wire: 2002, message: 'link to the peer was lost' },
  RPC_ERR_OVERLOADED: { wire: 2003, message: 'send queue to the peer is full' },
  RPC_ERR_PEER_UNREACHABLE: { wire: 2004, message: 'peer cannot be reached' },
  RPC_ERR_UNKNOWN_SERVER: { wire: 2005, message: 'no such server in the cluster' },
  RPC_ERR_NO_SUCH_SERVICE: { wire: 2006, message: 'no such service' },
  RPC_ERR_NO_SUCH_ENTITY: { wire: 2007, message: 'no such entity' },
  RPC_ERR_NO_SUCH_COMPONENT: { wire: 2008, message: 'entity has no such component' },
  RPC_ERR_NOT_CALLABLE: { wire: 2009, message: 'method is not server-callable' },
  RPC_ERR_ENCODING: { wire: 2010, message: 'arguments or result cannot be encoded' },
  RPC_ERR_PROTOCOL: { wire: 2011, message: 'peer broke the protocol' },
  RPC_ERR_HANDSHAKE: { wire: 2012, message: 'handshake failed' },
  RPC_ERR_CLOSED: { wire: 2013, message: 'rpc node is stopped' },
  RPC_ERR_UNKNOWN_NAME: { wire: 2014, message: 'no mailbox holds this name' },
  RPC_ERR_QUEUE_FULL: { wire: 2015, message: "the entity's queue is full" },
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
