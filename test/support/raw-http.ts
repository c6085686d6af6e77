// HTTP on a bare socket, for tests that need a request truly in flight (its body still arriving) or a
// connection held open: what a draining server does with them is the point.
import { once } from 'node:events';
import net from 'node:net';

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Everything the server sends on `socket` until it closes the connection, parsed as one HTTP response. */
export async function responseUntilClose(socket: net.Socket): Promise<RawResponse> {
  let raw = '';
  socket.setEncoding('utf8').on('data', (d: string) => (raw += d));
  await once(socket, 'close');
  return parseResponse(raw);
}

function parseResponse(raw: string): RawResponse {
  const [head = '', body = ''] = raw.split('\r\n\r\n', 2);
  const [statusLine = '', ...lines] = head.split('\r\n');
  const headers = Object.fromEntries(lines.map((l) => [l.slice(0, l.indexOf(':')).toLowerCase(), l.slice(l.indexOf(':') + 1).trim()]));
  return { status: Number(statusLine.split(' ')[1]), headers, body };
}

/** A keep-alive POST on a connection of its own whose headers and first ten bytes of body are sent now,
 *  the rest of the body by `finish()`; `answer` resolves when the server closes the connection. */
export async function halfSentPost(
  port: number,
  request: { path: string; token: string; body: unknown; userAgent: string },
): Promise<{ finish(): void; answer: Promise<RawResponse> }> {
  const body = JSON.stringify(request.body);
  const socket = net.connect(port, '127.0.0.1');
  await once(socket, 'connect');
  const answer = responseUntilClose(socket);
  socket.write(
    `POST ${request.path} HTTP/1.1\r\nHost: roster\r\nUser-Agent: ${request.userAgent}\r\nAuthorization: Bearer ${request.token}\r\n` +
      `Content-Type: application/scim+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: keep-alive\r\n\r\n${body.slice(0, 10)}`,
  );
  return { finish: () => void socket.write(body.slice(10)), answer };
}

/** Resolves once a new connection to `port` is refused, trying for up to 10 s. */
export async function connectionsRefused(port: number): Promise<void> {
  const deadline = Date.now() + 10_000;
  while (Date.now() < deadline) {
    const outcome = await new Promise<string>((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.on('connect', () => {
        s.destroy();
        resolve('connected');
      });
      s.on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? 'error'));
    });
    if (outcome === 'ECONNREFUSED') return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error('new connections were still accepted 10 s after SIGTERM');
}
