// An HTTP server around an event stream, and a reader that splits an SSE response into messages.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { EventStream } from '../../src/server/index.js';

export interface TestServer {
  url: string;
  server: Server;
  /** Drops every open connection, as a proxy or a network hiccup would. */
  dropConnections(): void;
  stop(): Promise<void>;
}

export async function serve(
  handler: EventStream | ((req: never, res: never) => void),
  port = 0,
): Promise<TestServer> {
  const server = createServer((req, res) => (handler as EventStream)(req, res));
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
  const address = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${address.port}/events`,
    server,
    dropConnections: () => server.closeAllConnections(),
    stop: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

export interface SseMessage {
  id?: string;
  data?: string;
  comment?: string;
  retry?: string;
}

/** Reads an SSE body message by message. */
export class SseReader {
  private buffer = '';
  private readonly reader: ReadableStreamDefaultReader<Uint8Array>;
  private readonly decoder = new TextDecoder();

  constructor(body: ReadableStream<Uint8Array>) {
    this.reader = body.getReader();
  }

  /** The next message (or comment block); undefined when the stream ends. */
  async next(timeoutMs = 5000): Promise<SseMessage | undefined> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const end = this.buffer.indexOf('\n\n');
      if (end >= 0) {
        const block = this.buffer.slice(0, end);
        this.buffer = this.buffer.slice(end + 2);
        return parseBlock(block);
      }
      const remaining = deadline - Date.now();
      if (remaining <= 0) throw new Error('no SSE message in time');
      const chunk = await Promise.race([
        this.reader.read(),
        new Promise<never>((_, reject) =>
          setTimeout(() => reject(new Error('no SSE message in time')), remaining),
        ),
      ]);
      if (chunk.done) return undefined;
      this.buffer += this.decoder.decode(chunk.value, { stream: true });
    }
  }

  /** The next message that carries data, skipping comments and `retry`. */
  async nextEvent(timeoutMs?: number): Promise<{ id: number; event: Record<string, unknown> }> {
    for (;;) {
      const message = await this.next(timeoutMs);
      if (!message) throw new Error('stream ended');
      if (message.data !== undefined) return { id: Number(message.id), event: JSON.parse(message.data) };
    }
  }

  cancel(): Promise<void> {
    return this.reader.cancel();
  }
}

function parseBlock(block: string): SseMessage {
  const message: SseMessage = {};
  for (const line of block.split('\n')) {
    if (line.startsWith(':')) message.comment = line.slice(1).trim();
    else {
      const colon = line.indexOf(':');
      const field = line.slice(0, colon) as keyof SseMessage;
      message[field] = line.slice(colon + 1).replace(/^ /, '');
    }
  }
  return message;
}

/**
 * `handler` behind what a framework's body parser does (express.json()): the body is read first,
 * and left on `req.body` when the request says `x-keep-body: yes`, dropped otherwise.
 */
export function behindBodyParser(handler: (req: IncomingMessage, res: ServerResponse) => unknown) {
  return (req: IncomingMessage & { body?: unknown }, res: ServerResponse) => {
    let text = '';
    req.on('data', (chunk) => {
      text += chunk;
    });
    req.on('end', () => {
      if (req.headers['x-keep-body'] === 'yes') req.body = JSON.parse(text);
      handler(req, res);
    });
  };
}
