/**
 * The console's Content-Security-Policy, sent by proxy.ts on every console page. Pure.
 *
 * Scripts run only with this response's nonce (Next reads it from the request's CSP header and
 * puts it on every script it emits, inline or not; 'strict-dynamic' lets those load the chunks
 * they need). So script smuggled into a page, or an object served from this origin and opened
 * in a frame, cannot run with the console's authority. Every console page is rendered per request
 * (the root layout reads the session cookie), so each response gets a fresh nonce.
 * Styles may be inline: React and Next set style attributes, which a nonce cannot cover, and CSS
 * cannot run script. Nothing may frame the console (clickjacking), and forms post only here.
 */
export function consoleContentSecurityPolicy(nonce: string, { dev }: { dev: boolean }): string {
  return [
    "default-src 'self'",
    // React's development build evaluates code for its debugging aids; never in production.
    `script-src 'self' 'nonce-${nonce}' 'strict-dynamic'${dev ? " 'unsafe-eval'" : ""}`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "font-src 'self'",
    // Development's hot reload talks over a WebSocket to this server.
    `connect-src 'self'${dev ? " ws: wss:" : ""}`,
    "object-src 'none'",
    "base-uri 'none'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join("; ");
}

/** 128 random bits, base64: a nonce the page cannot predict. */
export function newNonce(): string {
  return btoa(String.fromCharCode(...crypto.getRandomValues(new Uint8Array(16))));
}
