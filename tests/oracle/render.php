<?php
/**
 * The WordPress-rendering oracle: renders every published post and page of
 * an export as WordPress's `the_content` does on the item's own page, with
 * the real WordPress core (Debian's `wordpress` package) and no database
 * server.
 *
 * Usage: php render.php MODEL.json OUT.json [WORDPRESS_DIR]
 *
 * MODEL.json is wxr's JSON model of the export (`wxr convert`); OUT.json
 * receives `{"<id>": "<html>", …}`. The export's posts, attachments,
 * meta and options are served to WordPress from memory by a `wpdb`
 * subclass and a `posts_pre_query` filter, so that `[gallery]`, attached
 * media, reusable blocks and dynamic blocks see the export as WordPress
 * saw its own database. Every filter of `the_content` runs in WordPress's
 * order: `[embed]` and autoembed, `do_blocks`, `wptexturize`, `wpautop`,
 * `shortcode_unautop`, `prepend_attachment`, `wp_filter_content_tags`,
 * `capital_P_dangit`, `do_shortcode` with the core shortcodes.
 *
 * Stand-ins, each for something the export does not carry:
 * - oEmbed needs the provider's server: an embed is answered from the
 *   post's cached `_oembed_*` meta when the export has it (WordPress does
 *   that itself), else with the iframe the provider's oEmbed endpoint
 *   returns for YouTube and Vimeo (derived from the URL, as the provider
 *   does), else it fails as offline WordPress fails: the URL becomes a link.
 * - Smilies: the export does not carry the `use_smilies` option; it is off.
 * - WP-Syntax's `<pre lang="…">` is rendered as that plugin renders it.
 * - The code plugins whose shortcodes wxr reads (SyntaxHighlighter
 *   Evolved, CodeColorer) are not core: their shortcodes are rendered as
 *   those plugins render them, at their priority (before wpautop), as a
 *   `<pre>` holding the code as text, decoded once.
 * - Page builders' layout shortcodes (Divi `et_pb_*`, WPBakery `vc_*`)
 *   render their content, as the builders do without their styles.
 * - A password of spaces only is none, as the importer's regex parser
 *   trims it.
 * - A post split by `<!--nextpage-->` is shown on several pages by
 *   WordPress: their contents are rendered one after the other.
 * - A gallery in random order (`orderby="rand"`) shows its listed order,
 *   one of the orders WordPress shows.
 */

error_reporting(E_ALL & ~E_DEPRECATED & ~E_NOTICE & ~E_WARNING & ~E_USER_NOTICE & ~E_USER_DEPRECATED);
ini_set('display_errors', 'stderr');
ini_set('memory_limit', '1G');

[$_, $model_file, $out_file] = $argv + [null, null, null];
$wordpress = rtrim($argv[3] ?? '/usr/share/wordpress', '/');
if ($model_file === null || $out_file === null) {
    fwrite(STDERR, "usage: php render.php MODEL.json OUT.json [WORDPRESS_DIR]\n");
    exit(2);
}
$model = json_decode(file_get_contents($model_file), true, 512, JSON_BIGINT_AS_STRING);
if (!is_array($model)) {
    fwrite(STDERR, "render.php: $model_file is not a JSON model\n");
    exit(2);
}

$content_dir = sys_get_temp_dir() . '/wxr-oracle-content-' . getmypid();
@mkdir($content_dir);
register_shutdown_function(function () use ($content_dir) { @rmdir($content_dir); });

define('ABSPATH', $wordpress . '/');
define('WP_CONTENT_DIR', $content_dir);
define('DB_NAME', 'oracle');
define('DB_USER', 'oracle');
define('DB_PASSWORD', '');
define('DB_HOST', 'localhost');
define('DB_CHARSET', 'utf8mb4');
define('DB_COLLATE', '');
define('WP_HTTP_BLOCK_EXTERNAL', true);
define('DISABLE_WP_CRON', true);
define('WP_DEBUG', false);
foreach (['AUTH_KEY', 'SECURE_AUTH_KEY', 'LOGGED_IN_KEY', 'NONCE_KEY', 'AUTH_SALT', 'SECURE_AUTH_SALT', 'LOGGED_IN_SALT', 'NONCE_SALT'] as $k) {
    define($k, 'wxr-oracle');
}
$table_prefix = 'wp_';
$site_url = rtrim($model['site']['link'] ?? 'http://example.org', '/');
if ($site_url === '' || !preg_match('#^https?://#', $site_url)) {
    $site_url = 'http://example.org';
}
$host = parse_url($site_url, PHP_URL_HOST) ?: 'example.org';
$_SERVER['HTTP_HOST'] = $host;
$_SERVER['SERVER_NAME'] = $host;
$_SERVER['REQUEST_URI'] = '/';
$_SERVER['SERVER_PROTOCOL'] = 'HTTP/1.1';
$_SERVER['REQUEST_METHOD'] = 'GET';

