import { describe, expect, it } from 'vitest';
import { parseReplLine } from './repl-line.js';

describe('parseReplLine', () => {
  it('reads a request with JSON arguments separated by spaces or commas', () => {
    expect(parseReplLine('Inventory.buy "wooden sword" 10')).toEqual({ kind: 'request', route: 'Inventory.buy', args: ['wooden sword', 10] });
    expect(parseReplLine('  Chat.say "a, b" , {"to": ["x y", 2]} [1, 2] null true  ')).toEqual({
      kind: 'request',
      route: 'Chat.say',
      args: ['a, b', { to: ['x y', 2] }, [1, 2], null, true],
    });
    expect(parseReplLine('Echo.echo "say \\"hi\\""')).toEqual({ kind: 'request', route: 'Echo.echo', args: ['say "hi"'] });
    expect(parseReplLine('Clock.now')).toEqual({ kind: 'request', route: 'Clock.now', args: [] });
  });

  it('reads a notify after a !', () => {
    expect(parseReplLine('!Move.to 3 4')).toEqual({ kind: 'notify', route: 'Move.to', args: [3, 4] });
    expect(parseReplLine('! Move.stop')).toEqual({ kind: 'notify', route: 'Move.stop', args: [] });
  });

  it('refuses arguments that are not JSON, saying which and that nothing was sent', () => {
    const bad = parseReplLine('Inventory.buy sword 10');
    expect(bad.kind).toBe('invalid');
    expect(bad).toMatchObject({ message: expect.stringMatching(/^argument 1 is not JSON: sword .*strings need double quotes; nothing was sent$/) });
    expect(parseReplLine('Inventory.buy 10 {"a":')).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^argument 2 is not JSON: \{"a":/) });
    expect(parseReplLine('"Inventory.buy"')).toMatchObject({ kind: 'invalid', message: expect.stringMatching(/^not a route/) });
  });

  it('reads the commands and refuses unknown ones or wrong arguments', () => {
    expect(parseReplLine('')).toEqual({ kind: 'empty' });
    expect(parseReplLine('.help')).toEqual({ kind: 'help' });
    expect(parseReplLine('.routes')).toEqual({ kind: 'routes' });
    expect(parseReplLine('.reconnect')).toEqual({ kind: 'reconnect' });
    expect(parseReplLine(' .quit ')).toEqual({ kind: 'quit' });
    expect(parseReplLine('.transport ws')).toEqual({ kind: 'transport', transport: 'ws' });
    expect(parseReplLine('.transport udp')).toMatchObject({ kind: 'invalid', message: '.transport takes one of tcp, ws, kcp' });
    expect(parseReplLine('.quit now')).toMatchObject({ kind: 'invalid', message: '.quit takes no arguments' });
    expect(parseReplLine('.exit')).toMatchObject({ kind: 'invalid', message: 'unknown command .exit (type .help)' });
  });
});
