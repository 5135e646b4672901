/**
 * The test kit's error catalogue: what `tessera/testing` throws when a test waits in vain or uses
 * the kit in a way it cannot serve. Codes are stable and never reused; each has a test and a line
 * in docs/testing.md.
 */
import { CodedError } from '../engine/errors/coded-error.js';

export const TESTKIT_ERRORS = {
  TESTKIT_ERR_PUSH_TIMEOUT: { message: 'no push on the route before the deadline' },
  TESTKIT_ERR_CLIENT_CLOSED: { message: 'the client is closed; no push will come' },
  TESTKIT_ERR_SYSTEM_CLOCK: { message: 'tick() and advance() need a server started with clock: "manual"' },
  TESTKIT_ERR_STOPPED: { message: 'the test server is stopped' },
  TESTKIT_ERR_NO_PLAYER: { message: "the client's player is not bound on this server" },
  TESTKIT_ERR_NO_TRANSPORT: { message: 'the gate does not serve that transport; check gate.tcpPort, gate.wsPort and gate.kcpPort in the test\'s config' },
} as const;

/** One of the codes in {@link TESTKIT_ERRORS}. */
export type TestKitErrorCode = keyof typeof TESTKIT_ERRORS;

/** Every failure the test kit itself reports, with a stable {@link TestKitErrorCode} in `code`. */
export class TestKitError extends CodedError<TestKitErrorCode> {
  override readonly name = 'TestKitError';

  /**
   * @param code the catalogue code.
   * @param detail what exactly went wrong, appended to the catalogue message.
   */
  constructor(code: TestKitErrorCode, detail: string) {
    super(TESTKIT_ERRORS, code, detail);
  }
}
