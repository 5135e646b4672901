/**
 * The diagrams of uml/ agree with the code, and the checker catches what it is for: a module,
 * an RPC service or method, an error code the code lacks, an import arrow the code does not make, and a backend
 * a drawn module reaches without its arrow.
 */
import { describe, expect, it } from 'vitest';
import { checkDiagram } from './check-diagrams.js';
import { readCodeFacts } from './code-facts.js';
import { readDiagram } from './diagram-facts.js';
import { checkAllDiagrams, diagramFiles, ROOT } from './render-uml.js';

const code = await readCodeFacts(ROOT);
const check = (source: string): string[] => checkDiagram('test.puml', readDiagram(source), code);

/** A diagram of imports holding `lines` after the declarations of the modules and backends used below. */
const imports = (...lines: string[]): string =>
  [
    '@startuml test',
    "' arrows: imports",
    '[gate/] as gate',
    '[services/admin/] as admin',
    '[services/matchmaker/] as matchmaker',
    '[engine/net/] as net',
    '[engine/persist/] as persist',
    'database "Redis" as redis',
    'database "MongoDB" as mongo',
    'database "LMDB" as lmdb',
    ...lines,
    '@enduml',
  ].join('\n');

describe('the diagrams of uml/', () => {
  it('cover the components, every flow and the deployment', () => {
    expect(diagramFiles()).toEqual(
      expect.arrayContaining(['components.puml', 'deployment.puml', 'flow-login.puml', 'flow-request.puml', 'flow-push-broadcast.puml', 'flow-lobby-failover.puml', 'flow-migration.puml', 'flow-rolling-upgrade.puml', 'flow-state-sync.puml']),
    );
  });

  it('name only modules, RPC services and methods and error codes that exist, and draw only imports the code makes', async () => {
    expect(await checkAllDiagrams()).toEqual([]);
  });
});

describe('reading the code', () => {
  it('finds the RPC services with their methods, a service with methods under two constants included', () => {
    expect([...code.rpc.get('sessions')!]).toEqual(['bind', 'request', 'notify', 'close', 'resumed', 'migrate']);
    expect(code.rpc.get('gate')).toEqual(new Set(['push', 'kick', 'setData', 'move', 'pushEach', 'moveAndWait', 'handOver']));
    expect([...code.rpc.keys()].sort()).toEqual(['admin', 'gate', 'matchmaker', 'migration', 'sessions', 'spaces']);
  });
});

describe('checking a diagram', () => {
  it('reports a path that does not exist, a path broken by a label line break, and accepts one that does', () => {
    expect(check('participant "gate/session-binding.ts" as g\nparticipant "gate/no-such-file.ts" as n\nparticipant "lobby/\\nsession-host.ts" as l')).toEqual([
      'test.puml:2 names gate/no-such-file.ts, which does not exist',
      'test.puml:3 names session-host.ts, which does not exist',
    ]);
  });

  it('reports an error code that no catalogue holds', () => {
    expect(check('a -> b : GATE_ERR_LOBBY_FAILED\na -> b : GATE_ERR_NO_SUCH_THING')).toEqual(['test.puml:2 names the error code GATE_ERR_NO_SUCH_THING, which no catalogue holds']);
  });

  it('ignores comments', () => {
    expect(check("' engine/nowhere/, rpc:nothing.at all and NO_ERR_SUCH")).toEqual([]);
  });

  it('reports an RPC service or method that is not declared', () => {
    expect(check('a -> b : rpc:sessions.bind\na -> b : rpc:sessions.fly\na -> b : rpc:inventory.add\na -> b : rpc:admin')).toEqual([
      'test.puml:2 names sessions.fly, which is not among the methods of sessions (bind, request, notify, close, resumed, migrate)',
      'test.puml:3 names the RPC service inventory, which no *_SERVICE constant declares',
    ]);
  });

  it('accepts import arrows the code makes, with every backend of the drawn modules drawn', () => {
    expect(check(imports('gate --> net', 'gate --> redis', 'matchmaker --> redis', 'persist --> mongo', 'persist --> lmdb'))).toEqual([]);
  });

  it('reports an arrow between modules where no import is', () => {
    const problems = check(imports('net --> gate', 'gate --> redis', 'matchmaker --> redis', 'persist --> mongo', 'persist --> lmdb'));
    expect(problems).toEqual(['test.puml:11 draws engine/net/ → gate/, but nothing in engine/net/ imports gate/']);
  });

  it('reports an arrow to a backend the module does not reach itself', () => {
    const problems = check(imports('admin --> redis', 'gate --> redis', 'matchmaker --> redis', 'persist --> mongo', 'persist --> lmdb'));
    expect(problems).toEqual(['test.puml:11 draws services/admin/ → redis, but nothing in services/admin/ imports ioredis']);
  });

  it('reports a backend a drawn module reaches without its arrow (a gate talks to Redis)', () => {
    const problems = check(imports('matchmaker --> redis', 'persist --> mongo', 'persist --> lmdb'));
    expect(problems).toHaveLength(1);
    expect(problems[0]).toMatch(/^test\.puml: gate\/.+ imports ioredis, but no arrow from gate\/ \(or a module drawn inside it\) to redis$/);
  });

  it('takes a backend drawn from a module inside the one that reaches it', () => {
    const source = imports('[services/] as services', 'gate --> redis', 'matchmaker --> redis', 'persist --> mongo', 'persist --> lmdb');
    expect(check(source)).toEqual([]);
  });

  it('reports elements that are neither modules nor known backends, and arrows drawn right to left', () => {
    const source = imports('[the gates] as gates', 'database "Kafka" as kafka', 'gate --> redis', 'matchmaker --> redis', 'persist --> mongo', 'persist --> lmdb', 'net <-- gate');
    expect(check(source)).toEqual([
      'test.puml: gates is labelled "the gates", which is no module path of the repository',
      'test.puml: the backend kafka is not one of etcd, redis, mongo, lmdb',
      'test.puml:17 draws an arrow right to left: draw each import as importer --> imported',
    ]);
  });

  it('reads arrows as imports only in a diagram marked so', () => {
    expect(check('[gate/] as gate\n[engine/net/] as net\nnet --> gate')).toEqual([]);
  });
});
