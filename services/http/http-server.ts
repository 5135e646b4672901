import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Module } from '../../engine/lifecycle/lifecycle.js';
import type { Logger } from '../../engine/log/types.js';
import { createClientErrorHandler, createErrorHandler, installErrorHandlers } from './http-error-handlers.js';

/** Options for {@link HttpServer}. */
export interface HttpServerOptions {
  host: string;
  /** 0 picks a free port; read {@link HttpServer.url} after start. */
  port: number;
  logger: Logger;
  /** Largest request body accepted, in bytes (default 64 KiB). */
  bodyLimit?: number;
  /**
   * Proxies whose `X-Forwarded-For` is believed, as in `http.trustProxy` (default none): a request
   * that reaches the server through them has `request.ip` set to the client they name.
   */
  trustProxy?: readonly string[];
}

/**
 * The HTTP endpoint of a process (health, login) as a lifecycle {@link Module}. Every error it
 * answers is coded and short; internal errors carry an id that their log line has too
 * (services/http/http-error-handlers.ts).
 */
export class HttpServer implements Module {
  readonly name = 'http';
  /** Register routes on it before start. */
  readonly app: FastifyInstance;
  private address: string | undefined;

  constructor(private readonly options: HttpServerOptions) {
    const trustProxy = options.trustProxy?.length ? [...options.trustProxy] : false;
    this.app = Fastify({
      logger: false,
      bodyLimit: options.bodyLimit ?? 64 * 1024,
      trustProxy,
      // Request ids correlate an internal error's answer with its log line, across restarts and
      // processes; a client cannot choose them (no id header is read).
      genReqId: () => randomUUID(),
      frameworkErrors: createErrorHandler(options.logger),
      clientErrorHandler: createClientErrorHandler(options.logger),
    });
    installErrorHandlers(this.app, options.logger);
  }

  /** The base URL it listens on, once started. */
  get url(): string {
    if (!this.address) throw new Error('HttpServer.url: not started');
    return this.address;
  }

  async start(): Promise<void> {
    this.address = await this.app.listen({ host: this.options.host, port: this.options.port });
    this.options.logger.info('http listening', { url: this.address });
  }

  async stop(): Promise<void> {
    await this.app.close();
  }
}
