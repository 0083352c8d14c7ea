// wxr's Eleventy project: the posts collection, the theme's filters, the
// static folder and the comment data. Written once by wxr; edit it freely
// (a re-run leaves it alone).
module.exports = function (eleventyConfig) {
  // Media and redirect files, served as they are.
  eleventyConfig.addPassthroughCopy({ public: "/" });
  // Copied only: its redirect pages are not templates of the site.
  eleventyConfig.ignores.add("public/**");
  eleventyConfig.addGlobalData("layout", "wxr/page.njk");
  // The posts, newest first (wxr's posts/ folder; drafts are left out).
  eleventyConfig.addCollection("wxrPosts", (api) =>
    api
      .getFilteredByGlob("posts/*.md")
      .filter((p) => !p.data.draft)
      .sort((a, b) => (b.data.sticky === true) - (a.data.sticky === true) || b.date - a.date),
  );
  // Each category and tag with its posts, by name.
  const terms = (api, key) => {
    const map = new Map();
    for (const p of api.getFilteredByGlob("posts/*.md")) {
      if (p.data.draft) continue;
      for (const name of p.data[key] || []) {
        if (!map.has(name)) map.set(name, []);
        map.get(name).push(p);
      }
    }
    return [...map.entries()].sort((a, b) => a[0].localeCompare(b[0]));
  };
  eleventyConfig.addCollection("wxrCategories", (api) => terms(api, "categories"));
  eleventyConfig.addCollection("wxrTags", (api) => terms(api, "wpTags"));
  // Where an old URL's page is written, as Hugo writes it: a folder's
  // index.html, or the file itself for `/old/post.html`.
  const aliasFile = (from) =>
    from.endsWith("/") ? `${from}index.html` : from.endsWith(".html") ? from : `${from}/index.html`;
  // The old URLs of each page (its front matter's aliases: old permalink,
  // old slugs), each made a page that leads to it by aliases.njk.
  eleventyConfig.addCollection("wxrAliases", (api) =>
    api
      .getAll()
      .filter((p) => !p.data.draft)
      .flatMap((p) => (p.data.aliases || []).map((from) => ({ file: aliasFile(from), to: p.url }))),
  );
  // A date as the site's language writes it: "8 février 2010". The day is
  // the one of the date as written (its own UTC offset), not the build's.
  eleventyConfig.addFilter("wxrDate", function (value, months) {
    const iso = value instanceof Date ? value.toISOString() : String(value);
    const m = /^(\d{4})-(\d{2})-(\d{2})/.exec(iso);
    if (!m) return iso;
    const name = months[Number(m[2]) - 1];
    return months[0] === "January" ? `${name} ${Number(m[3])}, ${m[1]}` : `${Number(m[3])} ${name} ${m[1]}`;
  });
  eleventyConfig.addFilter("wxrSlug", (s) =>
    String(s).normalize("NFKD").replace(/[\u0300-\u036f]/g, "").toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, ""),
  );
  eleventyConfig.addFilter("wxrIso", (value) => (value instanceof Date ? value.toISOString() : String(value)));
  // Comment data: one JSON file per post in _data/comments/.
  return { dir: { input: ".", output: "_site" }, markdownTemplateEngine: false };
};
