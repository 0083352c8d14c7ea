// The site's collections: one per folder of src/content (blog, pages and
// any custom post type), and the comment threads of src/data/comments.
import { defineCollection } from "astro:content";
import { glob } from "astro/loaders";
import { existsSync, readdirSync } from "node:fs";

const folders = existsSync("src/content")
  ? readdirSync("src/content", { withFileTypes: true }).filter((d) => d.isDirectory()).map((d) => d.name)
  : [];

export const collections = {
  ...Object.fromEntries(
    folders.map((name) => [name, defineCollection({ loader: glob({ pattern: "**/*.md", base: `src/content/${name}` }) })]),
  ),
  comments: defineCollection({ loader: glob({ pattern: "*.yaml", base: "src/data/comments" }) }),
};
