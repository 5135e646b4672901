/**
 * An emulated link around a TCP or WebSocket connection, inside the client: what the client
 * writes reaches the socket after the link's delay and bandwidth, and what the socket reads
 * reaches the client the same way. Order is kept and nothing is lost (a stream retransmits what a
 * network drops; emulating loss would only add delay the latency setting already gives), and a
 * close travels behind the data before it. No socket is added: the connection is the transport's own.
 *
 * Each direction holds a bounded number of bytes. A real network would stall the sender instead;
 * here a direction that overflows closes the connection, with a reason that says so.
 */
import type { ClientPipe, ClientTransportEvents, ClientTransportFactory } from '../client-transport.js';
import type { EmulatedDirection } from './emulated-direction.js';
import { OrderedChannel } from './ordered-channel.js';

/** The two directions of a link, each made with the function that receives its datagrams. */
export interface DirectionMakers {
  /** Client to server. */
  up(deliver: (datagram: Uint8Array) => void): EmulatedDirection;
  /** Server to client. */
  down(deliver: (datagram: Uint8Array) => void): EmulatedDirection;
}

/**
 * Opens `endpoint` with `inner` and puts the link between the connection and `events`.
 * @returns the client's end of the connection.
 * @throws (rejects) what `inner` rejects with.
 */
export async function openOrderedLink(inner: ClientTransportFactory, endpoint: string, events: ClientTransportEvents, directions: DirectionMakers): Promise<ClientPipe> {
  let pipe: ClientPipe | undefined;
  let reported = false;
  const report = (reason: string): void => {
    if (reported) return;
    reported = true;
    up.close();
    down.close();
    events.onClose(reason);
  };
  let closeReason = 'socket closed';
  const overflow = (direction: string): void => {
    pipe?.close();
    report(`emulated link overflowed ${direction}: more bytes waiting than it holds`);
  };
  const up = new OrderedChannel(directions.up, {
    onMessage: (message) => pipe?.write(message),
    onEnd: () => pipe?.close(),
  });
  const down = new OrderedChannel(directions.down, {
    onMessage: (message) => events.onData(message),
    onEnd: () => report(closeReason),
  });
  pipe = await inner(endpoint, {
    onData: (bytes) => {
      if (!down.write(bytes)) overflow('towards the client');
    },
    onClose: (reason) => {
      closeReason = reason;
      if (!down.end()) overflow('towards the client');
    },
  });
  return {
    write: (bytes) => {
      if (!reported && !up.write(bytes)) overflow('towards the server');
    },
    close: () => {
      if (!reported && !up.end()) overflow('towards the server');
    },
  };
}
