<?php
/**
 * Fill a WordPress site through WordPress's own API, then print what it made (JSON on stdout).
 *
 *   JCRAWL_WP_SITE=classic php load.php install SETTINGS.json CORPUS.json   # a new site with the corpus
 *   JCRAWL_WP_SITE=classic php load.php apply CHANGES.json                  # later edits (an update test)
 *   JCRAWL_WP_SITE=classic php load.php truth                                # what readers see, per post
 *
 * Runs with the fixture's bootstrap (cli.php) prepended: it defines ABSPATH and the site.
 * CHANGES.json: {"new_posts": [corpus posts], "edit": [{"serial", "title"?, "append"?}],
 *                "comments": [{"serial", "comments": [corpus comments]}]}
 */

if ($argc < 2) {
    fwrite(STDERR, "usage: load.php install SETTINGS CORPUS | apply CHANGES | truth\n");
    exit(2);
}
$command = $argv[1];
if ($command === 'install') {
    define('WP_INSTALLING', true);
}
require_once ABSPATH . 'wp-load.php';
require_once ABSPATH . 'wp-admin/includes/upgrade.php';
require_once ABSPATH . 'wp-admin/includes/image.php';
require_once ABSPATH . 'wp-admin/includes/taxonomy.php';

function read_json($path) {
    return json_decode(file_get_contents($path), true, 512, JSON_THROW_ON_ERROR);
}

function install_site($settings) {
    wp_install($settings['name'], 'editor', 'editor@example.org', true, '', 'not-a-secret-password');
    $home = $settings['home'];
    update_option('siteurl', $home);
    update_option('home', $home);
    update_option('blogdescription', $settings['tagline']);
    update_option('timezone_string', $settings['timezone']);
    update_option('date_format', $settings['date_format']);
    update_option('time_format', $settings['time_format']);
    update_option('thread_comments', 1);
    update_option('thread_comments_depth', 5);
    update_option('page_comments', 1);
    update_option('comments_per_page', $settings['comments_per_page']);
    update_option('blog_public', 1);
    update_option('posts_per_page', 10);
    update_option('require_name_email', 1);
    global $wp_rewrite;
    $wp_rewrite->set_permalink_structure($settings['permalinks']);
    $wp_rewrite->flush_rules(false);
    switch_theme($settings['theme']);
    // The install's sample content is not part of the journal.
    wp_delete_post(1, true);
    wp_delete_post(2, true);
    wp_delete_post(3, true);
    $admin = get_user_by('login', 'editor');
    wp_update_user(['ID' => $admin->ID, 'display_name' => 'Newsroom', 'nickname' => 'Newsroom']);
}

function user_ids($authors) {
    $ids = [];
    foreach ($authors as $author) {
        $user = get_user_by('login', $author['login']);
        if (!$user) {
            [$first, $last] = array_pad(explode(' ', $author['name'], 2), 2, '');
            $id = wp_insert_user([
                'user_login' => $author['login'],
                'user_pass' => 'not-a-secret-password',
                'user_email' => $author['login'] . '@example.org',
                'display_name' => $author['name'],
                'nickname' => $author['name'],
                'first_name' => $first,
                'last_name' => $last,
                'role' => 'author',
            ]);
            $user = get_user_by('id', $id);
        }
        $ids[$author['login']] = $user->ID;
    }
    return $ids;
}

function category_id($name) {
    $term = get_term_by('name', $name, 'category');
    if ($term) {
        return (int) $term->term_id;
    }
    return (int) wp_create_category($name);
}