/** The export as rows of WordPress's tables. */
$posts = [];
$postmeta = [];
$meta_id = 0;
foreach ($model['items'] as $item) {
    if (!isset($item['id']) || !is_numeric($item['id'])) {
        continue;
    }
    $id = (int) $item['id'];
    $url = $item['attachment_url'] ?? '';
    $mime = '';
    if (($item['type'] ?? '') === 'attachment') {
        $path = parse_url((string) $url, PHP_URL_PATH) ?: '';
        $ext = strtolower(pathinfo($path, PATHINFO_EXTENSION));
        $mime = oracle_mime($ext);
    }
    $posts[$id] = (object) [
        'ID' => $id,
        'post_author' => 1,
        'post_date' => str_replace('T', ' ', $item['date'] ?? '0000-00-00 00:00:00'),
        'post_date_gmt' => rtrim(str_replace('T', ' ', $item['date_gmt'] ?? '0000-00-00 00:00:00'), 'Z'),
        'post_content' => $item['content'] ?? '',
        'post_title' => $item['title'] ?? '',
        'post_excerpt' => $item['excerpt'] ?? '',
        'post_status' => $item['status'] ?? 'publish',
        'comment_status' => $item['comment_status'] ?? 'open',
        'ping_status' => $item['ping_status'] ?? 'open',
        'post_password' => trim((string) ($item['password'] ?? '')),
        'post_name' => $item['slug'] ?? '',
        'to_ping' => '',
        'pinged' => '',
        'post_modified' => str_replace('T', ' ', $item['modified'] ?? $item['date'] ?? '0000-00-00 00:00:00'),
        'post_modified_gmt' => rtrim(str_replace('T', ' ', $item['modified_gmt'] ?? $item['date_gmt'] ?? '0000-00-00 00:00:00'), 'Z'),
        'post_content_filtered' => '',
        'post_parent' => (int) ($item['parent'] ?? 0),
        'guid' => $url ?: ($item['guid'] ?? ''),
        'menu_order' => (int) ($item['menu_order'] ?? 0),
        'post_type' => $item['type'] ?? 'post',
        'post_mime_type' => $mime,
        'comment_count' => count($item['comments'] ?? []),
        'filter' => 'raw',
    ];
    $metas = $item['meta'] ?? [];
    // The importer downloads an attachment and records its file: an
    // export made without the meta has the file at its URL.
    if ($mime !== '' && !in_array('_wp_attached_file', array_column($metas, 'key'), true)) {
        $path = (string) parse_url((string) $url, PHP_URL_PATH);
        $metas[] = ['key' => '_wp_attached_file', 'value' => preg_replace('#^.*/uploads/#', '', ltrim($path, '/'))];
    }
    foreach ($metas as $m) {
        $postmeta[] = (object) [
            'meta_id' => ++$meta_id,
            'post_id' => $id,
            'meta_key' => (string) ($m['key'] ?? ''),
            'meta_value' => is_string($m['value'] ?? null) ? $m['value'] : json_encode($m['value'] ?? ''),
        ];
    }
}

/** The MIME type WordPress's upload would have stored for an extension. */
function oracle_mime(string $ext): string
{
    $types = [
        'jpg' => 'image/jpeg', 'jpeg' => 'image/jpeg', 'jpe' => 'image/jpeg', 'gif' => 'image/gif',
        'png' => 'image/png', 'bmp' => 'image/bmp', 'webp' => 'image/webp', 'avif' => 'image/avif',
        'svg' => 'image/svg+xml', 'tif' => 'image/tiff', 'tiff' => 'image/tiff', 'ico' => 'image/x-icon',
        'mp3' => 'audio/mpeg', 'm4a' => 'audio/mpeg', 'ogg' => 'audio/ogg', 'oga' => 'audio/ogg',
        'wav' => 'audio/wav', 'flac' => 'audio/flac', 'wma' => 'audio/x-ms-wma',
        'mp4' => 'video/mp4', 'm4v' => 'video/mp4', 'mov' => 'video/quicktime', 'webm' => 'video/webm',
        'ogv' => 'video/ogg', 'wmv' => 'video/x-ms-wmv', 'avi' => 'video/avi', 'flv' => 'video/x-flv',
        'pdf' => 'application/pdf', 'zip' => 'application/zip', 'doc' => 'application/msword',
        'txt' => 'text/plain',
    ];
    return $types[$ext] ?? 'application/octet-stream';
}

