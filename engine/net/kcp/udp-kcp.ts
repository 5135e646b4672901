/**
 * The thin socket layer of the KCP session layer: one UDP socket per server, shared by every
 * session, and one per client. Datagrams go straight to the cores (kcp-server.ts,
 * kcp-client.ts); nothing here knows KCP.
 */
import { createSocket, type Socket } from 'node:dgram';
import { isIPv6 } from 'node:net';
import { KcpClient, type KcpClientOptions } from './kcp-client.js';
import { KcpServer, type KcpServerOptions } from './kcp-server.js';
import type { KcpSession } from './kcp-session.js';

/** A KCP server listening on a UDP port. */
export interface UdpKcpServer {
  server: KcpServer;
  /** `host:port` it is bound to. */
  address: string;
  /** Ends every session (each lingers, bounded, for what it has left to deliver), then closes the socket. */
  close(): Promise<void>;
}

// Sessions are keyed by the sender's address as one string; sends split it again.
function splitAddress(address: string): { host: string; port: number } {
  const at = address.lastIndexOf(':');
  return { host: address.slice(0, at), port: Number(address.slice(at + 1)) };
}

/**
 * Socket buffers asked of the kernel: many sessions' bursts arrive at one server socket, and a
 * default buffer (about 208 KiB on Linux) drops them. The kernel caps the request at its own limit
 * (net.core.rmem_max / wmem_max).
 */
const SOCKET_BUFFER_BYTES = 4 * 1024 * 1024;

function bind(socket: Socket, host: string, port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(port, host, () => {
      socket.off('error', reject);
      try {
        socket.setRecvBufferSize(SOCKET_BUFFER_BYTES);
        socket.setSendBufferSize(SOCKET_BUFFER_BYTES);
      } catch {
        // A kernel that refuses keeps its default; the protocol copes, a little slower.
      }
      resolve();
    });
  });
}

/** Listens for KCP sessions on `host:port` (port 0: a free one). */
export async function listenKcp(host: string, port: number, options: Omit<KcpServerOptions, 'send'>): Promise<UdpKcpServer> {
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  // Closing waits for sends in progress, so that every client hears the CLOSE.
  let sending = 0;
  let drained: (() => void) | undefined;
  const server = new KcpServer({
    ...options,
    send: (datagram, address) => {
      const to = splitAddress(address);
      sending++;
      socket.send(datagram, to.port, to.host, () => {
        if (--sending === 0) drained?.();
      });
    },
  });
  socket.on('message', (datagram, from) => server.receive(datagram, `${from.address}:${from.port}`));
  // A failed send to one client (unreachable, buffer full) must not end the server.
  socket.on('error', (err) => options.logger.warn('kcp: UDP socket error', { err }));
  await bind(socket, host, port);
  const bound = socket.address();
  return {
    server,
    address: `${bound.address}:${bound.port}`,
    close: async () => {
      await server.close();
      if (sending > 0) await new Promise<void>((resolve) => (drained = resolve));
      await new Promise<void>((resolve) => socket.close(() => resolve()));
    },
  };
}

/** A client session over its own UDP socket. */
export interface UdpKcpClient {
  client: KcpClient;
  session: KcpSession;
  /** Closes the session (telling the server) and the socket. */
  close(): Promise<void>;
}

/**
 * Connects to a KCP server at `host:port`.
 * @throws (rejects) KcpConnectError when the handshake fails.
 */
export async function connectKcp(host: string, port: number, options: Omit<KcpClientOptions, 'send'>): Promise<UdpKcpClient> {
  const socket = createSocket(isIPv6(host) ? 'udp6' : 'udp4');
  socket.on('error', () => {}); // an unreachable server shows as a handshake that times out
  await bind(socket, isIPv6(host) ? '::' : '0.0.0.0', 0);
  // Sends complete asynchronously; closing waits for them, so the CLOSE message is not lost.
  let sending = 0;
  let drained: (() => void) | undefined;
  const client = new KcpClient({
    ...options,
    send: (datagram) => {
      sending++;
      socket.send(datagram, port, host, () => {
        if (--sending === 0) drained?.();
      });
    },
  });
  socket.on('message', (datagram) => client.receive(datagram));
  const close = async (): Promise<void> => {
    client.close();
    if (sending > 0) await new Promise<void>((resolve) => (drained = resolve));
    await new Promise<void>((resolve) => socket.close(() => resolve()));
  };
  try {
    const session = await client.connect();
    return { client, session, close };
  } catch (err) {
    await close();
    throw err;
  }
}
