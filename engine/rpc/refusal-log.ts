/** The rate-limited log of refused RPC connections and of links closed for breaking the protocol. */
import type { ThrottledLog } from '../log/throttled-log.js';

/**
 * Why a connection was refused or closed (`protocol`: its peer sent bytes that break the protocol);
 * a fixed set, so that the state kept per reason stays small.
 */
export type RefusalReason = 'address-cap' | 'evicted' | 'no-hello' | 'wrong-proof' | 'wrong-server' | 'own-id' | 'wrong-address' | 'wrong-welcome' | 'version' | 'protocol';

/** One warning line per reason and interval, counting the refusals left unlogged. */
export type RefusalLog = ThrottledLog<RefusalReason>;
