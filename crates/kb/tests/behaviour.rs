//! What a user of the search box notices: words being typed match, small typos are forgiven,
//! filters filter, deleted articles vanish, snippets highlight and are safe HTML, and the
//! offline index survives a restart.

use casewatch_kb::{ArticleKind, KbArticle, KbIndex, SearchQuery};

fn article(id: &str, locale: &str, kind: ArticleKind, title: &str, body: &str) -> KbArticle {
    KbArticle {
        id: id.into(),
        locale: locale.into(),
        title: title.into(),
        body: body.into(),
        kind,
        product: None,
        versions: Vec::new(),
        tags: Vec::new(),
        updated_at: None,
    }
}

fn sample() -> Vec<KbArticle> {
    let mut gateway = article(
        "en-gateway",
        "en",
        ArticleKind::Guide,
        "Configuring the CoAP gateway",
        "Enable the gateway in the **dashboard** and restart the listener.",
    );
    gateway.product = Some("edge".into());
    vec![
        article(
            "en-refused",
            "en",
            ArticleKind::KnownIssue,
            "Connection refused after upgrade",
            "After the upgrade, clients see *connection refused* until the certificate is renewed.",
        ),
        article(
            "en-retained",
            "en",
            ArticleKind::Faq,
            "Why are retained messages missing?",
            "Retained messages are not sent to shared subscriptions. Use a normal topic.",
        ),
        gateway,
        article(
            "zh-subscribe",
            "zh-CN",
            ArticleKind::Faq,
            "共享订阅为什么收不到保留消息？",
            "共享订阅不会收到保留消息。请检查 MQTT Broker 的订阅主题配置。",
        ),
        article(
            "zh-cert",
            "zh-CN",
            ArticleKind::Guide,
            "证书过期导致连接失败",
            "当证书过期时，客户端连接失败。请更新证书后重新连接。",
        ),
    ]
}

fn index() -> KbIndex {
    let index = KbIndex::in_memory().unwrap();
    index.upsert(&sample()).unwrap();
    index.commit().unwrap();
    index
}

fn ids(index: &KbIndex, q: &SearchQuery) -> Vec<String> {
    index.search(q).unwrap().into_iter().map(|h| h.id).collect()
}

fn find(index: &KbIndex, text: &str) -> Vec<String> {
    ids(index, &SearchQuery::new(text))
}

#[test]
fn the_word_being_typed_matches_as_a_prefix() {
    let index = index();
    assert_eq!(
        find(&index, "refu").first().map(String::as_str),
        Some("en-refused")
    );
    assert!(find(&index, "connection refu").contains(&"en-refused".to_string()));
    // Once a space is typed the word is complete: "refu" is not a word of any article.
    assert!(find(&index, "refu ").is_empty());
    // Only the last word is a prefix.
    assert!(find(&index, "refu gateway")
        .iter()
        .all(|id| id != "en-refused"));
}

#[test]
fn chinese_typed_character_by_character_matches() {
    let index = index();
    let q = SearchQuery::new("证").locale("zh-CN");
    assert!(ids(&index, &q).contains(&"zh-cert".to_string()));
    let q = SearchQuery::new("共享订").locale("zh-CN");
    assert_eq!(
        ids(&index, &q).first().map(String::as_str),
        Some("zh-subscribe")
    );
}

#[test]
fn english_words_match_their_inflections() {
    let index = index();
    assert!(find(&index, "upgrades ").contains(&"en-refused".to_string()));
    assert!(find(&index, "retain ").contains(&"en-retained".to_string()));
}

#[test]
fn small_typos_in_longer_words_are_forgiven() {
    let index = index();
    // One edit in a 9-letter word, one transposition in a 7-letter word.
    assert!(find(&index, "certifcate ").contains(&"en-refused".to_string()));
    assert!(find(&index, "gatewya ").contains(&"en-gateway".to_string()));
    // Two edits in a long word.
    assert!(find(&index, "subscriptoins ").contains(&"en-retained".to_string()));
    // Short words must be exact: "tpic" is not "topic".
    assert!(find(&index, "tpic ").is_empty());
    // Two edits in a short word are too many.
    assert!(find(&index, "gatwya ").is_empty());
}

#[test]
fn chinese_words_get_no_typo_tolerance() {
    let index = index();
    // 订阅 (subscribe) with its first character replaced by a homophone.
    let q = SearchQuery::new("定阅 ").locale("zh-CN");
    assert!(ids(&index, &q).is_empty());
    let q = SearchQuery::new("订阅 ").locale("zh-CN");
    assert!(ids(&index, &q).contains(&"zh-subscribe".to_string()));
}

#[test]
fn latin_words_inside_chinese_articles_are_searchable() {
    let index = index();
    let q = SearchQuery::new("broker").locale("zh-CN");
    assert_eq!(ids(&index, &q), vec!["zh-subscribe".to_string()]);
    // Stemmed like English: "brokers" finds "Broker".
    let q = SearchQuery::new("brokers ").locale("zh-CN");
    assert_eq!(ids(&index, &q), vec!["zh-subscribe".to_string()]);
}