/** A PNG made with GD, uploaded and attached to the post, as the media library does. */
function attach_image($post_id, $serial, $gmt) {
    $dir = wp_upload_dir(gmdate('Y/m', strtotime($gmt . ' UTC')));
    wp_mkdir_p($dir['path']);
    $file = $dir['path'] . "/photo-$serial.png";
    $image = imagecreatetruecolor(1200, 800);
    imagefilledrectangle($image, 0, 0, 1199, 799, imagecolorallocate($image, 40 + $serial % 200, 90, 140));
    imagestring($image, 5, 40, 40, "Photo $serial", imagecolorallocate($image, 255, 255, 255));
    imagepng($image, $file);
    $id = wp_insert_attachment([
        'post_mime_type' => 'image/png',
        'post_title' => "Photo $serial",
        'post_content' => '',
        'post_status' => 'inherit',
        'post_date_gmt' => $gmt,
        'post_date' => get_date_from_gmt($gmt),
    ], $file, $post_id);
    wp_update_attachment_metadata($id, wp_generate_attachment_metadata($id, $file));
    set_post_thumbnail($post_id, $id);
    return $id;
}

function block_markup($block) {
    $text = esc_html($block['text'] ?? '');
    switch ($block['type']) {
        case 'h2':
            return "<!-- wp:heading -->\n<h2>$text</h2>\n<!-- /wp:heading -->";
        case 'ul':
            $items = '';
            foreach ($block['items'] as $item) {
                $items .= "<!-- wp:list-item -->\n<li>" . esc_html($item) . "</li>\n<!-- /wp:list-item -->\n";
            }
            return "<!-- wp:list -->\n<ul>$items</ul>\n<!-- /wp:list -->";
        case 'quote':
            $cite = esc_html($block['cite']);
            return "<!-- wp:quote -->\n<blockquote class=\"wp-block-quote\"><!-- wp:paragraph -->\n<p>$text</p>\n"
                . "<!-- /wp:paragraph --><cite>$cite</cite></blockquote>\n<!-- /wp:quote -->";
        case 'link':
            return "<!-- wp:paragraph -->\n<p>" . esc_html($block['before']) . ' <a href="'
                . esc_url($block['href']) . '">' . esc_html($block['anchor']) . "</a>.</p>\n<!-- /wp:paragraph -->";
        case 'image':
            $id = (int) $block['id'];
            $src = esc_url(wp_get_attachment_image_url($id, 'large'));
            $href = esc_url(get_attachment_link($id));
            return "<!-- wp:image {\"id\":$id,\"sizeSlug\":\"large\",\"linkDestination\":\"attachment\"} -->\n"
                . "<figure class=\"wp-block-image size-large\"><a href=\"$href\"><img src=\"$src\" alt=\"\" "
                . "class=\"wp-image-$id\"/></a></figure>\n<!-- /wp:image -->";
        default:
            return "<!-- wp:paragraph -->\n<p>$text</p>\n<!-- /wp:paragraph -->";
    }
}

function content_of($blocks) {
    return implode("\n\n", array_map('block_markup', $blocks));
}

/** Insert one corpus post (published `seconds_ago` before `now`), its image and its comments. */
function insert_post($post, $users, $now, &$by_serial) {
    $gmt = gmdate('Y-m-d H:i:s', $now - $post['seconds_ago']);
    $blocks = $post['blocks'];
    if ($post['link_to'] !== null && isset($by_serial[$post['link_to']])) {
        $target = $by_serial[$post['link_to']];
        array_splice($blocks, 1, 0, [[
            'type' => 'link',
            'before' => 'Read also',
            'href' => get_permalink($target),
            'anchor' => html_entity_decode(get_the_title($target)),
        ]]);
    }
    $id = wp_insert_post([
        'post_type' => 'post',
        'post_status' => 'publish',
        'post_title' => $post['title'],
        'post_excerpt' => $post['excerpt'],
        'post_content' => '',
        'post_author' => $users[$post['author']],
        'post_date_gmt' => $gmt,
        'post_date' => get_date_from_gmt($gmt),
        'post_category' => array_map('category_id', $post['sections']),
        'tags_input' => $post['tags'],
        'comment_status' => 'open',
    ], true);
    if (is_wp_error($id)) {
        fwrite(STDERR, $id->get_error_message() . "\n");
        exit(1);
    }
    if ($post['image']) {
        $image = attach_image($id, $post['serial'], $gmt);
        array_splice($blocks, 1, 0, [['type' => 'image', 'id' => $image]]);
    }
    global $wpdb;
    $wpdb->update($wpdb->posts, ['post_content' => content_of($blocks)], ['ID' => $id]);
    if ($post['modified_after_hours'] !== null) {
        $modified = gmdate('Y-m-d H:i:s', $now - $post['seconds_ago'] + (int) ($post['modified_after_hours'] * 3600));
        $wpdb->update(
            $wpdb->posts,
            ['post_modified_gmt' => $modified, 'post_modified' => get_date_from_gmt($modified)],
            ['ID' => $id]
        );
    } else {
        $wpdb->update(
            $wpdb->posts, ['post_modified_gmt' => $gmt, 'post_modified' => get_date_from_gmt($gmt)], ['ID' => $id]
        );
    }
    add_post_meta($id, '_jcrawl_serial', $post['serial']);
    add_post_meta($id, '_jcrawl_lang', $post['lang']);
    add_post_meta($id, '_jcrawl_body', wp_slash(json_encode($blocks, JSON_UNESCAPED_UNICODE)));
    clean_post_cache($id);
    if (!empty($post['sticky'])) {
        stick_post($id);
    }
    $by_serial[$post['serial']] = $id;
    add_comments($id, $post['comments'], $now - $post['seconds_ago']);
    return $id;
}