$options = [
    'siteurl' => $site_url,
    'home' => $site_url,
    'blogname' => $model['site']['title'] ?? '',
    'blogdescription' => $model['site']['description'] ?? '',
    'blog_charset' => 'UTF-8',
    'html_type' => 'text/html',
    'use_smilies' => '0',
    'permalink_structure' => '',
    'thumbnail_size_w' => '150',
    'thumbnail_size_h' => '150',
    'thumbnail_crop' => '1',
    'medium_size_w' => '300',
    'medium_size_h' => '300',
    'large_size_w' => '1024',
    'large_size_h' => '1024',
    'WPLANG' => '',
    'active_plugins' => 'a:0:{}',
    'template' => '',
    'stylesheet' => '',
    'db_version' => '53496',
    'initial_db_version' => '53496',
    'wp_user_roles' => 'a:0:{}',
    'gmt_offset' => '0',
    'timezone_string' => 'UTC',
    'date_format' => 'F j, Y',
    'time_format' => 'g:i a',
    'rewrite_rules' => '',
    'sticky_posts' => 'a:0:{}',
];

require ABSPATH . 'wp-includes/class-wpdb.php';

/**
 * WordPress's database, answered from the export in memory: the queries
 * core makes to load options, posts and post meta are recognized; every
 * other read is empty and every write does nothing.
 */
class Oracle_DB extends wpdb
{
    public $found = 0;

    public function __construct()
    {
        $this->dbh = null;
        $this->ready = true;
        $this->charset = 'utf8mb4';
        $this->collate = '';
        $this->is_mysql = true;
        $this->use_mysqli = true;
        $this->has_connected = true;
        $this->show_errors = false;
    }

    public function db_connect($allow_bail = true) { return true; }
    public function check_connection($allow_bail = true) { return true; }
    public function db_version() { return '10.11'; }
    public function db_server_info() { return '10.11.0-MariaDB'; }
    public function set_charset($dbh, $charset = null, $collate = null) {}
    public function set_sql_mode($modes = array()) {}
    public function has_cap($db_cap) { return true; }
    public function _real_escape($string)
    {
        if (!is_scalar($string)) {
            return '';
        }
        return $this->add_placeholder_escape(addslashes((string) $string));
    }

    public function query($query)
    {
        global $posts, $postmeta, $options;
        $this->flush();
        $this->last_query = $query;
        $rows = [];
        $q = preg_replace('/\s+/', ' ', trim($query));
        if (preg_match('/^SELECT FOUND_ROWS\(\)/i', $q)) {
            $rows = [(object) ['FOUND_ROWS()' => $this->found]];
        } elseif (preg_match("/FROM \w*options WHERE autoload = 'yes'/i", $q)) {
            foreach ($options as $k => $v) {
                $rows[] = (object) ['option_name' => $k, 'option_value' => $v];
            }
        } elseif (preg_match("/FROM \w*options WHERE option_name = '([^']*)'/i", $q, $m)) {
            $name = stripslashes($m[1]);
            if (array_key_exists($name, $options)) {
                $rows[] = (object) ['option_value' => $options[$name]];
            }
        } elseif (preg_match('/FROM \w*posts WHERE ID = (\d+)/i', $q, $m)) {
            if (isset($posts[(int) $m[1]])) {
                $rows[] = clone $posts[(int) $m[1]];
            }
        } elseif (preg_match('/FROM \w*posts WHERE ID IN \(([^)]*)\)/i', $q, $m)) {
            foreach (array_map('intval', explode(',', $m[1])) as $id) {
                if (isset($posts[$id])) {
                    $rows[] = clone $posts[$id];
                }
            }
        } elseif (preg_match('/FROM \w*postmeta WHERE post_id IN \(([^)]*)\)/i', $q, $m)) {
            $ids = array_flip(array_map('intval', explode(',', $m[1])));
            foreach ($postmeta as $row) {
                if (isset($ids[$row->post_id])) {
                    $rows[] = clone $row;
                }
            }
        }
        $this->last_result = $rows;
        $this->num_rows = count($rows);
        return $this->num_rows;
    }
}

