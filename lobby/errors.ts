/**
 * The lobby's error catalogue: what the 'sessions' service answers a gate when a forwarded client
 * request cannot be served. Each error travels back to the gate as an RPC `RemoteError` whose
 * string `code` is the catalogue code; the gate maps it to the wire number in the client's error
 * reply. None of them closes the client's connection. Codes are stable and never reused; each has
 * a test and a line in docs/lobby.md.
 */
import { CodedError } from '../engine/errors/coded-error.js';

export const LOBBY_ERRORS = {
  LOBBY_ERR_UNKNOWN_SESSION: { wire: 6001, message: 'session is not bound to this lobby' },
  LOBBY_ERR_UNKNOWN_ROUTE: { wire: 6002, message: 'no such component or client service' },
  LOBBY_ERR_NOT_CALLABLE: { wire: 6003, message: 'method is not client-callable' },
  LOBBY_ERR_BAD_ARGS: { wire: 6004, message: 'arguments are malformed or over the limits' },
  LOBBY_ERR_NOT_AUTHENTICATED: { wire: 6005, message: 'route needs an authenticated session' },
  LOBBY_ERR_QUEUE_FULL: { wire: 6006, message: 'too many requests waiting' },
  // 6007 was LOBBY_ERR_HANDLER, which sent a failed game method's message to the client;
  // LOBBY_ERR_INTERNAL replaced it. Neither the code nor the number is used again.
  LOBBY_ERR_SHUTTING_DOWN: { wire: 6008, message: 'lobby is shutting down' },
  LOBBY_ERR_BAD_RESULT: { wire: 6009, message: 'result cannot be encoded' },
  LOBBY_ERR_STORE: { wire: 6010, message: 'avatar could not be loaded or saved' },
  LOBBY_ERR_AVATAR_BUSY: { wire: 6011, message: 'another lobby owns the avatar' },
  LOBBY_ERR_OWNERSHIP_LOST: { wire: 6012, message: 'this lobby lost the avatar to another owner' },
  // Says nothing of its cause: the lobby's error log line with the same correlation id has it.
  LOBBY_ERR_INTERNAL: { wire: 6013, message: 'internal error' },
} as const;

/** One of the codes in {@link LOBBY_ERRORS}. */
export type LobbyErrorCode = keyof typeof LOBBY_ERRORS;

const BY_WIRE = new Map<number, LobbyErrorCode>(
  Object.entries(LOBBY_ERRORS).map(([code, { wire }]) => [wire, code as LobbyErrorCode]),
);

/** The catalogue code for a wire code, if it is one. */
export function lobbyCodeOfWire(wire: number): LobbyErrorCode | undefined {
  return BY_WIRE.get(wire);
}

/** The wire code of a catalogue code, for a gate turning a `RemoteError` into a client error reply. */
export function lobbyWireOfCode(code: string): number | undefined {
  return Object.hasOwn(LOBBY_ERRORS, code) ? LOBBY_ERRORS[code as LobbyErrorCode].wire : undefined;
}

/** A forwarded client request (or a bind) that the lobby refused or could not run. */
export class LobbyError extends CodedError<LobbyErrorCode> {
  override readonly name = 'LobbyError';
  /** The numeric code the gate puts in the client's error reply. */
  readonly wireCode: number = LOBBY_ERRORS[this.code].wire;

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   * @param options `cause`: the error behind it.
   */
  constructor(code: LobbyErrorCode, detail: string, options?: { cause?: unknown }) {
    super(LOBBY_ERRORS, code, detail, options);
  }
}
