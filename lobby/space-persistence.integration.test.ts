import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { connectMongoStore } from '../engine/persist/mongo-store.js';
import { MemoryLogger } from '../engine/testing/memory-logger.js';
import { SystemClock } from '../engine/timer/clock.js';
import { describeSpacePersistence } from './space-persistence.contract.js';

describeSpacePersistence('mongodb via FerretDB', () =>
  connectMongoStore({ url: inject('mongoUrl'), database: `spaces_${randomBytes(4).toString('hex')}`, clock: new SystemClock(), logger: new MemoryLogger() }),
);