$wpdb = new Oracle_DB();

require ABSPATH . 'wp-includes/plugin.php';

/**
 * WP_Query over the export in memory: what `get_children`, `[gallery]`,
 * `[playlist]` and the media shortcodes ask for (parent, type, status,
 * MIME type, name, `post__in`, `include`, `exclude`), in their order.
 */
add_filter('posts_pre_query', function ($result, $query) {
    global $posts, $wpdb;
    $v = $query->query_vars;
    $types = $v['post_type'] ?? 'post';
    $types = $types === 'any' || $types === '' ? null : (array) $types;
    $statuses = $v['post_status'] ?? '';
    $statuses = $statuses === '' || $statuses === 'any' ? null : (is_array($statuses) ? $statuses : explode(',', $statuses));
    $in = array_map('intval', (array) ($v['post__in'] ?? []));
    $out = array_map('intval', (array) ($v['post__not_in'] ?? []));
    $mime = $v['post_mime_type'] ?? '';
    $found = [];
    foreach ($posts as $p) {
        if ($types !== null && !in_array($p->post_type, $types, true)) continue;
        if ($statuses !== null && !in_array($p->post_status, $statuses, true)) continue;
        if ($in && !in_array($p->ID, $in, true)) continue;
        if ($out && in_array($p->ID, $out, true)) continue;
        if (($v['post_parent'] ?? '') !== '' && (int) $v['post_parent'] !== $p->post_parent) continue;
        if (!empty($v['post_parent__in']) && !in_array($p->post_parent, array_map('intval', $v['post_parent__in']), true)) continue;
        if (!empty($v['p']) && (int) $v['p'] !== $p->ID) continue;
        if (($v['name'] ?? '') !== '' && $v['name'] !== $p->post_name) continue;
        if ($mime !== '' && !oracle_mime_matches($mime, $p->post_mime_type)) continue;
        $found[] = $p;
    }
    $orderby = $v['orderby'] ?? 'date';
    $order = strtoupper($v['order'] ?? 'DESC') === 'ASC' ? 1 : -1;
    // A random order (`[gallery orderby="rand"]`) changes at each view:
    // the listed order stands for it.
    if (($orderby === 'post__in' || $orderby === 'rand' || $orderby === 'RAND') && $in) {
        $rank = array_flip($in);
        usort($found, fn($a, $b) => $rank[$a->ID] <=> $rank[$b->ID]);
    } elseif ($orderby !== 'none' && $orderby !== 'rand') {
        $keys = is_array($orderby) ? $orderby : preg_split('/[\s,]+/', trim((string) $orderby));
        usort($found, function ($a, $b) use ($keys, $order, $v) {
            foreach ($keys as $key => $dir) {
                if (!is_string($key)) {
                    $key = $dir;
                    $dir = $order;
                } else {
                    $dir = strtoupper($dir) === 'ASC' ? 1 : -1;
                }
                $field = match (strtolower(preg_replace('/^post_/', '', $key))) {
                    'menu_order' => 'menu_order',
                    'title' => 'post_title',
                    'id' => 'ID',
                    'name' => 'post_name',
                    'parent' => 'post_parent',
                    'modified' => 'post_modified',
                    default => 'post_date',
                };
                $c = $a->$field <=> $b->$field;
                if ($c !== 0) return $c * $dir;
            }
            return ($a->ID <=> $b->ID) * $order;
        });
    }
    // As WP_Query: `numberposts` only when `posts_per_page` is not given.
    $per_page = (int) ($v['posts_per_page'] ?? ($v['numberposts'] ?? -1));
    if ($per_page > 0 && !($v['nopaging'] ?? false)) {
        $found = array_slice($found, (int) ($v['offset'] ?? 0), $per_page);
    }
    $wpdb->found = count($found);
    if (($v['fields'] ?? '') === 'ids') {
        return array_map(fn($p) => $p->ID, $found);
    }
    return array_map(fn($p) => new WP_Post(clone $p), $found);
}, 10, 2);

