import { describe, expect, it } from 'vitest';
import { ClientError } from './errors.js';
import { MAX_PRINTED, formatError, formatPush, formatReply, formatValue } from './repl-format.js';
import { RequestError } from './request-error.js';

describe('REPL output', () => {
  it('prints replies and pushes as JSON on one line', () => {
    expect(formatReply('Inventory.buy', { gold: 90, items: ['sword'] })).toBe('< Inventory.buy {"gold":90,"items":["sword"]}');
    expect(formatReply('Move.stop', undefined)).toBe('< Move.stop undefined');
    expect(formatPush('inventory.changed', { gold: 90 })).toBe('push inventory.changed {"gold":90}');
  });

  it('shows binary as its length and cuts long values', () => {
    expect(formatValue({ blob: Uint8Array.of(1, 2, 3) })).toBe('{"blob":"<3 bytes>"}');
    const long = formatValue('x'.repeat(MAX_PRINTED * 2));
    expect(long.length).toBeLessThan(MAX_PRINTED + 40);
    expect(long).toMatch(/… \(8002 characters\)$/);
  });

  it("prints the server's code for a refused request, and the SDK's otherwise", () => {
    const refused = new RequestError('Inventory.buy', { code: 6000, name: 'SHOP_ERR_POOR', message: 'not enough gold' });
    expect(formatError(refused)).toBe('error SHOP_ERR_POOR (6000): not enough gold');
    const internal = new RequestError('X.y', { code: 5000, name: 'LOBBY_ERR_INTERNAL', message: 'internal error', id: 'abc' });
    expect(formatError(internal)).toBe('error LOBBY_ERR_INTERNAL (5000): internal error (id abc)');
    expect(formatError(new ClientError('CLIENT_ERR_NOT_OPEN', 'X.y: it closed'))).toMatch(/^error CLIENT_ERR_NOT_OPEN: /);
    expect(formatError(new Error('boom'))).toBe('error: boom');
  });
});
