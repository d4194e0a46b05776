import { describe, expect, it } from "vitest";
import { attachmentDisposition, downloadName } from "./content-disposition";

describe("attachmentDisposition", () => {
  it("names the file after the key's last segment", () => {
    expect(downloadName("photos/2024/a.jpg")).toBe("a.jpg");
    expect(downloadName("folder/")).toBe("download");
    expect(downloadName("a/..")).toBe("download");
    expect(attachmentDisposition("docs/report.pdf")).toBe(`attachment; filename="report.pdf"; filename*=UTF-8''report.pdf`);
  });

  it("keeps quotes, backslashes and line breaks out of the quoted fallback", () => {
    const header = attachmentDisposition('x/evil"; filename="a.html\r\nSet-Cookie: x=1\\');
    expect(header).not.toMatch(/[\r\n]/);
    const fallback = /filename="([^"]*)"/.exec(header)![1]!;
    expect(fallback).toBe("evil_; filename=_a.html__Set-Cookie: x=1_");
    expect(header).toContain(`filename*=UTF-8''evil%22%3B%20filename%3D%22a.html%0D%0ASet-Cookie%3A%20x%3D1%5C`);
  });

  it("gives the exact Unicode name in filename* and an ASCII stand-in in filename", () => {
    const header = attachmentDisposition("报告 (最终)*.txt");
    expect(header).toBe(`attachment; filename="__ (__)*.txt"; filename*=UTF-8''%E6%8A%A5%E5%91%8A%20%28%E6%9C%80%E7%BB%88%29%2A.txt`);
    expect(decodeURIComponent(header.split("''")[1]!)).toBe("报告 (最终)*.txt");
  });

  it("escapes percent signs so the fallback is not decoded by lenient browsers", () => {
    expect(attachmentDisposition("100%25.txt")).toBe(`attachment; filename="100_25.txt"; filename*=UTF-8''100%2525.txt`);
  });
});