function oracle_mime_matches($wanted, string $mime): bool
{
    foreach ((array) (is_string($wanted) ? explode(',', $wanted) : $wanted) as $w) {
        $w = trim($w);
        if ($w !== '' && ($mime === $w || str_starts_with($mime, rtrim($w, '/*') . '/'))) {
            return true;
        }
    }
    return false;
}

/** No network: every HTTP request fails, as offline WordPress's would. */
add_filter('pre_http_request', fn() => new WP_Error('http_request_failed', 'offline oracle'), 10, 0);

/** oEmbed without the network (see the file's comment). */
add_filter('pre_oembed_result', function ($result, $url, $args) {
    $width = (int) ($args['width'] ?? 0) ?: 500;
    $height = (int) ($args['height'] ?? 0) ?: min((int) ceil($width * 1.5), 1000);
    if (preg_match('#^https?://(?:www\.|m\.)?(?:youtube\.com/(?:watch\?(?:.*&)?v=|embed/|shorts/)|youtu\.be/)([\w-]{6,})#i', $url, $m)) {
        [$w, $h] = oracle_fit($width, $height, 16 / 9);
        return '<iframe title="YouTube video player" width="' . $w . '" height="' . $h . '" src="https://www.youtube.com/embed/' . $m[1] . '?feature=oembed" frameborder="0" allowfullscreen></iframe>';
    }
    if (preg_match('#^https?://(?:www\.)?vimeo\.com/(?:video/)?(\d+)#i', $url, $m)) {
        [$w, $h] = oracle_fit($width, $height, 16 / 9);
        return '<iframe src="https://player.vimeo.com/video/' . $m[1] . '?dnt=1&amp;app_id=122963" width="' . $w . '" height="' . $h . '" frameborder="0" allow="autoplay; fullscreen; picture-in-picture" allowfullscreen></iframe>';
    }
    return false;
}, 10, 3);

function oracle_fit(int $width, int $height, float $ratio): array
{
    $h = (int) round($width / $ratio);
    return $h <= $height ? [$width, $h] : [(int) round($height * $ratio), $height];
}

/** An attachment's URL is the export's: it is what the blog served. */
add_filter('wp_get_attachment_url', function ($url, $id) {
    global $posts;
    return isset($posts[$id]) && $posts[$id]->guid !== '' ? $posts[$id]->guid : $url;
}, 10, 2);

require ABSPATH . 'wp-settings.php';

/** The code plugins' shortcodes (see the file's comment). */
function oracle_code_shortcodes(): array
{
    $names = ['code', 'sourcecode'];
    foreach (['as3', 'actionscript3', 'bash', 'shell', 'coldfusion', 'cf', 'clojure', 'clj', 'cpp', 'c', 'c-sharp', 'csharp',
        'css', 'delphi', 'pas', 'pascal', 'diff', 'patch', 'erl', 'erlang', 'fsharp', 'go', 'golang', 'groovy', 'haskell', 'java', 'jfx',
        'javafx', 'js', 'jscript', 'javascript', 'latex', 'tex', 'matlab', 'matlabkey', 'objc', 'obj-c', 'perl', 'pl', 'php', 'plain',
        'text', 'powershell', 'ps', 'posh', 'py', 'python', 'r', 'splus', 'rails', 'rb', 'ror', 'ruby', 'scala', 'sql', 'swift',
        'vb', 'vbnet', 'xml', 'xhtml', 'xslt', 'html', 'yaml', 'yml'] as $lang) {
        $names[] = $lang;
    }
    $names[] = 'cc';
    $names[] = 'cce';
    return $names;
}

/**
 * Renders the code shortcodes alone, before wpautop, as the plugins do:
 * their content is code, shown as text in a `<pre>`, its entities decoded
 * once (the visual editor stored `<` as `&lt;`).
 */
