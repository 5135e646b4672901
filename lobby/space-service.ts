/**
 * The `spaces` RPC service every lobby serves: other lobbies (`game.spaces.create` picking this
 * one as the least loaded, `game.spaces.find`) and the matchmaker create spaces here and ask about
 * them. Serve it with `rpc.serve(SPACE_SERVICE, service, SPACE_SERVICE_METHODS)`. Errors travel
 * as RemoteErrors carrying the SPACE_ERR_* code (space-errors.ts).
 */
import type { GameSpaces } from './game-spaces.js';
import type { SpaceRef } from './space.js';
import { SpaceError } from './space-errors.js';

/** The RPC service name of a lobby's spaces. */
export const SPACE_SERVICE = 'spaces';

/** Methods of {@link SPACE_SERVICE}. */
export const SPACE_SERVICE_METHODS = ['create', 'describe'] as const;

/** What another server may set when it creates a space here. */
export interface RemoteCreateOptions {
  /** The space's cluster-wide id; by default one is made. */
  id?: string;
  /** Handed to the type's `onCreate`, kept as `space.data` (msgpack: plain data only). */
  data?: unknown;
}

/** The `spaces` service of one lobby, over its own spaces. */
export class SpaceService {
  /** @param spaces this lobby's spaces (creating here, never elsewhere). */
  constructor(private readonly spaces: Pick<GameSpaces, 'create' | 'local'>) {}

  /**
   * Creates a space of `type` on this lobby.
   * @throws (rejects) SpaceError SPACE_ERR_BAD_ARGS when `options` is not a map; as
   *   `SpaceHost.create`: SPACE_ERR_UNKNOWN_TYPE, SPACE_ERR_BAD_ID, SPACE_ERR_ID_TAKEN,
   *   SPACE_ERR_TOO_MANY (this lobby hosts `lobby.maxSpaces`: the caller tries another lobby).
   */
  async create(type: string, options?: RemoteCreateOptions | null): Promise<SpaceRef> {
    if (options !== undefined && options !== null && (typeof options !== 'object' || Array.isArray(options))) throw new SpaceError('SPACE_ERR_BAD_ARGS', 'create options must be a map');
    const { id, data } = options ?? {};
    return this.spaces.create(type, { ...(id === undefined || id === null ? {} : { id }), ...(data === undefined ? {} : { data }) });
  }

  /** Where space `spaceId` is, when it lives on this lobby; `null` when it does not. */
  async describe(spaceId: string): Promise<SpaceRef | null> {
    if (typeof spaceId !== 'string') throw new SpaceError('SPACE_ERR_BAD_ARGS', 'the space id must be a string');
    return this.spaces.local(spaceId)?.ref ?? null;
  }
}
