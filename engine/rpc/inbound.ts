/**
 * Runs calls and notifications that arrive, and sends the replies. A call whose deadline has
 * already passed on arrival is dropped unrun, and a reply that would arrive after the caller gave
 * up is not sent. A handler's exception goes back as a remote error carrying its `code`; a target
 * that does not exist or is not callable goes back as an RpcError code. Calls to an entity wait
 * their turn in its queue: a full queue answers RPC_ERR_QUEUE_FULL, a call whose deadline passed
 * while it waited is dropped unrun, and one whose entity left meanwhile answers RPC_ERR_NO_SUCH_ENTITY
 * (RPC_ERR_ENTITY_MOVED with the server it moved to). A notification to an entity that moved is
 * sent on to that server.
 */
import type { Logger } from '../log/types.js';
import type { Clock } from '../timer/clock.js';
import { KIND, type CallEnvelope, type Envelope, type NotifyEnvelope } from './envelope.js';
import { REMOTE_ERR_UNCODED, REMOTE_ERROR_WIRE, RpcError } from './errors.js';
import type { RpcSpans, TraceContext } from './trace-context.js';
import type { Invocation, Targets } from './targets.js';

/** Where replies go: the link a call came on, or the node itself for local calls. */
export interface ReplySink {
  readonly closed: boolean;
  /** @throws RpcError when the envelope cannot be queued. */
  send(envelope: Envelope): void;
}

/** What {@link Inbound} needs from its node. */
export interface InboundContext {
  targets: Targets;
  clock: Clock;
  logger: Logger;
  trace?: TraceContext | undefined;
  /** Spans of calls served (tracing on). */
  spans?: RpcSpans | undefined;
  /** Cap on handlers still running (promises not settled); past it new work is refused. */
  maxInFlight: number;
  /** Sends a notification on to server `serverId`, where its entity moved. */
  forward?(serverId: string, envelope: NotifyEnvelope): void;
}

// What a queued call answers instead of running: never thrown by a handler, so never confused
// with a handler's own RpcError (which goes back as a RemoteError).
class Unrun {
  constructor(readonly error: RpcError | undefined) {}
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** The receiving half of an RPC node. */
export class Inbound {
  /** Handlers started and not yet settled. */
  inFlight = 0;
  callsReceived = 0;
  notifiesReceived = 0;
  /** Calls and notifications refused because {@link InboundContext.maxInFlight} handlers were running. */
  refused = 0;
  expiredOnArrival = 0;
  expiredReplies = 0;

  constructor(private readonly context: InboundContext) {}

  /** Runs one CALL or NOTIFY from `from`. */
  dispatch(from: ReplySink, envelope: CallEnvelope | NotifyEnvelope): void {
    if (this.inFlight >= this.context.maxInFlight) {
      this.refuse(from, envelope);
      return;
    }
    if (envelope[0] === KIND.NOTIFY) {
      const [, , to, scope, method, args] = envelope;
      const target = this.context.targets.resolve(to, scope, method);
      this.notifiesReceived++;
      if (target instanceof RpcError) this.unrun(envelope, target);
      else this.run(envelope, target, args, undefined, (err) => err !== undefined && (err instanceof Unrun ? this.unrun(envelope, err.error) : this.notifyFailed(envelope, err)));
      return;
    }
    const [, id, timeoutMs, , to, scope, method, args] = envelope;
    this.callsReceived++;
    if (timeoutMs <= 0) {
      this.expiredOnArrival++;
      return;
    }
    const target = this.context.targets.resolve(to, scope, method);
    if (target instanceof RpcError) {
      this.send(from, [KIND.ERROR, id, target.wireCode, target.code, target.detail]);
      return;
    }
    const deadline = this.context.clock.now() + timeoutMs;
    this.run(envelope, target, args, deadline, (err, value, late) => {
      if (from.closed) return;
      if (err instanceof Unrun) {
        if (err.error) this.send(from, [KIND.ERROR, id, err.error.wireCode, err.error.code, err.error.detail]);
        else this.expiredReplies++;
        return;
      }
      // A handler that answered at once cannot have missed a deadline that had not passed yet.
      if (late && this.context.clock.now() > deadline) {
        this.expiredReplies++;
        return;
      }
      this.reply(from, id, err, value);
    });
  }

  // A notification not run here (its entity moved, or is unknown): sent on where it moved, else logged.
  private unrun(envelope: NotifyEnvelope, err: RpcError | undefined): void {
    if (err?.code === 'RPC_ERR_ENTITY_MOVED' && this.context.forward) this.context.forward(err.detail, envelope);
    else this.notifyFailed(envelope, err);
  }

  private notifyFailed([, trace, to, scope, method]: NotifyEnvelope, err: unknown): void {
    this.context.logger.warn('rpc: notification failed', { err, target: `${to ?? ''}/${scope}.${method}`, traceId: trace ?? undefined });
  }

