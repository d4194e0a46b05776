/**
 * Text that may wrap only where a reader expects: URLs and keys after "/", "?", "&", "=" (and a
 * long run anywhere as a last resort), words never in the middle. For addresses in narrow columns.
 */
import { Fragment } from "react";

const BREAK_AFTER = /([/?&=])/;

export function Breakable({ text, className = "" }: { text: string; className?: string }) {
  const parts = text.split(BREAK_AFTER);
  return (
    <span className={`[overflow-wrap:anywhere] ${className}`}>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {part}
          {BREAK_AFTER.test(part) && <wbr />}
        </Fragment>
      ))}
    </span>
  );
}
