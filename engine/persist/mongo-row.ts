import type { StoredDocument } from './store.js';

/** A document as the MongoDB backend stores it: id, version, write token, owner epoch, then the fields. */
export interface Row {
  _id: string;
  _v: number;
  _w: string;
  /** The ownership epoch it was written under, when it was. */
  _e?: number;
  [field: string]: unknown;
}

/** The stored document a row holds. */
export function toStored(row: Row): StoredDocument {
  const { _id, _v, _w, _e, ...data } = row;
  return { id: _id, version: _v, data };
}
