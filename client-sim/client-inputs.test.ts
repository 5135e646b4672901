import { describe, expect, it } from 'vitest';
import { checkLoginUrl, checkToken, checkWebSocketUrl, decodeGateKey, parseHostPort } from './client-inputs.js';
import { ClientError } from './errors.js';

const KEY = new Uint8Array(32).map((_, i) => i * 7);
const KEY_BASE64 = btoa(String.fromCharCode(...KEY));

function codeOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (err) {
    expect(err).toBeInstanceOf(ClientError);
    return (err as ClientError).code;
  }
  return undefined;
}

describe('decodeGateKey', () => {
  it('takes 32 bytes, or their base64 with or without padding', () => {
    expect(decodeGateKey(KEY)).toBe(KEY);
    expect(decodeGateKey(KEY_BASE64)).toEqual(KEY);
    expect(decodeGateKey(KEY_BASE64.replace(/=$/, ''))).toEqual(KEY);
  });

  it('refuses characters outside base64 with CLIENT_ERR_INVALID_GATE_KEY instead of an atob error', () => {
    const bad = `${KEY_BASE64.slice(0, 40)}!!!=`;
    expect(() => decodeGateKey(bad)).toThrow(/^CLIENT_ERR_INVALID_GATE_KEY: .*gateKey is a string of 44 characters with characters outside base64/);
  });

  it('refuses a key of the wrong length, in base64 or as bytes, and values that are no key at all', () => {
    for (const bad of [KEY_BASE64.slice(4), `${KEY_BASE64}AAAA`, KEY.subarray(1), new Uint8Array(33), '', undefined, null, 42]) {
      expect(codeOf(() => decodeGateKey(bad))).toBe('CLIENT_ERR_INVALID_GATE_KEY');
    }
  });

  it('names where the key came from', () => {
    expect(() => decodeGateKey('short', "the login reply's gate.publicKey")).toThrow(/the login reply's gate\.publicKey is a string of 5 characters/);
  });
});

describe('checkToken', () => {
  it('passes a compact JWS and any other non-empty visible ASCII string', () => {
    expect(checkToken('eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2ln')).toBe('eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiIxIn0.c2ln');
    expect(checkToken('u2')).toBe('u2');
  });

  it('refuses empty, non-string, spaced, non-ASCII and oversized tokens with CLIENT_ERR_INVALID_TOKEN', () => {
    for (const bad of ['', undefined, { token: 'x' }, 'a b', 'tök', 'x'.repeat(64 * 1024 + 1)]) {
      expect(codeOf(() => checkToken(bad))).toBe('CLIENT_ERR_INVALID_TOKEN');
    }
    expect(() => checkToken(undefined)).toThrow(/token is a value of type undefined; pass the token from the login reply/);
  });
});

describe('endpoints', () => {
  it('take ws:// and wss:// URLs for WebSocket', () => {
    expect(checkWebSocketUrl('ws://127.0.0.1:3011/')).toBe('ws://127.0.0.1:3011/');
    expect(checkWebSocketUrl('wss://game.example.com/play')).toBe('wss://game.example.com/play');
  });

  it('refuse anything else for WebSocket with CLIENT_ERR_INVALID_ENDPOINT, naming the value', () => {
    for (const bad of ['http://127.0.0.1:3011/', '127.0.0.1:3011', 'ws//x', '', undefined]) {
      expect(codeOf(() => checkWebSocketUrl(bad))).toBe('CLIENT_ERR_INVALID_ENDPOINT');
    }
    expect(() => checkWebSocketUrl('127.0.0.1:3011')).toThrow(/WebSocket endpoint "127\.0\.0\.1:3011" is not a ws:\/\/ or wss:\/\/ URL/);
  });

  it('take http:// and https:// login URLs, without a trailing slash', () => {
    expect(checkLoginUrl('http://127.0.0.1:8080/')).toBe('http://127.0.0.1:8080');
    expect(checkLoginUrl('https://api.example.com/auth')).toBe('https://api.example.com/auth');
    expect(codeOf(() => checkLoginUrl('127.0.0.1:8080'))).toBe('CLIENT_ERR_INVALID_ENDPOINT');
    expect(codeOf(() => checkLoginUrl('ws://127.0.0.1:8080'))).toBe('CLIENT_ERR_INVALID_ENDPOINT');
  });

  it('split host:port and [ipv6]:port for TCP and KCP', () => {
    expect(parseHostPort('127.0.0.1:3010')).toEqual({ host: '127.0.0.1', port: 3010 });
    expect(parseHostPort('game.example.com:1')).toEqual({ host: 'game.example.com', port: 1 });
    expect(parseHostPort('[::1]:65535')).toEqual({ host: '::1', port: 65535 });
  });

  it('refuse a missing host, a missing or out-of-range port, and URLs with CLIENT_ERR_INVALID_ENDPOINT', () => {
    for (const bad of [':3010', '127.0.0.1', '127.0.0.1:0', '127.0.0.1:65536', 'ws://127.0.0.1:3011', '::1:3010', undefined]) {
      expect(codeOf(() => parseHostPort(bad))).toBe('CLIENT_ERR_INVALID_ENDPOINT');
    }
  });
});
