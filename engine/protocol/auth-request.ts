/**
 * The `sys.auth` request and its reply. The request payload is a msgpack array
 * `[token, resume?]` where `resume` is `{ sessionId, resumeToken }` from an earlier reply; the
 * reply is `{ uid, sessionId, resumeToken, resumed, gateId }`.
 */
import { MsgpackCodec } from '../codec/msgpack-codec.js';

/** What a client sends to authenticate. */
export interface AuthRequest {
  token: string;
  resume: { sessionId: string; resumeToken: string } | undefined;
}

/** What the gate answers. */
export interface AuthReply {
  uid: string;
  /** The session, unique in the cluster; the same after a resume, on this gate or another. */
  sessionId: string;
  /** What resumes the session on any gate of the cluster (opaque to clients; gate/resume-token.ts). */
  resumeToken: string;
  /** True when an existing session was resumed (same lobby, same avatar). */
  resumed: boolean;
  gateId: string;
}

const codec = new MsgpackCodec({ maxFrameBytes: 8192, maxDepth: 3, maxStringBytes: 4096, maxArrayLength: 2, maxMapLength: 8, maxBinaryBytes: 0 });

/** Reads a `sys.auth` payload; `undefined` when it is not one. */
export function decodeAuthRequest(payload: Uint8Array): AuthRequest | undefined {
  let value: unknown;
  try {
    value = codec.decode(payload);
  } catch {
    return undefined;
  }
  if (!Array.isArray(value) || typeof value[0] !== 'string' || value.length > 2) return undefined;
  const resume = value[1] as { sessionId?: unknown; resumeToken?: unknown } | undefined | null;
  if (resume === undefined || resume === null) return { token: value[0], resume: undefined };
  if (typeof resume !== 'object' || typeof resume.sessionId !== 'string' || typeof resume.resumeToken !== 'string') return undefined;
  return { token: value[0], resume: { sessionId: resume.sessionId, resumeToken: resume.resumeToken } };
}

/** Reads a `sys.auth` reply; `undefined` when it is not one. */
export function decodeAuthReply(payload: Uint8Array): AuthReply | undefined {
  let value: unknown;
  try {
    value = codec.decode(payload);
  } catch {
    return undefined;
  }
  const reply = value as Partial<AuthReply> | null;
  if (typeof reply !== 'object' || reply === null) return undefined;
  const { uid, sessionId, resumeToken, resumed, gateId } = reply;
  if (typeof uid !== 'string' || typeof sessionId !== 'string' || typeof resumeToken !== 'string' || typeof resumed !== 'boolean' || typeof gateId !== 'string') return undefined;
  return { uid, sessionId, resumeToken, resumed, gateId };
}

/** The bytes of a `sys.auth` payload (for clients). */
export function encodeAuthRequest(request: AuthRequest): Uint8Array {
  return codec.encode(request.resume ? [request.token, request.resume] : [request.token]);
}

/** The bytes of a reply. */
export function encodeAuthReply(reply: AuthReply): Uint8Array {
  return codec.encode(reply);
}
