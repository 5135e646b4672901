import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connectMongoStore } from '../persist/mongo-store.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { SystemClock } from '../timer/clock.js';
import { describeEntityPersistence } from './entity-persistence.contract.js';

const database = `entities_${randomBytes(4).toString('hex')}`;

describeEntityPersistence('mongodb via FerretDB', () =>
  connectMongoStore({ url: inject('mongoUrl'), database, clock: new SystemClock(), logger: new MemoryLogger() }),
);
