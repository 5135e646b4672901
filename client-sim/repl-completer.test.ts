import { describe, expect, it } from 'vitest';
import { completeReplLine, routesInHistory } from './repl-completer.js';

const ROUTES = ['Inventory.buy', 'Inventory.sell', 'Echo.echo'];

describe('REPL completion', () => {
  it('completes the route at the start of a line, also after a !', () => {
    expect(completeReplLine('Inv', ROUTES)).toEqual([['Inventory.buy', 'Inventory.sell'], 'Inv']);
    expect(completeReplLine('!Ec', ROUTES)).toEqual([['Echo.echo'], 'Ec']);
    expect(completeReplLine('', ROUTES)).toEqual([['Echo.echo', 'Inventory.buy', 'Inventory.sell'], '']);
  });

  it('completes commands, and nothing once arguments begin', () => {
    expect(completeReplLine('.tr', ROUTES)).toEqual([['.transport'], '.tr']);
    expect(completeReplLine('Inventory.buy "sw', ROUTES)).toEqual([[], 'Inventory.buy "sw']);
  });

  it('finds the routes of requests and notifies in a history', () => {
    expect(routesInHistory(['Echo.echo "a"', '.routes', '!Move.to 1 2', 'Echo.echo "b"', 'Bad.json {'])).toEqual(['Echo.echo', 'Move.to']);
  });
});
