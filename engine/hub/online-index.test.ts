import { MemoryOnlineIndex } from './online-index.js';
import { onlineIndexContract } from './online-index.contract.js';

onlineIndexContract('MemoryOnlineIndex', async () => new MemoryOnlineIndex());
