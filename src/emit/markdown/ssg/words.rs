//! The words of wxr's themes, in the languages they are written in
//! (English, and French for a blog whose export says `fr`): one table, from
//! which each generator's translation files are made.

use crate::emit::markdown::front_matter::{Fields, Value};

/// The words a theme shows.
#[derive(Debug)]
pub struct Words {
    /// The language's primary subtag.
    pub key: &'static str,
    /// Heading of the comment thread.
    pub comments: &'static str,
    /// Heading of the pingbacks and trackbacks.
    pub pings: &'static str,
    /// Link from a summary to its post.
    pub read_more: &'static str,
    /// Link to the newer posts of a paginated list.
    pub newer: &'static str,
    /// Link to the older posts.
    pub older: &'static str,
    /// Heading of the 404 page.
    pub not_found: &'static str,
    /// Link back to the home page.
    pub home: &'static str,
    /// Label of a post's categories.
    pub categories: &'static str,
    /// Label of a post's tags.
    pub tags: &'static str,
    /// Month names, January first, as a date shows them.
    pub months: [&'static str; 12],
}

/// Every language the themes have.
pub static LANGUAGES: &[Words] = &[
    Words {
        key: "en",
        comments: "Comments",
        pings: "Pingbacks and trackbacks",
        read_more: "Read more",
        newer: "← Newer",
        older: "Older →",
        not_found: "Page not found",
        home: "Back to the home page",
        categories: "Categories",
        tags: "Tags",
        months: [
            "January",
            "February",
            "March",
            "April",
            "May",
            "June",
            "July",
            "August",
            "September",
            "October",
            "November",
            "December",
        ],
    },
    Words {
        key: "fr",
        comments: "Commentaires",
        pings: "Rétroliens",
        read_more: "Lire la suite",
        newer: "← Plus récents",
        older: "Plus anciens →",
        not_found: "Page introuvable",
        home: "Retour à l’accueil",
        categories: "Catégories",
        tags: "Étiquettes",
        months: [
            "janvier",
            "février",
            "mars",
            "avril",
            "mai",
            "juin",
            "juillet",
            "août",
            "septembre",
            "octobre",
            "novembre",
            "décembre",
        ],
    },
];

/// The primary subtag of a language as WordPress writes it (`fr-FR` →
/// `fr`), lower case; `en` when there is none.
pub fn language_key(language: &str) -> String {
    let key: String = language
        .split(['-', '_'])
        .next()
        .unwrap_or("")
        .chars()
        .filter(char::is_ascii_alphabetic)
        .collect::<String>()
        .to_ascii_lowercase();
    if key.is_empty() { "en".to_string() } else { key }
}

impl Words {
    /// The words of the language `key` (`fr`), English for any other.
    pub fn of(key: &str) -> &'static Words {
        LANGUAGES.iter().find(|w| w.key == key).unwrap_or(&LANGUAGES[0])
    }

    /// The words as fields of a data file, under the names the themes use.
    pub fn text_fields(&self) -> Fields {
        let mut f = Fields::default();
        for (k, v) in self.pairs() {
            f.put(k, Value::Str(v.to_string()));
        }
        f
    }

    /// [`Words::text_fields`] and the month names, `months`.
    pub fn fields(&self) -> Fields {
        let mut f = self.text_fields();
        f.put(
            "months",
            Value::List(self.months.iter().map(|m| Value::Str(m.to_string())).collect()),
        );
        f
    }

    /// The words as key/value pairs, under the names the themes use.
    fn pairs(&self) -> [(&'static str, &'static str); 9] {
        [
            ("comments", self.comments),
            ("pings", self.pings),
            ("readMore", self.read_more),
            ("newer", self.newer),
            ("older", self.older),
            ("notFound", self.not_found),
            ("home", self.home),
            ("categories", self.categories),
            ("tags", self.tags),
        ]
    }
}
