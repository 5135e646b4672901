/**
 * What a component declares about the fields clients see (`static sync`), and its normal form.
 * The sync stage (engine/sync) reads the normal form; docs/sync.md describes the model.
 */

/** Who sees a synced field: every client that sees the entity, or only its owner's. */
export type SyncTarget = 'public' | 'owner';

/** The long form of a synced field's declaration. */
export interface SyncFieldOptions {
  /** Who sees it (default `'public'`). */
  to?: SyncTarget;
  /** Sent as a whole multiple of this step (a finite number above 0): `0.01` keeps two decimals. */
  quantize?: number;
}

/** A component's synced fields: field name → who sees it, or the long form. */
export type SyncSpec = Readonly<Record<string, SyncTarget | SyncFieldOptions>>;

/** One synced field in normal form. */
export interface SyncField {
  field: string;
  to: SyncTarget;
  /** Absent: the value is sent as it is. */
  quantize?: number;
}

/**
 * The synced fields of `spec` in declaration order, normalised and checked.
 * @param owner names the component class in errors.
 * @throws Error naming the class and the field when a declaration is neither `'public'`,
 *   `'owner'` nor `{ to?, quantize? }` with a known target and a finite step above 0.
 */
export function syncFields(owner: string, spec: SyncSpec): SyncField[] {
  if (typeof spec !== 'object' || spec === null || Array.isArray(spec)) throw new Error(`${owner}.sync: not an object of field declarations`);
  return Object.entries(spec).map(([field, declared]) => {
    const fail = (problem: string): never => {
      throw new Error(`${owner}.sync: ${field} ${problem}`);
    };
    if (declared === 'public' || declared === 'owner') return { field, to: declared };
    if (typeof declared !== 'object' || declared === null || Array.isArray(declared)) return fail(`is declared as ${JSON.stringify(declared)}; expected 'public', 'owner' or { to?, quantize? }`);
    const extra = Object.keys(declared).filter((k) => k !== 'to' && k !== 'quantize');
    if (extra.length > 0) fail(`has unknown option(s) ${extra.join(', ')}; expected to and quantize`);
    const { to = 'public', quantize } = declared;
    if (to !== 'public' && to !== 'owner') fail(`has to: ${JSON.stringify(to)}; expected 'public' or 'owner'`);
    if (quantize === undefined) return { field, to };
    if (typeof quantize !== 'number' || !Number.isFinite(quantize) || quantize <= 0) fail(`has quantize: ${String(quantize)}; expected a finite number above 0`);
    return { field, to, quantize };
  });
}
