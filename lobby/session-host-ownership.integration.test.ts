import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connectMongoStore } from '../engine/persist/mongo-store.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { describeLobbyOwnership } from './session-host-ownership.contract.js';

describeLobbyOwnership('mongodb via FerretDB', (clock) =>
  connectMongoStore({ url: inject('mongoUrl'), database: `owners_${randomBytes(4).toString('hex')}`, clock, logger: new MemoryLogger() }),
);