function add_comments($post_id, $comments, $start) {
    $ids = [];
    foreach ($comments as $i => $comment) {
        $gmt = gmdate('Y-m-d H:i:s', min(time() - 60, $start + (int) ($comment['after_hours'] * 3600)));
        $ids[$i] = wp_insert_comment([
            'comment_post_ID' => $post_id,
            'comment_author' => $comment['author'],
            'comment_author_email' => strtolower(preg_replace('/\W+/', '', $comment['author'])) . '@example.org',
            'comment_content' => $comment['text'],
            'comment_parent' => $comment['parent'] === null ? 0 : $ids[$comment['parent']],
            'comment_date_gmt' => $gmt,
            'comment_date' => get_date_from_gmt($gmt),
            'comment_approved' => 1,
        ]);
    }
}

function post_by_serial($serial) {
    $ids = get_posts([
        'post_type' => 'post', 'meta_key' => '_jcrawl_serial', 'meta_value' => $serial,
        'fields' => 'ids', 'post_status' => 'any', 'numberposts' => 1,
    ]);
    return $ids ? $ids[0] : 0;
}

function install_corpus($corpus, $now) {
    $users = user_ids($corpus['authors']);
    foreach ($corpus['sections'] as $section) {
        category_id($section);
    }
    $by_serial = [];
    foreach ($corpus['posts'] as $post) {
        insert_post($post, $users, $now, $by_serial);
    }
    foreach ($corpus['pages'] as $page) {
        $paragraphs = array_map(fn ($t) => ['type' => 'p', 'text' => $t], explode("\n\n", $page['text']));
        wp_insert_post([
            'post_type' => 'page', 'post_status' => 'publish', 'post_title' => $page['title'],
            'post_content' => content_of($paragraphs), 'post_author' => $users['amina'],
            'comment_status' => 'closed',
        ]);
    }
    foreach ($corpus['drafts'] as $draft) {
        wp_insert_post([
            'post_type' => 'post', 'post_status' => 'draft', 'post_title' => $draft['title'],
            'post_content' => content_of([['type' => 'p', 'text' => $draft['text']]]),
            'post_author' => $users['karim'],
        ]);
    }
}

