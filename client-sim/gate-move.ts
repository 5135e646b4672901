/**
 * What the SDK needs to move to another gate when its gate drains (`sys.move`, docs/protocol.md):
 * the order's body as read from the push, the event the application hears once the move is done,
 * and the requests held while it runs. Browser-safe.
 */
import type { GateEndpoint } from '../engine/auth/gate-endpoint.js';
import type { ClientTransportKind } from './client-transport.js';

/** A `sys.move` push: the gate to move to and the resume token that it takes. */
export interface MoveOrder {
  gate: GateEndpoint;
  resumeToken: string;
}

/**
 * A move to another gate that the client's gate asked for, as `GateClient.onMove` reports it.
 * A move is not a disconnect: the session and its requests carry on.
 */
export interface GateMove {
  /** The endpoint left. */
  from: string;
  /** The endpoint connected to now: the gate named, or another one the SDK reached when that one could not be. */
  to: string;
  /** The id of the gate the order named. */
  gateId: string;
  /** Whether the session was resumed (the same session and avatar); false when the cluster no longer held it and a new one was made. */
  resumed: boolean;
  /** Requests sent while the move ran, held and then sent on the new connection. */
  held: number;
  /** Requests the old connection closed on before answering, sent again on the new one. */
  replayed: number;
  /** Milliseconds from the order to the resumed session. */
  ms: number;
  /** Set when no gate could be reached: the connection is closed and the `onClose` handlers heard it. */
  error?: Error;
}

/** The order in a `sys.move` body, or undefined when the body is not one. */
export function readMoveOrder(body: unknown): MoveOrder | undefined {
  if (typeof body !== 'object' || body === null) return undefined;
  const { gate, resumeToken } = body as { gate?: unknown; resumeToken?: unknown };
  if (typeof resumeToken !== 'string' || typeof gate !== 'object' || gate === null) return undefined;
  const { id, publicKey, tcp, ws, kcp } = gate as Record<string, unknown>;
  if (typeof id !== 'string' || typeof publicKey !== 'string') return undefined;
  const endpoints = { tcp, ws, kcp };
  const target: GateEndpoint = { id, publicKey };
  for (const kind of ['tcp', 'ws', 'kcp'] as const) {
    const endpoint = endpoints[kind];
    if (typeof endpoint === 'string') target[kind] = endpoint;
  }
  return { gate: target, resumeToken };
}

/** The endpoint of `gate` for a client on transport `kind`, when it publishes one. */
export function endpointFor(gate: GateEndpoint, kind: ClientTransportKind | undefined): string | undefined {
  return kind === undefined ? undefined : gate[kind];
}

/** One request or notify held while the client moves. */
export interface HeldMessage {
  route: string;
  payload: Uint8Array;
  /** For a request: settles it with what sending it later brings. Absent for a notify. */
  settle?: { resolve(payload: Uint8Array): void; reject(err: Error): void };
}

/** The messages held while a client moves to another gate, in the order they are to be sent. */
export class HeldMessages {
  private messages: HeldMessage[] = [];
  /** Requests sent again: in flight on a connection that closed during the move. */
  replayed = 0;
  /** Messages held since the move began (replays not counted). */
  held = 0;

  get size(): number {
    return this.messages.length;
  }

  /** Holds a message sent while the move runs. */
  hold(message: HeldMessage): void {
    this.held++;
    this.messages.push(message);
  }

  /** Puts requests that were in flight first, before those sent since, in their order. */
  replay(messages: readonly HeldMessage[]): void {
    this.replayed += messages.length;
    this.messages = [...messages, ...this.messages];
  }

  /** Takes every held message out, in order. */
  take(): HeldMessage[] {
    const messages = this.messages;
    this.messages = [];
    return messages;
  }
}
