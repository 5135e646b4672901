/**
 * A player's session as lobby code sees it (style rule 7): whichever gate holds the socket, game
 * code pushes to it, kicks it and keeps per-session data in it through this stand-in, which
 * forwards to that gate's 'gate' service. One per bound session; a session that moves to another
 * gate gets a new one.
 */
import { SessionDataMap } from '../engine/session/session-data-map.js';
import type { GateLink } from './gate-link.js';
import { SessionData } from './session-data.js';

/** The stand-in for one client connection held by a gate. */
export class RemoteSession {
  /**
   * The session's small key/value map (session-data.ts), kept by the gate too: it survives a
   * rebind to another lobby.
   */
  readonly data: SessionData;

  /**
   * @param uid the account id.
   * @param sessionId the gate's session id.
   * @param gateId the server id of the gate holding the connection.
   * @param link how pushes, kicks and data reach gates.
   * @param data the session's data as the bind carried it (default: none).
   */
  constructor(
    readonly uid: string,
    readonly sessionId: string,
    readonly gateId: string,
    readonly link: GateLink,
    data: SessionDataMap = new SessionDataMap(),
  ) {
    this.data = new SessionData(data, (key, value) => link.setData(gateId, sessionId, key, value));
  }

  /**
   * Sends `body` on `route` to this client. To send one body to many clients, use `broadcast`:
   * it encodes once and sends one message per gate.
   * @returns false when the gate could not be reached (logged; the session is going away).
   * @throws CodecError when msgpack cannot carry `body`.
   */
  push(route: string, body: unknown): boolean {
    return this.link.push(this.gateId, [this.sessionId], route, this.link.encodeBody(body));
  }

  /**
   * Asks the gate to close this client's connection with a KICK carrying `reason`. The gate then
   * closes the session, and the lobby hears `close` as for any client that leaves.
   * @returns false when the gate could not be reached.
   */
  kick(reason: string): boolean {
    return this.link.kick(this.gateId, this.sessionId, reason);
  }
}
