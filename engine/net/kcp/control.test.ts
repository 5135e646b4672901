import { describe, expect, it } from 'vitest';
import { CONTROL, PADDED_REQUEST_BYTES, decodeControl, encodeControl, isControl, type ControlMessage } from './control.js';

const nonce = Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]);
const cookie = new Uint8Array(20).fill(9);

describe('KCP session control messages', () => {
  it('round-trips every type', () => {
    const messages: ControlMessage[] = [
      { type: CONTROL.HELLO, nonce },
      { type: CONTROL.COOKIE, nonce, cookie },
      { type: CONTROL.CONNECT, nonce, cookie },
      { type: CONTROL.ACCEPT, nonce, conv: 0xdeadbeef },
      { type: CONTROL.CLOSE, conv: 7, reason: 2 },
      { type: CONTROL.KEEPALIVE, conv: 7 },
    ];
    for (const message of messages) expect(decodeControl(encodeControl(message))).toEqual(message);
  });

  it('lays out a HELLO byte for byte: conv 0, type, version, nonce, zero padding to 64 bytes', () => {
    const hello = encodeControl({ type: CONTROL.HELLO, nonce });
    expect(Buffer.from(hello.subarray(0, 14)).toString('hex')).toBe('00000000' + '01' + '01' + '0102030405060708');
    expect(hello.length).toBe(PADDED_REQUEST_BYTES);
    expect(hello.subarray(14).every((b) => b === 0)).toBe(true);
  });

  it('answers each request with fewer bytes than the request', () => {
    expect(encodeControl({ type: CONTROL.COOKIE, nonce, cookie }).length).toBeLessThan(encodeControl({ type: CONTROL.HELLO, nonce }).length);
    expect(encodeControl({ type: CONTROL.ACCEPT, nonce, conv: 1 }).length).toBeLessThan(encodeControl({ type: CONTROL.CONNECT, nonce, cookie }).length);
  });

  it('tells control messages from KCP segments by conv 0', () => {
    expect(isControl(encodeControl({ type: CONTROL.KEEPALIVE, conv: 1 }))).toBe(true);
    expect(isControl(Uint8Array.from([1, 0, 0, 0, 81, 0]))).toBe(false);
    expect(isControl(new Uint8Array(3))).toBe(false);
  });

  it('refuses an ACCEPT of conv 0, which marks control datagrams and so can carry no session', () => {
    expect(decodeControl(encodeControl({ type: CONTROL.ACCEPT, nonce, conv: 0 }))).toBe('ACCEPT of conv 0');
  });

  it('refuses unpadded requests, wrong lengths, other versions and unknown types', () => {
    const hello = encodeControl({ type: CONTROL.HELLO, nonce });
    expect(decodeControl(hello.subarray(0, 63))).toMatch(/padding/);
    expect(decodeControl(encodeControl({ type: CONTROL.KEEPALIVE, conv: 1 }).subarray(0, 9))).toMatch(/length/);
    const other = hello.slice();
    other[5] = 2;
    expect(decodeControl(other)).toMatch(/version/);
    const unknown = hello.slice();
    unknown[4] = 99;
    expect(decodeControl(unknown)).toMatch(/unknown/);
  });
});
