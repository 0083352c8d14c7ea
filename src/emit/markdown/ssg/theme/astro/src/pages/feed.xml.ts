// An Atom feed of the last twenty posts, at /feed.xml.
import { posts, site } from "../wxr";

const escape = (s: unknown) =>
  String(s ?? "").replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;");

export async function GET() {
  const base = site.url.replace(/\/$/, "");
  const entries = (await posts()).slice(0, 20).map(
    (p) => `<entry><title>${escape(p.entry.data.title)}</title><link href="${escape(base + p.url)}"/><id>${escape(base + p.url)}</id><updated>${escape(p.entry.data.pubDate)}</updated></entry>`,
  );
  const xml = `<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom"><title>${escape(site.title)}</title><link href="${escape(base)}/"/><id>${escape(base)}/</id>${entries.join("")}</feed>\n`;
  return new Response(xml, { headers: { "Content-Type": "application/atom+xml; charset=utf-8" } });
}
