import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { ManualClock } from '../engine/timer/clock.js';
import { ConnectionAdmission, REFUSAL_LOG_INTERVAL_MS, remoteHost, type AdmissionTicket } from './connection-admission.js';
import { GateError } from './errors.js';

function admission(caps: { maxConnections?: number; maxPending?: number; maxPendingPerAddress?: number; ipv6PrefixBits?: number } = {}) {
  const clock = new ManualClock();
  const logger = new MemoryLogger();
  const counts = new ConnectionAdmission({ maxConnections: 100, maxPending: 100, maxPendingPerAddress: 100, ...caps, clock, logger });
  return { clock, logger, counts };
}

function ticket(result: AdmissionTicket | GateError): AdmissionTicket {
  if (result instanceof GateError) throw result;
  return result;
}

describe('ConnectionAdmission', () => {
  it('refuses a connection past the per-address pending cap with GATE_ERR_TOO_MANY_HANDSHAKES, while other addresses still get in', () => {
    const { counts } = admission({ maxPendingPerAddress: 3 });
    for (let port = 1; port <= 3; port++) ticket(counts.admit(`10.0.0.1:${port}`));
    const refused = counts.admit('10.0.0.1:4');
    expect(refused).toBeInstanceOf(GateError);
    expect(refused).toMatchObject({ code: 'GATE_ERR_TOO_MANY_HANDSHAKES', wireCode: 4117 });
    expect(counts.admit('10.0.0.2:1')).not.toBeInstanceOf(GateError);
    expect(counts.pendingFrom('10.0.0.1:9')).toBe(3);
    expect(counts).toMatchObject({ connections: 4, pendingConnections: 4 });
  });

  it('frees a pending slot once the handshake finishes, while the connection still counts toward the total', () => {
    const { counts } = admission({ maxPendingPerAddress: 1, maxConnections: 2 });
    const first = ticket(counts.admit('10.0.0.1:1'));
    expect(counts.admit('10.0.0.1:2')).toBeInstanceOf(GateError);
    first.authenticated();
    first.authenticated();
    const second = ticket(counts.admit('10.0.0.1:2'));
    expect(counts).toMatchObject({ connections: 2, pendingConnections: 1 });
    expect(counts.admit('10.0.0.3:1')).toMatchObject({ code: 'GATE_ERR_FULL', wireCode: 4109 });
    second.release();
    second.release();
    first.release();
    expect(counts).toMatchObject({ connections: 0, pendingConnections: 0 });
    expect(counts.pendingFrom('10.0.0.1:1')).toBe(0);
  });

  it('caps pending connections in total across addresses', () => {
    const { counts } = admission({ maxPending: 2 });
    ticket(counts.admit('10.0.0.1:1'));
    ticket(counts.admit('10.0.0.2:1'));
    expect(counts.admit('10.0.0.3:1')).toMatchObject({ code: 'GATE_ERR_TOO_MANY_HANDSHAKES' });
  });

  it('releases a connection that closed before its handshake from both counts', () => {
    const { counts } = admission({ maxPendingPerAddress: 1 });
    ticket(counts.admit('10.0.0.1:1')).release();
    expect(counts).toMatchObject({ connections: 0, pendingConnections: 0 });
    expect(counts.admit('10.0.0.1:2')).not.toBeInstanceOf(GateError);
  });

  it('stamps each ticket with the time of accept', () => {
    const { counts, clock } = admission();
    clock.advance(1_234);
    expect(ticket(counts.admit('10.0.0.1:1')).acceptedAt).toBe(clock.now());
  });

  it('counts an address the same whatever its port, brackets or IPv4-mapped form', () => {
    expect(remoteHost('10.0.0.1:5')).toBe('10.0.0.1');
    expect(remoteHost('::ffff:10.0.0.1:5')).toBe('::ffff:10.0.0.1');
    expect(remoteHost('[2001:DB8::1]:5')).toBe('2001:DB8::1');
    expect(remoteHost('2001:db8::1:5')).toBe('2001:db8::1');
    const { counts } = admission({ maxPendingPerAddress: 1 });
    ticket(counts.admit('::ffff:127.0.0.1:1'));
    expect(counts.admit('127.0.0.1:2')).toBeInstanceOf(GateError);
    expect(counts.admit('[::ffff:127.0.0.1]:3')).toBeInstanceOf(GateError);
    expect(counts.admit('::ffff:127.0.0.2:1')).not.toBeInstanceOf(GateError);
  });

  it('counts connections from many addresses of one IPv6 /64 as one address, refusing past the per-address cap', () => {
    const { counts, logger } = admission({ maxPendingPerAddress: 3 });
    ticket(counts.admit('2001:db8:1:2::1:1000'));
    ticket(counts.admit('[2001:db8:1:2:aaaa::2]:1000'));
    ticket(counts.admit('2001:0db8:0001:0002:ffff:ffff:ffff:ffff:1000'));
    for (let i = 4; i < 100; i++) {
      expect(counts.admit(`2001:db8:1:2:${i.toString(16)}:${i.toString(16)}::${i.toString(16)}:1000`)).toMatchObject({ code: 'GATE_ERR_TOO_MANY_HANDSHAKES' });
    }
    expect(counts.pendingFrom('2001:db8:1:2::99:1')).toBe(3);
    expect(counts.admit('2001:db8:1:3::1:1000')).not.toBeInstanceOf(GateError);
    expect(counts).toMatchObject({ connections: 4, pendingConnections: 4 });
    expect(logger.at('warn')[0]).toMatchObject({ meta: { reason: 'pendingPerAddress', from: '2001:db8:1:2:4:4::4', countedAs: '2001:db8:1:2::/64' } });
  });

  it('counts IPv6 addresses under gate.ipv6PrefixBits: a /48 as one, or each address alone at 128', () => {
    const wide = admission({ maxPendingPerAddress: 2, ipv6PrefixBits: 48 }).counts;
    ticket(wide.admit('2001:db8:1:1::1:1000'));
    ticket(wide.admit('2001:db8:1:ffff::1:1000'));
    expect(wide.admit('2001:db8:1:2::1:1000')).toMatchObject({ code: 'GATE_ERR_TOO_MANY_HANDSHAKES' });
    expect(wide.admit('2001:db8:2::1:1000')).not.toBeInstanceOf(GateError);
    const each = admission({ maxPendingPerAddress: 1, ipv6PrefixBits: 128 }).counts;
    ticket(each.admit('2001:db8:1:2::1:1000'));
    expect(each.admit('2001:db8:1:2::2:1000')).not.toBeInstanceOf(GateError);
    expect(each.admit('2001:db8:1:2::1:1001')).toBeInstanceOf(GateError);
  });

  it('logs refusals at most once per interval, with the counts of those in between', () => {
    const { counts, logger, clock } = admission({ maxPendingPerAddress: 1 });
    ticket(counts.admit('10.0.0.1:1'));
    for (let i = 0; i < 1_000; i++) counts.admit('10.0.0.1:2');
    expect(logger.at('warn')).toHaveLength(1);
    expect(logger.at('warn')[0]).toMatchObject({ message: 'gate: connections refused at accept', meta: { reason: 'pendingPerAddress', from: '10.0.0.1', code: 'GATE_ERR_TOO_MANY_HANDSHAKES' } });
    clock.advance(REFUSAL_LOG_INTERVAL_MS);
    counts.admit('10.0.0.1:3');
    expect(logger.at('warn')).toHaveLength(2);
    expect(logger.at('warn')[1]!.meta).toMatchObject({ refused: { pendingPerAddress: 1_000 } });
  });

  it('refuses with GATE_ERR_SHUTTING_DOWN for a draining gate, counting nothing', () => {
    const { counts } = admission();
    expect(counts.refuseShuttingDown('10.0.0.1:1')).toMatchObject({ code: 'GATE_ERR_SHUTTING_DOWN', wireCode: 4110 });
    expect(counts.connections).toBe(0);
  });

  it('refuses caps below one and prefix lengths outside 0..128 as a programmer error', () => {
    expect(() => admission({ maxPendingPerAddress: 0 })).toThrow(RangeError);
    expect(() => admission({ ipv6PrefixBits: 129 })).toThrow(RangeError);
  });
});
