import { ticketStoreContract } from './ticket-store.contract.js';
import { MemoryTicketStore } from './ticket-store.js';

ticketStoreContract('MemoryTicketStore', async () => new MemoryTicketStore());
