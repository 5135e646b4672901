/**
 * The JSON schemas of the admin API's routes: fastify checks requests against them (a failure is
 * ADMIN_ERR_BAD_REQUEST naming the field and rule), writes answers through them, and
 * @fastify/swagger lists them in `GET /admin/openapi.json`. fastify's validator strips unknown
 * keys rather than refusing them, so every object names its keys in `propertyNames` as well.
 */

const str = (maxLength: number, minLength = 1) => ({ type: 'string', minLength, maxLength }) as const;
const num = { type: 'number' } as const;
const closed = <K extends string>(keys: readonly K[]) => ({ type: 'object', additionalProperties: false, propertyNames: { enum: keys } }) as const;

/** An error answer: `{ error: { code, wire, message } }`. */
const errorBody = {
  type: 'object',
  properties: { error: { type: 'object', properties: { code: { type: 'string' }, wire: { type: 'integer' }, message: { type: 'string' }, id: { type: 'string' } }, required: ['code', 'wire', 'message'] } },
  required: ['error'],
} as const;

const refusals = { 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 501: errorBody, 503: errorBody } as const;
const secured = [{ bearer: [] }];

const serverId = { type: 'object', required: ['id'], properties: { id: str(256) } } as const;
const account = str(256);

const load = {
  type: 'object',
  properties: { sessions: num, entities: num, eventLoopLagMs: num, cpu: num },
  required: ['sessions', 'entities', 'eventLoopLagMs', 'cpu'],
} as const;

/** `POST /admin/login`. */
export const loginSchema = {
  summary: 'Log in as an administrator (an account in admin.accounts) and get an admin token',
  tags: ['auth'],
  body: { ...closed(['username', 'password'] as const), required: ['username', 'password'], properties: { username: str(64), password: str(256) } },
  response: {
    200: {
      type: 'object',
      properties: { token: { type: 'string' }, expiresAt: num, account: { type: 'object', properties: { uid: { type: 'string' }, username: { type: 'string' } }, required: ['uid', 'username'] } },
      required: ['token', 'expiresAt', 'account'],
    },
    ...refusals,
    429: errorBody,
  },
} as const;

/** `GET /admin/servers`. */
export const serversSchema = {
  summary: 'Every registered server with its last load report',
  tags: ['cluster'],
  security: secured,
  response: {
    200: {
      type: 'object',
      required: ['servers'],
      properties: {
        servers: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'type', 'host', 'address', 'version', 'speaks', 'startedAt', 'load', 'draining'],
            properties: {
              id: { type: 'string' },
              type: { type: 'string' },
              host: { type: 'string' },
              address: { type: 'string' },
              version: { type: 'string' },
              speaks: { type: 'object', properties: { rpc: { type: 'string' }, protocol: { type: 'string' } } },
              startedAt: num,
              load,
              draining: { type: 'boolean' },
            },
          },
        },
      },
    },
    ...refusals,
  },
} as const;

/** `GET /admin/stats`. */
export const statsSchema = {
  summary: 'Live figures from every server (ok: false for one that did not answer in time)',
  tags: ['cluster'],
  security: secured,
  response: {
    200: {
      type: 'object',
      required: ['at', 'servers'],
      properties: {
        at: num,
        servers: {
          type: 'array',
          items: {
            type: 'object',
            required: ['id', 'type', 'ok'],
            properties: {
              id: { type: 'string' },
              type: { type: 'string' },
              ok: { type: 'boolean' },
              sessions: num,
              entities: num,
              cpu: num,
              eventLoopLagMs: num,
              tickMs: { type: 'object', properties: { mean: num, max: num, p99: num }, required: ['mean', 'max', 'p99'] },
              tickOverruns: num,
              heapUsedBytes: num,
              rpcPendingCalls: num,
              state: { type: 'string' },
            },
          },
        },
      },
    },
    ...refusals,
  },
} as const;

/** `GET /admin/sessions?account=<uid>` or `?username=<name>`. */
export const sessionsSchema = {
  summary: 'Where an account is: online, its gate and session, its lobby and space',
  tags: ['sessions'],
  security: secured,
  querystring: { ...closed(['account', 'username'] as const), minProperties: 1, maxProperties: 1, properties: { account, username: str(64) } },
  response: {
    200: {
      type: 'object',
      required: ['account', 'online'],
      properties: { account: { type: 'string' }, username: { type: 'string' }, online: { type: 'boolean' }, gate: { type: 'string' }, session: { type: 'string' }, lobby: { type: 'string' }, avatar: { type: 'string' }, space: { type: 'string' } },
    },
    ...refusals,
  },
} as const;

