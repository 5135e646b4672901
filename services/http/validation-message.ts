import type { FastifyError, FastifySchemaValidationError } from 'fastify';

// Long enough for a field path and its rule; short enough that a client cannot make it carry much.
const MAX_MESSAGE_CHARS = 120;

/**
 * A short account of a schema failure for the client: where in its input (`body/password`) and
 * which rule (`must be string`). Only the first failure is named: fastify's validator stops there.
 * Built from ajv's structured errors rather than from fastify's message, and capped.
 *
 * @param err an error with `code === 'FST_ERR_VALIDATION'`.
 */
export function validationMessage(err: FastifyError): string {
  const first = err.validation?.[0] as (FastifySchemaValidationError & { propertyName?: string }) | undefined;
  const where = `${err.validationContext ?? 'body'}${first?.instancePath ?? ''}`;
  // A `propertyNames` rule fails on a key; the rule's own message would describe the key's value.
  const text = !first ? `${where} is invalid` : first.propertyName !== undefined ? `${where} has a key that is not allowed` : `${where} ${first.message ?? 'is invalid'}`;
  return text.length > MAX_MESSAGE_CHARS ? `${text.slice(0, MAX_MESSAGE_CHARS - 3)}...` : text;
}
