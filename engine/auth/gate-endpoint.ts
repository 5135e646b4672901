/**
 * Where the login service sends a client: one gate's public addresses and identity. The client
 * connects over whichever transport it supports; the handshake completes only with a gate that
 * holds the private half of `publicKey`, so the token goes to no one else. Shared by the login
 * service and the client SDK.
 */

/** One gate as a client reaches it. At least one of `tcp`, `kcp` and `ws` is present. */
export interface GateEndpoint {
  /** The gate's server id. */
  id: string;
  /** TCP address, `host:port`. */
  tcp?: string;
  /** KCP (UDP) address, `host:port`. */
  kcp?: string;
  /** WebSocket URL, `ws://host:port/path` or `wss://…`. */
  ws?: string;
  /** The gate's X25519 static public key, base64. */
  publicKey: string;
}

/** Picks the gate for a player who just logged in; `undefined` when no gate can take one. */
export type PickGate = (uid: string) => GateEndpoint | undefined;

/** Every gate a client may connect to now: where it resumes its session when its own gate is lost. */
export type ListGates = () => GateEndpoint[];
