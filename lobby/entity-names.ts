/**
 * The cluster-wide names this lobby's entities hold (`game.claimName`), by entity: a name goes
 * with its entity when the entity moves to another lobby (entity-migration.ts).
 */
import type { Discovery, Mailbox } from '../engine/cluster/discovery.js';

/** Claims and releases names through discovery, remembering which entity holds each. */
export class EntityNames {
  private readonly byName = new Map<string, string>();
  private readonly byEntity = new Map<string, Set<string>>();

  constructor(private readonly discovery: Pick<Discovery, 'claimName' | 'releaseName'>) {}

  /**
   * Points `name` at `mailbox` (an entity of this lobby); see Discovery.claimName.
   * @returns false when another live mailbox holds the name.
   */
  async claim(name: string, mailbox: Mailbox): Promise<boolean> {
    if (!(await this.discovery.claimName(name, mailbox))) return false;
    this.forget(name);
    this.byName.set(name, mailbox.entityId);
    let names = this.byEntity.get(mailbox.entityId);
    if (!names) this.byEntity.set(mailbox.entityId, (names = new Set()));
    names.add(name);
    return true;
  }

  /** Gives `name` back; see Discovery.releaseName. */
  async release(name: string): Promise<void> {
    await this.discovery.releaseName(name);
    this.forget(name);
  }

  /** The names entity `entityId` holds. */
  namesOf(entityId: string): string[] {
    return [...(this.byEntity.get(entityId) ?? [])];
  }

  private forget(name: string): void {
    const holder = this.byName.get(name);
    if (holder === undefined) return;
    this.byName.delete(name);
    const names = this.byEntity.get(holder);
    names?.delete(name);
    if (names?.size === 0) this.byEntity.delete(holder);
  }
}