add_filter('the_content', function ($content) {
    global $shortcode_tags;
    $saved = $shortcode_tags;
    $shortcode_tags = [];
    $render = function ($atts, $code, $tag) {
        if ($code === null || $code === '') {
            // `[php]` alone is not code: kept as written.
            return '[' . $tag . ']';
        }
        $code = preg_replace('#<br\s*/?>(\r?\n)?#i', "\n", (string) $code);
        $code = html_entity_decode($code, ENT_QUOTES | ENT_HTML5, 'UTF-8');
        $code = trim($code, "\r\n");
        return '<pre>' . htmlspecialchars($code, ENT_NOQUOTES, 'UTF-8') . '</pre>';
    };
    foreach (oracle_code_shortcodes() as $tag) {
        $shortcode_tags[$tag] = $render;
    }
    // CodeColorer's `[cc_LANG]`.
    if (preg_match_all('/\[(cc_[a-z0-9]+)[\s\]]/i', $content, $m)) {
        foreach ($m[1] as $tag) {
            $shortcode_tags[$tag] = $render;
        }
    }
    foreach (array_keys($saved) as $tag) {
        unset($shortcode_tags[$tag]);
    }
    if (preg_match('/\[(cc_[a-z0-9]+|' . implode('|', array_map('preg_quote', oracle_code_shortcodes())) . ')[\s\]=]/i', $content)) {
        $content = do_shortcode($content);
    }
    $shortcode_tags = $saved;
    return $content;
}, 7);

/**
 * WP-Syntax, before every other filter: a `<pre lang="…">` (or `<code
 * lang="…">`) holds raw code up to its closing tag, shown as text (decoded
 * once with `escaped="true"`).
 */
add_filter('the_content', function ($content) {
    return preg_replace_callback('#<(pre|code)(\s[^>]*?\blang\s*=\s*["\']?([A-Za-z0-9_+\#-]{1,32})["\']?[^>]*)>(.*?)</\1>#is', function ($m) {
        $code = stripos($m[2], 'escaped="true"') !== false ? html_entity_decode($m[4], ENT_QUOTES | ENT_HTML5, 'UTF-8') : $m[4];
        $code = htmlspecialchars(trim($code, "\r\n"), ENT_NOQUOTES, 'UTF-8');
        $code = str_replace(['[', ']'], ['&#91;', '&#93;'], $code);
        return strtolower($m[1]) === 'pre' ? '<pre>' . $code . '</pre>' : '<code>' . $code . '</code>';
    }, $content);
}, 0);

/** Page builders' layout shortcodes render their content. */
add_filter('pre_do_shortcode_tag', function ($return, $tag, $attr, $m) {
    if (preg_match('/^(et_pb_|vc_)/', $tag)) {
        return do_shortcode($m[5] ?? '');
    }
    return $return;
}, 10, 4);
add_filter('the_content', function ($content) {
    global $shortcode_tags;
    if (preg_match_all('/\[((?:et_pb_|vc_)[\w-]*)/', $content, $m)) {
        foreach (array_unique($m[1]) as $tag) {
            if (!isset($shortcode_tags[$tag])) {
                add_shortcode($tag, fn($a, $c) => do_shortcode((string) $c));
            }
        }
    }
    return $content;
}, 10.5);

$rendered = [];
foreach ($model['items'] as $item) {
    $id = isset($item['id']) && is_numeric($item['id']) ? (int) $item['id'] : null;
    if ($id === null || !isset($posts[$id])) {
        continue;
    }
    // A password-protected post shows WordPress's password form, and wxr
    // does not publish it.
    if (!in_array($item['type'] ?? '', ['post', 'page'], true) || ($item['status'] ?? '') !== 'publish' || trim((string) ($item['password'] ?? '')) !== '') {
        continue;
    }
    $post = get_post($id);
    $GLOBALS['post'] = $post;
    $wp_query = new WP_Query();
    $wp_query->is_single = $post->post_type === 'post';
    $wp_query->is_page = $post->post_type === 'page';
    $wp_query->is_singular = true;
    $wp_query->queried_object = $post;
    $wp_query->queried_object_id = $id;
    $wp_query->posts = [$post];
    $wp_query->post_count = 1;
    $wp_query->post = $post;
    $GLOBALS['wp_the_query'] = $wp_query;
    $GLOBALS['wp_query'] = $wp_query;
    setup_postdata($post);
    global $pages, $page, $more, $multipage;
    $more = 1;
    $html = '';
    $count = count($pages);
    for ($i = 1; $i <= $count; $i++) {
        $page = $i;
        ob_start();
        the_content();
        $html .= ob_get_clean();
    }
    $rendered[(string) $id] = $html;
}

file_put_contents($out_file, json_encode($rendered ?: new stdClass(), JSON_UNESCAPED_SLASHES | JSON_UNESCAPED_UNICODE | JSON_INVALID_UTF8_SUBSTITUTE));
