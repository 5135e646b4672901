import { checkDeclarations } from './component-declarations.js';
import { componentOrder } from './component-order.js';
import { installHotAccessors } from './hot-fields.js';
import type { ComponentClass } from './component.js';
import type { EntityClass } from './entity.js';

/** One registered entity type. */
export interface Registered {
  name: string;
  cls: EntityClass;
  /** The class's components in dependency order, checked once at registration. */
  order: readonly ComponentClass[];
}

/**
 * Entity classes by type name, so that a server can create an entity from a name (the loader,
 * a remote call). One registry per process, built in its composition root.
 */
export class EntityRegistry {
  private readonly byName = new Map<string, Registered>();
  private readonly names = new Map<EntityClass, string>();

  /**
   * Registers `cls` under `name`.
   * @throws Error for a name or class registered twice, a bad name, components whose
   *   requirements are missing or circular, or declarations that name no such field or method.
   */
  register(name: string, cls: EntityClass): this {
    // Type names double as store collection names: letters, digits and single underscores.
    if (!/^[A-Za-z](?!.*__)[A-Za-z0-9_]{0,63}$/.test(name)) throw new Error(`EntityRegistry: bad type name ${JSON.stringify(name)}`);
    if (this.byName.has(name)) throw new Error(`EntityRegistry: ${name} is registered already`);
    if (this.names.has(cls)) throw new Error(`EntityRegistry: ${cls.name} is registered already as ${this.names.get(cls)}`);
    const order = componentOrder(name, cls.components);
    for (const component of order) {
      checkDeclarations(component);
      installHotAccessors(component);
    }
    this.byName.set(name, { name, cls, order });
    this.names.set(cls, name);
    return this;
  }

  /** Every registered type, in the order registered. */
  entries(): Registered[] {
    return [...this.byName.values()];
  }

  /**
   * The registration of `type`, a name or a class.
   * @throws Error naming the type when it is not registered.
   */
  lookup(type: string | EntityClass): Registered {
    const name = typeof type === 'string' ? type : this.names.get(type);
    const found = name === undefined ? undefined : this.byName.get(name);
    if (!found || name === undefined) {
      throw new Error(`EntityRegistry: unknown entity type ${typeof type === 'string' ? JSON.stringify(type) : type.name}`);
    }
    return found;
  }
}