#[test]
fn filters_restrict_results() {
    let index = index();
    let all = find(&index, "retained 保留消息");
    assert!(all.contains(&"en-retained".to_string()) && all.contains(&"zh-subscribe".to_string()));

    let en = ids(&index, &SearchQuery::new("retained 保留消息").locale("en"));
    assert_eq!(en, vec!["en-retained".to_string()]);
    let zh = ids(
        &index,
        &SearchQuery::new("retained 保留消息").locale("zh-CN"),
    );
    assert_eq!(zh, vec!["zh-subscribe".to_string()]);
    assert!(ids(&index, &SearchQuery::new("retained").locale("fr")).is_empty());

    let known = SearchQuery::new("connection").kinds([ArticleKind::KnownIssue]);
    assert_eq!(ids(&index, &known), vec!["en-refused".to_string()]);
    let faq_or_guide = SearchQuery::new("connection").kinds([ArticleKind::Faq, ArticleKind::Guide]);
    assert!(!ids(&index, &faq_or_guide).contains(&"en-refused".to_string()));

    let edge = SearchQuery::new("the").product("edge");
    assert_eq!(ids(&index, &edge), vec!["en-gateway".to_string()]);
    assert!(ids(&index, &SearchQuery::new("gateway").product("cloud")).is_empty());
}

#[test]
fn the_title_weighs_more_than_the_body() {
    let index = KbIndex::in_memory().unwrap();
    index
        .upsert(&[
            article(
                "body",
                "en",
                ArticleKind::Guide,
                "Logging",
                "Tune the listener backlog.",
            ),
            article(
                "title",
                "en",
                ArticleKind::Guide,
                "Listener",
                "Tune the backlog.",
            ),
        ])
        .unwrap();
    index.commit().unwrap();
    assert_eq!(
        find(&index, "listener"),
        vec!["title".to_string(), "body".to_string()]
    );
}

#[test]
fn tombstones_remove_articles() {
    let index = index();
    let before = index.len();
    assert!(find(&index, "gateway").contains(&"en-gateway".to_string()));
    index.delete(&["en-gateway", "no-such-id"]).unwrap();
    // Not yet committed: still visible.
    assert!(find(&index, "gateway").contains(&"en-gateway".to_string()));
    index.commit().unwrap();
    assert!(find(&index, "gateway").is_empty());
    assert_eq!(index.len(), before - 1);
}

#[test]
fn upsert_replaces_an_article_with_the_same_id() {
    let index = index();
    let before = index.len();
    let mut changed = sample()[1].clone();
    changed.title = "Retained messages and wildcard topics".into();
    index.upsert(&[changed]).unwrap();
    index.commit().unwrap();
    assert_eq!(index.len(), before);
    let hits = index.search(&SearchQuery::new("wildcard ")).unwrap();
    assert_eq!(hits.len(), 1);
    assert_eq!(hits[0].title, "Retained messages and wildcard topics");
}

#[test]
fn snippets_highlight_matches_and_escape_html() {
    let index = KbIndex::in_memory().unwrap();
    let long_tail = "Unrelated filler text. ".repeat(40);
    let body = format!(
        "# Heading\n\n{long_tail}\n\nCompare with `a < b && c > \"d\"` then **restart** the \
         [listener](http://example.com/docs).\n\n{long_tail}"
    );
    index
        .upsert(&[article(
            "x",
            "en",
            ArticleKind::Faq,
            "Restarting <script>alert(1)</script> listeners",
            &body,
        )])
        .unwrap();
    index.commit().unwrap();
    let hit = &index.search(&SearchQuery::new("restart listener")).unwrap()[0];
    // Stemmed matches are marked in their original form.
    assert!(
        hit.snippet.contains("<mark>restart</mark>"),
        "{}",
        hit.snippet
    );
    assert!(
        hit.snippet.contains("<mark>listener</mark>"),
        "{}",
        hit.snippet
    );
    // The passage around the matches was chosen, not the beginning.
    assert!(hit.snippet.starts_with('…') && hit.snippet.ends_with('…'));
    // Text is escaped; Markdown syntax and link targets are gone.
    assert!(
        hit.snippet
            .contains("a &lt; b &amp;&amp; c &gt; &quot;d&quot;"),
        "{}",
        hit.snippet
    );
    assert!(!hit.snippet.contains("**") && !hit.snippet.contains("http"));
    assert!(!hit.snippet.contains("<script>"));
    assert_eq!(
        hit.title_highlighted,
        "<mark>Restarting</mark> &lt;script&gt;alert(1)&lt;/script&gt; <mark>listeners</mark>"
    );
    assert_eq!(hit.title, "Restarting <script>alert(1)</script> listeners");

    // Prefix and CJK highlights.
    let hit = &index.search(&SearchQuery::new("restart lis")).unwrap()[0];
    assert!(hit.title_highlighted.contains("<mark>listeners</mark>"));
    let zh = self::index();
    let hit = &zh
        .search(&SearchQuery::new("证书").locale("zh-CN"))
        .unwrap()[0];
    assert_eq!(hit.id, "zh-cert");
    assert!(hit.snippet.contains("<mark>证书</mark>"), "{}", hit.snippet);
}

