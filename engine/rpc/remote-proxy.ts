/**
 * Proxies that turn property access into calls: `remote(mailbox).Inventory.addItem(x)` and
 * `service(id, 'chat').send(text)`. A proxy is never a thenable (`then` is undefined), so it can
 * be returned from async functions without being mistaken for a promise.
 */
import type { Mailbox } from '../cluster/discovery.js';
import { RpcError } from './errors.js';

/** The methods of `T`, each returning a promise of its awaited result. */
export type RemoteService<T> = {
  [K in keyof T as T[K] extends (...args: never[]) => unknown ? K : never]: T[K] extends (...args: infer A) => infer R
    ? (...args: A) => Promise<Awaited<R>>
    : never;
};

/** A service whose methods are not typed: any name, any arguments. */
export type UntypedService = Record<string, (...args: unknown[]) => unknown>;
/** An entity whose components are not typed. */
export type UntypedEntity = Record<string, UntypedService>;

/** An entity's components by name, each as a {@link RemoteService}. */
export type RemoteEntity<T> = { [K in keyof T]: RemoteService<T[K]> };

/** Sends one entity call; an RpcNode is one. */
export interface EntityCaller {
  callEntity(mailbox: Mailbox, component: string, method: string, args: readonly unknown[], options?: object): Promise<unknown>;
}

const NOT_A_MEMBER = new Set<string | symbol>(['then', 'toJSON', Symbol.toPrimitive, Symbol.toStringTag]);

/** A proxy whose methods call `invoke(method, args)`. */
export function remoteService<T>(invoke: (method: string, args: unknown[]) => Promise<unknown>): RemoteService<T> {
  return new Proxy(
    {},
    {
      get: (_, method) => (typeof method !== 'string' || NOT_A_MEMBER.has(method) ? undefined : (...args: unknown[]) => invoke(method, args)),
    },
  ) as RemoteService<T>;
}

/**
 * A proxy for one entity.
 * @param mailbox the entity's address, or a function that finds it at each call (named entities);
 *   a function may return an RpcError to reject the call with.
 */
export function remoteEntity<T>(caller: EntityCaller, mailbox: Mailbox | (() => Mailbox | RpcError), options?: object): RemoteEntity<T> {
  return new Proxy(
    {},
    {
      get: (_, component) => {
        if (typeof component !== 'string' || NOT_A_MEMBER.has(component)) return undefined;
        return remoteService((method, args) => {
          const target = typeof mailbox === 'function' ? mailbox() : mailbox;
          return target instanceof RpcError ? Promise.reject(target) : caller.callEntity(target, component, method, args, options);
        });
      },
    },
  ) as RemoteEntity<T>;
}