function apply_changes($changes, $now) {
    wp_set_current_user(get_user_by('login', 'editor')->ID);  // an editor may post any HTML
    $users = [];
    foreach (get_users(['fields' => ['ID', 'user_login']]) as $user) {
        $users[$user->user_login] = $user->ID;
    }
    $by_serial = [];
    foreach ($changes['new_posts'] ?? [] as $post) {
        insert_post($post, $users, $now, $by_serial);
    }
    foreach ($changes['edit'] ?? [] as $edit) {
        $id = post_by_serial($edit['serial']);
        $fields = ['ID' => $id];
        if (isset($edit['title'])) {
            $fields['post_title'] = $edit['title'];
        }
        if (isset($edit['append'])) {
            $blocks = json_decode(get_post_meta($id, '_jcrawl_body', true), true);
            $blocks[] = ['type' => 'p', 'text' => $edit['append']];
            update_post_meta($id, '_jcrawl_body', wp_slash(json_encode($blocks, JSON_UNESCAPED_UNICODE)));
            $fields['post_content'] = get_post_field('post_content', $id) . "\n\n"
                . block_markup(['type' => 'p', 'text' => $edit['append']]);
        }
        wp_update_post(wp_slash($fields));
    }
    foreach ($changes['comments'] ?? [] as $more) {
        $id = post_by_serial($more['serial']);
        add_comments($id, $more['comments'], $now - 3600);
    }
}

/** Per post, what a reader sees: the truth the crawl's records are checked against. */
function truth() {
    $out = ['posts' => [], 'pages' => [], 'attachments' => []];
    $posts = get_posts(['post_type' => 'post', 'post_status' => 'publish', 'numberposts' => -1, 'orderby' => 'ID', 'order' => 'ASC']);
    foreach ($posts as $post) {
        $categories = get_the_category($post->ID);
        $tags = get_the_tags($post->ID) ?: [];
        $top_level = get_comments(['post_id' => $post->ID, 'parent' => 0, 'count' => true, 'status' => 'approve']);
        $out['posts'][] = [
            'id' => $post->ID,
            'serial' => (int) get_post_meta($post->ID, '_jcrawl_serial', true),
            'permalink' => get_permalink($post),
            'shortlink' => wp_get_shortlink($post->ID),
            'title' => html_entity_decode(get_the_title($post), ENT_QUOTES | ENT_HTML5, 'UTF-8'),
            'authors' => [get_the_author_meta('display_name', $post->post_author)],
            'published' => get_post_time('c', false, $post),
            'modified' => get_post_modified_time('c', false, $post),
            'section' => $categories ? html_entity_decode($categories[0]->name) : null,
            'categories' => array_map(fn ($c) => html_entity_decode($c->name), $categories),
            'tags' => array_map(fn ($t) => html_entity_decode($t->name), $tags),
            'language' => get_post_meta($post->ID, '_jcrawl_lang', true),
            'blocks' => json_decode(get_post_meta($post->ID, '_jcrawl_body', true), true),
            'excerpt' => $post->post_excerpt,
            'comments' => (int) $post->comment_count,
            'comment_pages' => max(1, (int) ceil($top_level / max(1, (int) get_option('comments_per_page')))),
        ];
    }
    foreach (get_posts(['post_type' => 'page', 'post_status' => 'publish', 'numberposts' => -1]) as $page) {
        $out['pages'][] = ['id' => $page->ID, 'permalink' => get_permalink($page), 'title' => $page->post_title];
    }
    foreach (get_posts(['post_type' => 'attachment', 'post_status' => 'inherit', 'numberposts' => -1]) as $att) {
        $out['attachments'][] = ['id' => $att->ID, 'permalink' => get_attachment_link($att->ID), 'parent' => $att->post_parent];
    }
    $out['home'] = home_url('/');
    $out['timezone'] = wp_timezone_string();
    $out['comments_per_page'] = (int) get_option('comments_per_page');
    return $out;
}

$now = (int) (getenv('JCRAWL_NOW') ?: time());
if ($command === 'install') {
    install_site(read_json($argv[2]));
    install_corpus(read_json($argv[3]), $now);
} elseif ($command === 'apply') {
    apply_changes(read_json($argv[2]), $now);
} elseif ($command !== 'truth') {
    fwrite(STDERR, "unknown command $command\n");
    exit(2);
}
echo json_encode(truth(), JSON_UNESCAPED_UNICODE | JSON_UNESCAPED_SLASHES | JSON_PRETTY_PRINT);