#[test]
fn any_input_is_safe() {
    let index = index();
    let huge = "connection ".repeat(100_000);
    let inputs = [
        "",
        " ",
        "\"",
        "\"unbalanced",
        "(((",
        "a AND OR NOT -b +c",
        "title:foo",
        "*",
        "?",
        "~2",
        "\u{0}\u{1}\u{7f}\t\n\r",
        "!@#$%^&*()_+-=[]{}|;':,./<>?",
        "😀🚀",
        "\u{202e}rtl\u{200b}zero-width",
        "ＭＱＴＴ全角",
        "a",
        "证",
        huge.as_str(),
    ];
    for input in inputs {
        for locale in [None, Some("en"), Some("zh-CN"), Some("xx")] {
            let mut q = SearchQuery::new(input);
            q.locale = locale.map(String::from);
            let hits = index.search(&q).unwrap();
            assert!(hits.len() <= q.limit);
        }
    }
    assert!(!find(&index, &huge).is_empty());
    assert!(index
        .search(&SearchQuery::new("connection").limit(0))
        .unwrap()
        .is_empty());
}

#[test]
fn invalid_articles_are_rejected() {
    let index = KbIndex::in_memory().unwrap();
    let bad = article("x", "fr", ArticleKind::Guide, "t", "b");
    assert_eq!(
        index.upsert(&[bad]).unwrap_err().code(),
        "unsupported_locale"
    );
    let empty = article("", "en", ArticleKind::Guide, "t", "b");
    assert_eq!(
        index.upsert(&[empty]).unwrap_err().code(),
        "invalid_article"
    );
    index.commit().unwrap();
    assert!(index.is_empty());
}

#[test]
fn the_index_persists_on_disk() {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join("kb");
    let queries = [
        SearchQuery::new("connection refu"),
        SearchQuery::new("证书").locale("zh-CN"),
        SearchQuery::new("gateway").kinds([ArticleKind::Guide]),
    ];
    let before: Vec<Vec<String>> = {
        let index = KbIndex::open(&path).unwrap();
        index.upsert(&sample()).unwrap();
        index.commit().unwrap();
        index.delete(&["en-retained"]).unwrap();
        index.commit().unwrap();
        queries.iter().map(|q| ids(&index, q)).collect()
    };
    let index = KbIndex::open(&path).unwrap();
    assert_eq!(index.len(), sample().len() - 1);
    let after: Vec<Vec<String>> = queries.iter().map(|q| ids(&index, q)).collect();
    assert_eq!(before, after);
    assert!(after.iter().all(|ids| !ids.is_empty()));
    assert!(find(&index, "retained ").is_empty());
}

#[test]
fn one_writer_at_a_time_and_readers_meanwhile() {
    let dir = tempfile::tempdir().unwrap();
    let first = KbIndex::open(dir.path()).unwrap();
    first.upsert(&sample()).unwrap();
    first.commit().unwrap();
    // Another process (the CLI while the app syncs) can open and search, but not write.
    let second = KbIndex::open(dir.path()).unwrap();
    assert_eq!(second.len(), sample().len());
    assert!(!find(&second, "retained").is_empty());
    let refused = second.delete(&["en-retained"]);
    assert_eq!(refused.err().map(|e| e.code()), Some("kb_locked"));
    // Once the first lets its writer go, the second may write; the first sees it on reload.
    first.release_writer();
    second.delete(&["en-retained"]).unwrap();
    second.commit().unwrap();
    second.release_writer();
    first.commit().unwrap();
    assert_eq!(first.len(), sample().len() - 1);
}

#[test]
fn the_index_can_be_shared_between_threads() {
    fn assert_send_sync<T: Send + Sync>() {}
    assert_send_sync::<KbIndex>();
    let index = std::sync::Arc::new(index());
    let handles: Vec<_> = (0..4)
        .map(|_| {
            let index = std::sync::Arc::clone(&index);
            std::thread::spawn(move || index.search(&SearchQuery::new("gateway")).unwrap().len())
        })
        .collect();
    for h in handles {
        assert_eq!(h.join().unwrap(), 1);
    }
}

#[test]
fn the_stored_copy_of_an_article_reads_without_markdown() {
    let index = index();
    let copy = index.stored("en-gateway").unwrap().expect("indexed");
    assert_eq!(copy.title, "Configuring the CoAP gateway");
    assert_eq!(
        copy.text,
        "Enable the gateway in the dashboard and restart the listener."
    );
    assert_eq!(copy.product.as_deref(), Some("edge"));
    assert_eq!(copy.kind, ArticleKind::Guide);
    assert_eq!(index.stored("zh-cert").unwrap().unwrap().locale, "zh-CN");
    assert!(index.stored("no-such-article").unwrap().is_none());
    index.delete(&["en-gateway"]).unwrap();
    index.commit().unwrap();
    assert!(index.stored("en-gateway").unwrap().is_none());
}
