/**
 * The lobby's error catalogue: what the 'sessions' service answers a gate when a forwarded client
 * request cannot be served. Each error travels back to the gate as an RPC `RemoteError` whose
 * string `code` is the catalogue code; the gate maps it to the wire number in the client's error
 * reply. None of them closes the client's connection. Codes are stable and never reused; each has
 * a test and a line in docs/lobby.md.
 */
import { CodedError } from '../engine/errors/coded-error.js';

export const LOBBY_ERRORS = {
  LOBBY_ERR_UNKNOWN_SESSION: { wire: 6001, message: 'session is not bound to this lobby', when: 'the session id is not bound here (never bound, closed, taken over by a newer login); the gate binds again' },
  LOBBY_ERR_UNKNOWN_ROUTE: { wire: 6002, message: 'no such component or client service', when: 'a malformed route, or no client service of that name and no such component on the avatar' },
  LOBBY_ERR_NOT_CALLABLE: { wire: 6003, message: 'method is not client-callable', when: 'the method is not in the component\'s `clientCallable`, or not in the service\'s method list' },
  LOBBY_ERR_BAD_ARGS: { wire: 6004, message: 'arguments are malformed or over the limits', when: 'the arguments are not bytes of one msgpack array within the client limits; malformed `bind` info; a session id bound to another uid' },
  LOBBY_ERR_NOT_AUTHENTICATED: { wire: 6005, message: 'route needs an authenticated session', when: 'a component route from a session that is not authenticated' },
  LOBBY_ERR_QUEUE_FULL: { wire: 6006, message: 'too many requests waiting', when: 'the avatar has `lobby.maxQueuedPerSession` requests, server calls and timer callbacks waiting or running, or `maxUnauthenticatedInFlight` requests without a session run' },
  // 6007 was LOBBY_ERR_HANDLER: see LOBBY_RETIRED_ERRORS.
  LOBBY_ERR_SHUTTING_DOWN: { wire: 6008, message: 'lobby is shutting down', when: 'the lobby is draining: binds and requests are refused (closes still run)' },
  LOBBY_ERR_BAD_RESULT: { wire: 6009, message: 'result cannot be encoded', when: 'the method returned a value msgpack cannot carry (a function, a cycle) or one over the limits' },
  LOBBY_ERR_STORE: { wire: 6010, message: 'avatar could not be loaded or saved', when: 'bind: loading the avatar failed, or a new avatar could not be saved; request: a change marked critical was not saved within `lobby.criticalWaitMs` (it is kept and saved later)' },
  LOBBY_ERR_AVATAR_BUSY: { wire: 6011, message: 'another lobby owns the avatar', when: 'bind: another lobby still owns the avatar after `store.claimWaitMs`; the gate binds again at the next request' },
  LOBBY_ERR_OWNERSHIP_LOST: { wire: 6012, message: 'this lobby lost the avatar to another owner', when: 'request: this lobby lost the avatar\'s claim (taken over, or lapsed during a partition); also the reason of the kick the session gets' },
  // Says nothing of its cause: the lobby's error log line with the same correlation id has it.
  LOBBY_ERR_INTERNAL: { wire: 6013, message: 'internal error', when: 'the game method (or client service) threw anything but a `GameError`; the detail is a correlation id, the log line with it has the cause' },
} as const;

/**
 * Codes the lobby no longer raises, kept on record (docs/errors.md) so that neither the code nor
 * the number is used again.
 */
export const LOBBY_RETIRED_ERRORS = {
  LOBBY_ERR_HANDLER: {
    wire: 6007,
    message: 'game method failed',
    when: "it sent the message of whatever a game method threw to the client; LOBBY_ERR_INTERNAL replaced it",
    retired: true,
  },
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
