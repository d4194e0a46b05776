/**
 * What the server keeps per connection and per response, in fields of the app's own classes
 * rather than in symbol properties and listeners added to Node's sockets and responses: a socket
 * takes properties in many orders and a response's events live in a dictionary, so each such
 * property or listener costs the hit path megamorphic lookups and dictionary inserts (together
 * ~1,000 instructions a request in callgrind, bench/telemetry-instructions.ts). createHttpServer
 * makes its responses AppResponses and gives each connection one ConnectionState.
 */
import { ServerResponse, type IncomingMessage } from "node:http";
import type { Socket } from "node:net";

/** One per connection, shared by the requests and responses on it. */
export class ConnectionState {
  /** The request last read on the connection (lingering-close.ts). */
  request: IncomingMessage | null = null;
  /** socket.bytesWritten when the connection's last response closed (request-telemetry.ts). */
  bytesCounted = 0;
}

const kState = Symbol("the connection's state");
interface StatefulSocket extends Socket {
  [kState]?: ConnectionState;
}

/** The connection's state, made at its first ask. */
export function connectionStateOf(socket: Socket): ConnectionState {
  return ((socket as StatefulSocket)[kState] ??= new ConnectionState());
}

/** Told once that a response has closed, whether it ended or was cut off (as a 'close' listener would be). */
export interface CloseHook {
  closed(response: ServerResponse): void;
}

/** The server's response class (createHttpServer passes it as `ServerResponse`). */
export class AppResponse<Request extends IncomingMessage = IncomingMessage> extends ServerResponse<Request> {
  /** The connection's state, set by the server before the app sees the response. */
  connectionState: ConnectionState | null = null;
  private closeHook: CloseHook | null = null;

  /** `hook.closed(this)` when the response closes, before its 'close' listeners; one hook per response. */
  whenClosed(hook: CloseHook): void {
    if (this.closeHook !== null) throw new Error("this response already has a close hook");
    this.closeHook = hook;
  }

  // Node emits 'close' once per response: after it ended (_http_server's emitCloseNT), or when its
  // connection closed first (onServerResponseClose).
  override emit(event: string | symbol, ...args: unknown[]): boolean {
    if (event === "close" && this.closeHook !== null) {
      const hook = this.closeHook;
      this.closeHook = null;
      hook.closed(this);
    }
    return super.emit(event, ...args);
  }
}
