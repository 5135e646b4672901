import type { StoredDocument } from './store.js';

/** A document as the MongoDB backend stores it: id, version, write token, then the fields. */
export interface Row {
  _id: string;
  _v: number;
  _w: string;
  [field: string]: unknown;
}

/** The stored document a row holds. */
export function toStored(row: Row): StoredDocument {
  const { _id, _v, _w, ...data } = row;
  return { id: _id, version: _v, data };
}
