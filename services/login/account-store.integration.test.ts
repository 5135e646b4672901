import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { MemoryLogger } from '../../engine/testing/memory-logger.js';
import { connectMongoStore } from '../../engine/persist/mongo-store.js';
import { SystemClock } from '../../engine/timer/clock.js';
import { describeAccountStore } from './account-store.contract.js';

const database = `accounts_${randomBytes(4).toString('hex')}`;

describeAccountStore('mongodb via FerretDB', () =>
  connectMongoStore({ url: inject('mongoUrl'), database, clock: new SystemClock(), logger: new MemoryLogger() }),
);
