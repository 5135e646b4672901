/**
 * The test kit's error catalogue: what `tessera/testing` throws when a test waits in vain or uses
 * the kit in a way it cannot serve. Codes are stable and never reused; each has a test and a line
 * in docs/testing.md.
 */
import { CodedError } from '../engine/errors/coded-error.js';

export const TESTKIT_ERRORS = {
  TESTKIT_ERR_PUSH_TIMEOUT: { message: 'no push on the route before the deadline', when: '`nextPush` saw no push on the route within `timeoutMs`' },
  TESTKIT_ERR_CLIENT_CLOSED: { message: 'the client is closed; no push will come', when: '`nextPush` on a client that closed (by the test, `stop()`, or a kick) with nothing kept on the route' },
  TESTKIT_ERR_SYSTEM_CLOCK: { message: 'tick() and advance() need a server started with clock: "manual"', when: '`tick` or `advance` on a server started with `clock: \'system\'`' },
  TESTKIT_ERR_STOPPED: { message: 'the test server is stopped', when: '`connect` after `stop()`' },
  TESTKIT_ERR_NO_PLAYER: { message: "the client's player is not bound on this server", when: '`player(client)` while the client\'s player is not bound on this server (closed, kicked, another server)' },
  TESTKIT_ERR_NO_TRANSPORT: { message: 'the gate does not serve that transport; check gate.tcpPort, gate.wsPort and gate.kcpPort in the test\'s config', when: '`connect` over a transport the gate does not serve (its `gate.*Port` is -1)' },
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
