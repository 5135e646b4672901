import { describe, expect, it } from 'vitest';
import { MsgpackCodec } from '../engine/codec/msgpack-codec.js';
import { MESSAGE_KIND } from '../engine/protocol/constants.js';
import { ManualClock } from '../engine/timer/clock.js';
import { ClientError } from './errors.js';
import { PendingRequests } from './pending-requests.js';
import { RequestError } from './request-error.js';

const codec = new MsgpackCodec();
const bytes = (...values: number[]): Uint8Array => Uint8Array.from(values);

function setup() {
  const clock = new ManualClock();
  const pending = new PendingRequests(clock);
  const sent: number[] = [];
  const add = (route = 'Bag.buy', timeoutMs = 1_000) => pending.add(route, bytes(1), timeoutMs, (id) => void sent.push(id));
  return { clock, pending, sent, add };
}

describe('PendingRequests', () => {
  it('sends each request with a new id and settles it with the response that names it', async () => {
    const { pending, sent, add } = setup();
    const first = add();
    const second = add();
    expect(sent).toEqual([1, 2]);
    pending.settle({ kind: MESSAGE_KIND.RESPONSE, id: 2, payload: bytes(9) });
    pending.settle({ kind: MESSAGE_KIND.RESPONSE, id: 7, payload: bytes(8) });
    await expect(second).resolves.toEqual(bytes(9));
    expect(pending.size).toBe(1);
    pending.settle({ kind: MESSAGE_KIND.RESPONSE, id: 1, payload: bytes(3) });
    await expect(first).resolves.toEqual(bytes(3));
    expect(pending.size).toBe(0);
  });

  it('rejects with the error reply as a RequestError, or CLIENT_ERR_BAD_REPLY for a body that is not one', async () => {
    const { pending, add } = setup();
    const refused = add();
    const garbled = add();
    const shapeless = add();
    pending.settle({ kind: MESSAGE_KIND.ERROR, id: 1, payload: codec.encode({ code: 7, name: 'BAG_ERR_FULL', message: 'the bag is full' }) });
    pending.settle({ kind: MESSAGE_KIND.ERROR, id: 2, payload: bytes(0xc1) });
    pending.settle({ kind: MESSAGE_KIND.ERROR, id: 3, payload: codec.encode([1, 2]) });
    const err = await refused.catch((e: unknown) => e);
    expect(err).toBeInstanceOf(RequestError);
    expect(err).toMatchObject({ serverCode: 'BAG_ERR_FULL' });
    await expect(garbled).rejects.toMatchObject({ code: 'CLIENT_ERR_BAD_REPLY', detail: expect.stringMatching(/^Bag\.buy: the error body is not msgpack/) });
    await expect(shapeless).rejects.toMatchObject({ code: 'CLIENT_ERR_BAD_REPLY', detail: 'Bag.buy: the error body is not { code, name, message }' });
  });

  it('rejects with CLIENT_ERR_REQUEST_TIMEOUT once its time is out, and forgets it', async () => {
    const { clock, pending, add } = setup();
    const late = add('Bag.list', 500);
    clock.advance(499);
    expect(pending.size).toBe(1);
    clock.advance(1);
    await expect(late).rejects.toMatchObject({ code: 'CLIENT_ERR_REQUEST_TIMEOUT', detail: 'Bag.list: no reply after 500 ms' });
    expect(pending.size).toBe(0);
    pending.settle({ kind: MESSAGE_KIND.RESPONSE, id: 1, payload: bytes(1) });
  });

  it('rejects with what sending threw, and keeps nothing of it', async () => {
    const { clock, pending } = setup();
    const refused = pending.add('Bag.buy', bytes(1), 1_000, () => {
      throw new ClientError('CLIENT_ERR_MESSAGE_TOO_LARGE', 'Bag.buy: too large');
    });
    await expect(refused).rejects.toMatchObject({ code: 'CLIENT_ERR_MESSAGE_TOO_LARGE' });
    expect(pending.size).toBe(0);
    expect(clock.pendingCount).toBe(0);
  });

  it('fails every waiting request with one error, and hands them over in the order they were sent', async () => {
    const { clock, pending, add } = setup();
    const failed = [add(), add()];
    pending.failAll(new Error('gone'));
    for (const request of failed) await expect(request).rejects.toThrow('gone');
    void add('A.a');
    void add('B.b');
    expect(pending.takeAll().map((p) => p.route)).toEqual(['A.a', 'B.b']);
    expect(pending.size).toBe(0);
    expect(clock.pendingCount).toBe(0);
  });

  it('says when no request waits any more, at once when none does or the connection closed', async () => {
    const { pending, add } = setup();
    await pending.whenIdle(false);
    const request = add();
    await pending.whenIdle(true);
    let idle = false;
    const waiting = pending.whenIdle(false).then(() => (idle = true));
    await Promise.resolve();
    expect(idle).toBe(false);
    pending.settle({ kind: MESSAGE_KIND.RESPONSE, id: 1, payload: bytes(1) });
    await waiting;
    await expect(request).resolves.toEqual(bytes(1));
  });
});
