// What wxr's pages share: the site, its words, the entries and their URLs.
import { getCollection } from "astro:content";
import { collections } from "./content.config";
import site from "./wxr.json";

export { site };

/** A date as the site's language writes it ("8 février 2010"), the day as written (its own offset). */
export function formatDate(value: unknown): string {
  const iso = value instanceof Date ? value.toISOString() : String(value ?? "");
  const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
  if (!m) return iso;
  const name = site.words.months[Number(m[2]) - 1];
  return site.lang === "en" ? `${name} ${Number(m[3])}, ${m[1]}` : `${Number(m[3])} ${name} ${m[1]}`;
}

/** Every published entry of the content collections, with its URL: its file's path under src/content, or the `permalink` wxr gave it. */
export async function entries() {
  const all = [];
  for (const name of Object.keys(collections)) {
    if (name === "comments") continue;
    for (const entry of await getCollection(name)) {
      if (entry.data.draft) continue;
      const rest = String(entry.filePath ?? "").replace(/^src\/content\//, "").replace(/\.md$/, "");
      // Its WordPress path with --keep-urls, else its file's.
      const url = typeof entry.data.permalink === "string" ? entry.data.permalink : `/${rest}/`;
      all.push({ entry, collection: name, path: url.replace(/^\/|\/$/g, ""), url });
    }
  }
  return all;
}

let threads: Promise<Set<string>> | undefined;

/** Whether the entry of WordPress id `id` has a comment data file (asked first, so that Astro warns of no missing entry). */
export async function hasThread(id: unknown): Promise<boolean> {
  threads ??= getCollection("comments").then((all) => new Set(all.map((e) => e.id)));
  return id != null && (await threads).has(String(id));
}

/** The posts, sticky first, newest first. */
export async function posts() {
  return (await entries())
    .filter((e) => e.collection === "blog")
    .sort(
      (a, b) =>
        Number(b.entry.data.sticky === true) - Number(a.entry.data.sticky === true) ||
        String(b.entry.data.pubDate ?? "").localeCompare(String(a.entry.data.pubDate ?? "")),
    );
}

/** Each category or tag (`key`) with its posts, by name. */
export async function terms(key: string) {
  const map = new Map();
  for (const p of await posts()) {
    for (const name of p.entry.data[key] ?? []) {
      if (!map.has(name)) map.set(name, []);
      map.get(name).push(p);
    }
  }
  return [...map.entries()].sort((a, b) => String(a[0]).localeCompare(String(b[0])));
}

/** An anchor for a term's name. */
export function anchor(name: string): string {
  return String(name).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}

/** A post's start for the home page when it has no excerpt: its text up to `<!--more-->`, else its first 300
 * characters, without Markdown or HTML markup (Astro escapes it where it is shown). */
export function teaser(body: unknown): string {
  const all = String(body ?? "");
  const more = all.indexOf("<!--more-->");
  const text = (more >= 0 ? all.slice(0, more) : all)
    .replace(/<[^>]*>/g, " ")
    .replace(/!\[[^\]]*\]\([^)]*\)/g, " ")
    .replace(/\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/[`*_#>|~]+/g, " ")
    .replace(/\\(.)/g, "$1")
    .replace(/&(amp|lt|gt|quot|#39|#x27|#91|#93);/g, (_, n) =>
      ({ amp: "&", lt: "<", gt: ">", quot: '"', "#39": "'", "#x27": "'", "#91": "[", "#93": "]" })[n],
    )
    .replace(/\s+/g, " ")
    .trim();
  return more < 0 && text.length > 300 ? text.slice(0, 300).replace(/\s+\S*$/, "") + "…" : text;
}
