import { randomBytes } from 'node:crypto';
import { inject } from 'vitest';
import { SystemClock } from '../timer/clock.js';
import { MemoryLogger } from '../testing/memory-logger.js';
import { connectMongoStore } from './mongo-store.js';
import { describeStoreContract } from './store.contract.js';

const database = `contract_${randomBytes(4).toString('hex')}`;

describeStoreContract('mongodb via FerretDB', (clock = new SystemClock()) =>
  connectMongoStore({ url: inject('mongoUrl'), database, clock, logger: new MemoryLogger() }),
);
