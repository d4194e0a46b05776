/**
 * Lingering close, as nginx does it (its lingering_close, lingering_time and lingering_timeout).
 *
 * A response sent before its request body has all arrived (a 413, a refused signature, a bad
 * digest) says `Connection: close` (see unread-body.ts). Node then ends the connection as soon as
 * the response is written and closes the socket with the rest of the body unread, and the kernel
 * answers unread bytes with a reset. A client still sending its body gets EPIPE or "connection
 * reset" on its next write, often before it has read the answer: curl reports a send failure
 * instead of the 413, a Node client an EPIPE, and the reason is lost.
 *
 * Instead, such a connection sends its FIN after the response and goes on reading, and
 * discarding, what the client still sends, so that the client reads the answer and stops. The
 * socket is closed once the client has closed its side, after `idleMs` without a byte from it, or
 * after `maxMs` in all: a client that never stops costs at most that much reading.
 */
import { Socket, type Server } from "node:net";
import { connectionStateOf } from "./app-response";

export interface LingerTimes {
  /** Close when the client has sent nothing for this long. */
  idleMs: number;
  /** Close after this long whatever the client does. */
  maxMs: number;
}

/** nginx's defaults (lingering_timeout 5 s, lingering_time 30 s). */
export const DEFAULT_LINGER: LingerTimes = { idleMs: 5_000, maxMs: 30_000 };

/**
 * Makes `server`'s connections linger when closed after a response to a request whose body is
 * still arriving (the connection's last request, in its ConnectionState: createHttpServer notes it).
 * Node closes a connection after its last response with `socket.destroySoon()`; each connection
 * gets its own, which lingers when the request is incomplete and otherwise does what Node's does.
 */
export function lingerOnEarlyClose(server: Server, times: LingerTimes = DEFAULT_LINGER): void {
  function destroySoon(this: Socket): void {
    const { request } = connectionStateOf(this);
    if (request && !request.complete) linger(this, times);
    else Socket.prototype.destroySoon.call(this);
  }
  server.on("connection", (socket: Socket) => {
    socket.destroySoon = destroySoon;
  });
}

function linger(socket: Socket, { idleMs, maxMs }: LingerTimes): void {
  // The FIN goes out after the response; the read side stays open.
  if (socket.writable) socket.end();
  const close = () => socket.destroy();
  const deadline = setTimeout(close, maxMs);
  deadline.unref();
  socket.once("close", () => clearTimeout(deadline));
  // The client has finished sending and closed its side: nothing is left unread.
  socket.once("end", close);
  // Replaces the request idle timeout Node armed; Node's own 'timeout' handling destroys too.
  socket.setTimeout(idleMs);
  socket.on("timeout", close);
  // Node resumed the request (it discards what is left of the body); make sure bytes keep flowing.
  socket.resume();
}
