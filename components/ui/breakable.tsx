/**
 * Text that may wrap only where a reader expects. URLs and keys wrap after "/", "?", "&", "=", ".",
 * "-" and "_" (a <wbr> after each); an email address before its "@" only. Words never break in the
 * middle, with one last resort: a single run too long for the line on its own (no break opportunity
 * in 80 characters) breaks where it must (`overflow-wrap: break-word`).
 *
 * Why not `overflow-wrap: anywhere` or `word-break: break-all`: both make every character a break
 * opportunity for sizing too, so a table (or a flex row) squeezes the column down to a letter or
 * two and breaks "room.t|xt" although the table could scroll. `break-word` does not change how wide
 * the text asks to be: in a table the column keeps the longest unbreakable run (the table scrolls in
 * its TableScroller), and in a block it breaks only a run wider than the block. A grid or flex item
 * that holds one needs `min-w-0`, or that run widens the item instead.
 */
import { Fragment } from "react";

/** Where a URL or an object key may wrap: after each run of these characters. */
const URL_BREAKS = /([/?&=._-]+)/;

export function Breakable({ text, className = "" }: { text: string; className?: string }) {
  const parts = text.split(URL_BREAKS);
  return (
    <span className={`wrap-break-word ${className}`}>
      {parts.map((part, index) => (
        <Fragment key={index}>
          {part}
          {index % 2 === 1 && index < parts.length - 1 && parts[index + 1] !== "" && <wbr />}
        </Fragment>
      ))}
    </span>
  );
}

/**
 * An email address (or any text with one, such as "The system"): it may wrap before the "@" and
 * nowhere else inside the address, not even after a hyphen of its local part.
 */
export function EmailText({ text, className = "" }: { text: string; className?: string }) {
  const at = text.indexOf("@");
  if (at <= 0 || /\s/.test(text)) return <span className={className}>{text}</span>;
  return (
    <span className={className}>
      <span className="whitespace-nowrap">{text.slice(0, at)}</span>
      <wbr />
      <span className="whitespace-nowrap">{text.slice(at)}</span>
    </span>
  );
}
