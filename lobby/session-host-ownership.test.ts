import { describeLobbyOwnership } from './session-host-ownership.contract.js';

describeLobbyOwnership('lmdb');
