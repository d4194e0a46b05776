import type { ReactNode } from "react";

interface TableHeadProps {
  /** What the table lists, for screen readers (it is not shown). */
  caption: ReactNode;
  /** The column headings, in order. */
  columns: ReactNode[];
  /** The padding of the table's cells, so headings line up with them. */
  cellPadding?: string;
}

/** The caption and the grey row of column headings that open every console table: the first children of its <table>. */
export function TableHead({ caption, columns, cellPadding = "px-3 py-2" }: TableHeadProps) {
  return (
    <>
      <caption className="sr-only">{caption}</caption>
      <thead className="bg-slate-100 text-left text-slate-700">
        <tr>
          {columns.map((column, index) => (
            <th key={index} scope="col" className={`${cellPadding} font-medium`}>
              {column}
            </th>
          ))}
        </tr>
      </thead>
    </>
  );
}
