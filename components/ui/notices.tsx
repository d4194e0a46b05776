"use client";

/**
 * Success and failure notices, announced to screen readers through one live region.
 * - A failure stays until it is dismissed: it says what to do, and a timer must not take that away
 *   (WCAG 2.2.1). A success goes after a few seconds, but not while the pointer or focus is on it.
 * - When the action that led to a notice left the focus nowhere (its button went away or was
 *   disabled while saving, a dialog closed over a removed row), the notice takes the focus, so
 *   keyboard users continue from the result instead of the top of the page. When a focused notice
 *   goes, the focus moves to the page's heading.
 */
import { createContext, useCallback, useContext, useEffect, useMemo, useRef, useState, type ReactNode } from "react";
import { focusIsFree, focusLost, focusPageHeading } from "./focus";

type Tone = "success" | "error";
interface Notice {
  id: number;
  tone: Tone;
  text: string;
}

const SUCCESS_SHOWN_MS = 6_000;

const NoticeContext = createContext<((tone: Tone, text: string) => void) | null>(null);

export function NoticeProvider({ children }: { children: ReactNode }) {
  const [notices, setNotices] = useState<Notice[]>([]);
  const dismiss = useCallback((id: number) => setNotices((all) => all.filter((notice) => notice.id !== id)), []);
  const notify = useCallback((tone: Tone, text: string) => {
    const id = Date.now() + Math.random();
    setNotices((all) => [...all.slice(-3), { id, tone, text }]);
  }, []);
  const value = useMemo(() => notify, [notify]);
  return (
    <NoticeContext.Provider value={value}>
      {children}
      <div data-notices aria-live="polite" className="fixed inset-x-4 bottom-4 z-50 flex flex-col gap-2 sm:left-auto sm:w-96">
        {notices.map((notice, index) => (
          <NoticeView key={notice.id} notice={notice} newest={index === notices.length - 1} onDismiss={dismiss} />
        ))}
      </div>
    </NoticeContext.Provider>
  );
}

function NoticeView({ notice, newest, onDismiss }: { notice: Notice; newest: boolean; onDismiss: (id: number) => void }) {
  const ref = useRef<HTMLDivElement>(null);
  const [held, setHeld] = useState({ pointer: false, focus: false });
  const paused = held.pointer || held.focus;
  /** Whether the focus is on this notice now (read when it goes). */
  const hadFocus = useRef(false);

  // After the render that caused it (a row removed, a button disabled), in the next frame.
  useEffect(() => {
    if (!newest) return;
    const frame = requestAnimationFrame(() => {
      if (focusIsFree() && !document.querySelector("dialog[open]")) ref.current?.focus({ preventScroll: true });
    });
    return () => cancelAnimationFrame(frame);
  }, [newest]);

  useEffect(() => {
    if (notice.tone === "error" || paused) return;
    const timer = setTimeout(() => onDismiss(notice.id), SUCCESS_SHOWN_MS);
    return () => clearTimeout(timer);
  }, [notice, paused, onDismiss]);

  // A notice that goes with the focus on it hands the focus to the page's heading.
  useEffect(
    () => () => {
      if (!hadFocus.current) return;
      requestAnimationFrame(() => {
        if (focusLost()) focusPageHeading();
      });
    },
    [],
  );

  return (
    <div
      ref={ref}
      tabIndex={-1}
      role={notice.tone === "error" ? "alert" : "status"}
      onPointerEnter={() => setHeld((was) => ({ ...was, pointer: true }))}
      onPointerLeave={() => setHeld((was) => ({ ...was, pointer: false }))}
      onFocus={() => {
        hadFocus.current = true;
        setHeld((was) => ({ ...was, focus: true }));
      }}
      onBlur={(event) => {
        if (event.currentTarget.contains(event.relatedTarget)) return;
        hadFocus.current = false;
        setHeld((was) => ({ ...was, focus: false }));
      }}
      className={`flex items-start justify-between gap-3 rounded-md border p-3 text-sm shadow focus:outline-2 focus:outline-offset-2 focus:outline-brand-600 ${
        notice.tone === "error" ? "border-red-200 bg-red-50 text-red-800" : "border-emerald-200 bg-emerald-50 text-emerald-800"
      }`}
    >
      <span>{notice.text}</span>
      <button type="button" aria-label="Dismiss notice" onClick={() => onDismiss(notice.id)} className="min-h-6 min-w-6 text-current">
        ×
      </button>
    </div>
  );
}

export function useNotify(): (tone: Tone, text: string) => void {
  const notify = useContext(NoticeContext);
  if (!notify) throw new Error("useNotify needs a NoticeProvider above it");
  return notify;
}
