import { Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { TRANSPORT_CLOSED } from '../protocol/kick.js';
import { GateMetrics } from './gate-metrics.js';

/** The value of the sample `line` (name and labels, as exposed), or undefined when absent. */
async function sample(registry: Registry, line: string): Promise<number | undefined> {
  const found = (await registry.metrics()).split('\n').find((l) => l.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
}

describe('GateMetrics', () => {
  it('counts what connections add to their transport, and reads the gauges at scrape time', async () => {
    const registry = new Registry();
    const metrics = new GateMetrics(registry, { maxRoutes: 10 });
    let sessions = 3;
    metrics.watch({ sessions: () => sessions, pendingRequests: () => 2 });
    metrics.opened('ws');
    metrics.handshook('ws');
    const ws = metrics.transport('ws');
    ws.messagesReceived.value++;
    ws.bytesReceived.value += 40;
    ws.messagesSent.value += 2;
    ws.bytesSent.value += 90;
    sessions = 4;
    expect(await sample(registry, 'tessera_gate_connections{transport="ws"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_connections{transport="tcp"}')).toBe(0);
    expect(await sample(registry, 'tessera_gate_handshakes_total{transport="ws"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_messages_received_total{transport="ws"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_received_bytes_total{transport="ws"}')).toBe(40);
    expect(await sample(registry, 'tessera_gate_messages_sent_total{transport="ws"}')).toBe(2);
    expect(await sample(registry, 'tessera_gate_sent_bytes_total{transport="ws"}')).toBe(90);
    expect(await sample(registry, 'tessera_gate_sessions')).toBe(4);
    expect(await sample(registry, 'tessera_gate_pending_requests')).toBe(2);
  });

  it('counts kicks by code, and closes before the handshake as failures by code', async () => {
    const registry = new Registry();
    const metrics = new GateMetrics(registry, { maxRoutes: 10 });
    for (let i = 0; i < 4; i++) metrics.opened('tcp');
    metrics.closed('tcp', true, { code: 4001, name: 'GATE_ERR_RATE_LIMIT', message: '', byPeer: false });
    metrics.closed('tcp', false, { code: 1002, name: 'PROTOCOL_ERR_HANDSHAKE', message: '', byPeer: false });
    metrics.closed('tcp', false, { code: 0, name: TRANSPORT_CLOSED, message: '', byPeer: true });
    metrics.closed('tcp', false, { code: 7, name: 'anything a client says', message: '', byPeer: true });
    metrics.refused('kcp', 'GATE_ERR_FULL');
    expect(await sample(registry, 'tessera_gate_connections{transport="tcp"}')).toBe(0);
    expect(await sample(registry, 'tessera_gate_kicks_total{code="GATE_ERR_RATE_LIMIT"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_kicks_total{code="PROTOCOL_ERR_HANDSHAKE"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_handshake_failures_total{transport="tcp",code="PROTOCOL_ERR_HANDSHAKE"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_handshake_failures_total{transport="tcp",code="TRANSPORT_CLOSED"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_handshake_failures_total{transport="tcp",code="CLOSED"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_handshake_failures_total{transport="kcp",code="GATE_ERR_FULL"}')).toBe(1);
    expect(await registry.metrics()).not.toContain('anything a client says');
  });

  it('labels routes up to maxRoutes; the rest, and errors on routes never answered ok, count as other', async () => {
    const registry = new Registry();
    const metrics = new GateMetrics(registry, { maxRoutes: 2, routes: ['sys.auth'] });
    metrics.answered('sys.auth', false, 0.002);
    metrics.answered('Room.join', true, 0.003);
    metrics.answered('Room.join', false, 0.004);
    metrics.answered('No.such', false, 0.001);
    metrics.answered('Room.leave', true, 0.02);
    expect(await sample(registry, 'tessera_gate_requests_total{route="sys.auth",outcome="error"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_requests_total{route="Room.join",outcome="ok"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_requests_total{route="Room.join",outcome="error"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_requests_total{route="other",outcome="error"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_requests_total{route="other",outcome="ok"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_request_duration_seconds_count{route="Room.join"}')).toBe(2);
    expect(await sample(registry, 'tessera_gate_request_duration_seconds_bucket{le="0.0025",route="sys.auth"}')).toBe(1);
    const text = await registry.metrics();
    expect(text).not.toContain('No.such');
    expect(text).not.toContain('Room.leave');
  });

  it('counts pushes, their recipients and the fan-out of each', async () => {
    const registry = new Registry();
    const metrics = new GateMetrics(registry, { maxRoutes: 10 });
    metrics.pushed(1);
    metrics.pushed(30);
    expect(await sample(registry, 'tessera_gate_pushes_total')).toBe(2);
    expect(await sample(registry, 'tessera_gate_push_recipients_total')).toBe(31);
    expect(await sample(registry, 'tessera_gate_push_fanout_bucket{le="1"}')).toBe(1);
    expect(await sample(registry, 'tessera_gate_push_fanout_bucket{le="50"}')).toBe(2);
    expect(await sample(registry, 'tessera_gate_push_fanout_sum')).toBe(31);
  });

  it('reads zero gauges before the gate is watched', async () => {
    const registry = new Registry();
    new GateMetrics(registry, { maxRoutes: 1 });
    expect(await sample(registry, 'tessera_gate_sessions')).toBe(0);
    expect(await sample(registry, 'tessera_gate_pending_requests')).toBe(0);
  });
});