  // Slow handlers pile up work that a fast sender keeps adding: past the cap it is refused, with
  // an error a caller can act on, instead of growing memory.
  private refuse(from: ReplySink, envelope: CallEnvelope | NotifyEnvelope): void {
    this.refused++;
    if (this.refused === 1 || this.refused % 10_000 === 0) {
      this.context.logger.warn('rpc: refusing work past the in-flight cap', { maxInFlight: this.context.maxInFlight, refused: this.refused });
    }
    if (envelope[0] === KIND.CALL) {
      const error = new RpcError('RPC_ERR_OVERLOADED', `${this.inFlight} handlers running, cap ${this.context.maxInFlight}`);
      this.send(from, [KIND.ERROR, envelope[1], error.wireCode, error.code, error.detail]);
    }
  }

  /**
   * Runs the handler, in its entity's turn for an entity with a queue; `done` learns whether it
   * settled later than at once (a promise). `deadline`: a call's, past which it is not run.
   */
  private run(envelope: CallEnvelope | NotifyEnvelope, target: Invocation, args: unknown[], deadline: number | undefined, done: (err: unknown, value: unknown, late: boolean) => void): void {
    // No named closure per call: the TypeScript loader names each one as it is made (keepNames), a cost that shows per call.
    let result: unknown;
    try {
      result = target.serial ? this.queued(target.serial, () => this.invoke(envelope, target, args), deadline) : this.invoke(envelope, target, args);
    } catch (err) {
      done(err === undefined ? new Error('undefined thrown') : err, undefined, false);
      return;
    }
    if (!isPromiseLike(result)) {
      done(undefined, result, false);
      return;
    }
    this.inFlight++;
    result
      .then(
        (value) => {
          this.inFlight--;
          done(undefined, value, true);
        },
        (err: unknown) => {
          this.inFlight--;
          done(err === undefined ? new Error('rejected with undefined') : err, undefined, true);
        },
      )
      // Replying never throws by design; should it, that is logged here, not left unhandled.
      .then(undefined, (err: unknown) => this.context.logger.error('rpc: failed sending a reply', { err }));
  }

  private invoke(envelope: CallEnvelope | NotifyEnvelope, target: Invocation, args: unknown[]): unknown {
    const call = envelope[0] === KIND.CALL;
    const trace = call ? envelope[3] : envelope[1];
    const { spans } = this.context;
    if (spans) return spans.serve(trace, call ? envelope[5] : envelope[3], call ? envelope[6] : envelope[4], () => invoke(target, args));
    return trace !== null && this.context.trace ? this.context.trace.run(trace, () => invoke(target, args)) : invoke(target, args);
  }

  // The call in its entity's queue: refused when the queue is full, not run when its entity left
  // or its caller gave up while it waited.
  private queued(serial: NonNullable<Invocation['serial']>, call: () => unknown, deadline: number | undefined): Promise<unknown> {
    const queued = serial.queue.offer(() => {
      const gone = serial.gone();
      if (gone) throw new Unrun(gone);
      if (deadline !== undefined && this.context.clock.now() > deadline) throw new Unrun(undefined);
      return call();
    });
    return queued ?? Promise.reject(new Unrun(new RpcError('RPC_ERR_QUEUE_FULL', 'too many calls and requests are waiting for the entity')));
  }

  private reply(from: ReplySink, id: number, err: unknown, value: unknown): void {
    if (err !== undefined) {
      // Whatever the handler threw, RpcErrors from its own nested calls included, is its failure.
      this.send(from, [KIND.ERROR, id, REMOTE_ERROR_WIRE, codeOf(err), messageOf(err)]);
      return;
    }
    try {
      from.send([KIND.RESULT, id, value]);
    } catch (sendErr) {
      if (sendErr instanceof RpcError && sendErr.code === 'RPC_ERR_ENCODING') {
        this.send(from, [KIND.ERROR, id, sendErr.wireCode, sendErr.code, `result: ${sendErr.detail}`]);
      } else {
        this.unsent(sendErr);
      }
    }
  }

  private send(from: ReplySink, envelope: Envelope): void {
    try {
      from.send(envelope);
    } catch (err) {
      this.unsent(err);
    }
  }

  // Overloaded or lost: the caller's deadline or the loss of its link settles its call.
  private unsent(err: unknown): void {
    this.context.logger.debug('rpc: reply not sent', { err });
  }
}

/** The string `code` of whatever a handler threw (`null`, a string, an Error, any object), if it has one. */
function codeOf(thrown: unknown): string {
  if (typeof thrown !== 'object' || thrown === null) return REMOTE_ERR_UNCODED;
  try {
    const code = (thrown as { code?: unknown }).code;
    return typeof code === 'string' ? code : REMOTE_ERR_UNCODED;
  } catch {
    return REMOTE_ERR_UNCODED; // a getter that throws
  }
}

/** A message for whatever a handler threw, even values that cannot be turned into strings. */
function messageOf(thrown: unknown): string {
  try {
    return thrown instanceof Error ? String(thrown.message) : String(thrown);
  } catch {
    return `${Object.prototype.toString.call(thrown)} (not printable)`;
  }
}

function invoke(target: Invocation, args: unknown[]): unknown {
  return target.fn.apply(target.self, args);
}