/** `POST /admin/sessions/{account}/kick`. */
export const kickSchema = {
  summary: "End an account's session; the client receives a KICK (GATE_ERR_KICKED) carrying the reason",
  tags: ['sessions'],
  security: secured,
  params: { type: 'object', required: ['account'], properties: { account } },
  body: { ...closed(['reason'] as const), required: ['reason'], properties: { reason: str(256) } },
  response: { 200: { type: 'object', required: ['kicked'], properties: { kicked: { type: 'boolean' } } }, ...refusals },
} as const;

/** `POST /admin/messages`. */
export const messagesSchema = {
  summary: 'Push a system message ({ text, from: "admin", at } on sys.message) to an account, a group or everyone',
  tags: ['sessions'],
  security: secured,
  body: {
    ...closed(['to', 'text'] as const),
    required: ['to', 'text'],
    properties: {
      // Exactly one of the three keys.
      to: { type: 'object', minProperties: 1, maxProperties: 1, propertyNames: { enum: ['account', 'group', 'everyone'] }, properties: { account, group: { ...str(200), pattern: '^[A-Za-z0-9:._-]+$' }, everyone: { const: true } } },
      text: str(1_000),
    },
  },
  response: { 200: { type: 'object', required: ['delivered', 'offline'], properties: { delivered: num, offline: num } }, ...refusals },
} as const;

/** `POST /admin/servers/{id}/drain`. */
export const drainSchema = {
  summary: 'Drain a server as SIGTERM would: it deregisters, lets running work settle, saves and stops',
  tags: ['cluster'],
  security: secured,
  params: serverId,
  response: { 200: { type: 'object', required: ['draining'], properties: { draining: { type: 'boolean' } } }, ...refusals },
} as const;

const rules = { type: 'object', additionalProperties: { enum: ['block', 'pass', 'auth'] }, maxProperties: 1_000 } as const;

/** `POST /admin/gates/{id}/reload-rules`. */
export const reloadRulesSchema = {
  summary: "Reload a gate's route rules from its configuration files (as SIGHUP does), or set those of the body",
  tags: ['cluster'],
  security: secured,
  params: serverId,
  // Optional: without a body (or without `rules`) the gate reads its configuration files.
  body: { ...closed(['rules'] as const), type: ['object', 'null'], properties: { rules } },
  response: { 200: { type: 'object', required: ['rules'], properties: { rules: { type: 'object', additionalProperties: { type: 'string' } } } }, ...refusals },
} as const;

const strings = { type: 'array', items: { type: 'string' } } as const;

/** A lobby's ReloadReport (engine/admin/admin-contract.ts). */
const reloadReport = {
  type: 'object',
  required: ['ok', 'generation', 'changed', 'refused', 'swapMs'],
  properties: { ok: { type: 'boolean' }, generation: num, changed: strings, refused: strings, swapMs: num },
} as const;

/** `POST /admin/servers/{id}/reload`. */
export const reloadSchema = {
  summary: "Reload a lobby's game code live (as SIGUSR2 does): its report says what took the new code, or what was refused while the old code keeps running",
  tags: ['cluster'],
  security: secured,
  params: serverId,
  response: { 200: reloadReport, ...refusals },
} as const;

/** `POST /admin/reload`. */
export const reloadAllSchema = {
  summary: "Reload every lobby's game code at once: each lobby's report, or the error it gave; ok when every lobby runs the new code",
  tags: ['cluster'],
  security: secured,
  response: {
    200: {
      type: 'object',
      required: ['ok', 'lobbies'],
      properties: {
        ok: { type: 'boolean' },
        lobbies: { type: 'array', items: { type: 'object', required: ['id'], properties: { id: { type: 'string' }, report: reloadReport, error: errorBody.properties.error } } },
      },
    },
    ...refusals,
  },
} as const;

/** `GET /admin/entities/{type}/{id}`. */
export const entitySchema = {
  summary: "An entity's persisted document and, from the lobby that hosts it, its live state",
  tags: ['entities'],
  security: secured,
  params: { type: 'object', required: ['type', 'id'], properties: { type: str(128), id: str(256) } },
  response: {
    200: {
      type: 'object',
      required: ['persisted', 'live'],
      properties: {
        persisted: { type: ['object', 'null'], additionalProperties: true },
        live: { type: ['object', 'null'], properties: { server: { type: 'string' }, state: { type: 'object', additionalProperties: true } }, required: ['server', 'state'] },
      },
    },
    ...refusals,
  },
} as const;
