/**
 * Tessera's public API for game code (`import { … } from 'tessera'`): what a game module uses to
 * define its entities, components, systems and services. The Node client SDK is
 * `tessera/client`, the browser one `tessera/client/browser`, the test kit `tessera/testing`.
 * Nothing else of the engine is part of its API.
 */
export { query } from 'bitecs';
export type { Mailbox } from './engine/cluster/discovery.js';
export { Component, type ComponentClass, type DirtyOptions } from './engine/ecs/component.js';
export { Entity, type ComponentData, type EntityClass, type EntitySpawnOptions } from './engine/ecs/entity.js';
export type { EntityTimers, TimerHandle } from './engine/ecs/entity-timers.js';
export type { EntityRuns } from './engine/ecs/entity-runs.js';
export type { SpawnOptions, System, World } from './engine/ecs/world.js';
export type { WorldSpace } from './engine/ecs/world-space.js';
export type { PushResult } from './engine/hub/cluster-push.js';
export { HubError, type HubErrorCode } from './engine/hub/errors.js';
export type { BroadcastOptions, Groups, GroupSettings } from './engine/hub/groups.js';
export type { PubSub, SubscribeOptions, Subscription, TopicHandler } from './engine/hub/pub-sub.js';
export { SESSION_EVENTS_TOPIC, subscribeSessionEvents, type SessionEvent, type SessionEventKind } from './engine/hub/session-events.js';
export type { Logger } from './engine/log/types.js';
export { MatchError, type MatchErrorCode } from './engine/matchmaking/errors.js';
export type { MatchSpaceData, TicketState, TicketStatus } from './engine/matchmaking/matchmaker-contract.js';
export { OwnershipHeldError } from './engine/persist/errors.js';
export { RemoteError, RpcError } from './engine/rpc/errors.js';
export { isRetryable } from './engine/rpc/is-retryable.js';
export type { RemoteEntity, RemoteService, UntypedEntity, UntypedService } from './engine/rpc/remote-proxy.js';
export type { CallOptions } from './engine/rpc/rpc-node.js';
export { broadcast } from './lobby/broadcast.js';
export type { ClientCaller } from './lobby/client-routes.js';
export { defineGame, type GameDefinition, type GameSystem, type NamedSystem } from './lobby/define-game.js';
export type { GlobalDefinition } from './lobby/check-globals.js';
export { defineSpace, type SpaceDefinition, type SpaceInterestOptions } from './lobby/define-space.js';
export type { GameContext } from './lobby/game-context.js';
export type { GameSpaces } from './lobby/game-spaces.js';
export { GameError } from './lobby/game-error.js';
export type { GameMatchmaker, QueueRequest } from './lobby/game-matchmaker.js';
export { PlayerEntity, playerOf, sessionOf, type SessionDirectory } from './lobby/player-entity.js';
export type { RemoteSession } from './lobby/remote-session.js';
export type { SessionData } from './lobby/session-data.js';
export { Service, type ServiceClass } from './lobby/service.js';
export type { Space, SpaceRef } from './lobby/space.js';
export { SpaceError, type SpaceErrorCode } from './lobby/space-errors.js';
export { MigrationError, type MigrationErrorCode } from './lobby/migration-errors.js';
export type { CreateSpaceOptions } from './lobby/space-host.js';
