//! What an English word means, as far as reading a prompt needs: a static word-embedding table
//! (one vector per word or two-word phrase, distilled from a sentence encoder by
//! `scripts/distill-words`), a table of colour names with their sRGB (`scripts/distill-colours`)
//! and a lexicon of what each word is a kind of, from WordNet (`scripts/distill-lexicon`). All
//! three are compiled in, so the desktop and the browser read a prompt the same way without
//! fetching anything.
//!
//! The table is for comparing meanings: [`Meaning::similarity`] is a cosine, near 1 for
//! synonyms ("car", "automobile"), around 0.5–0.7 for kinds of a thing ("sedan", "car") and low
//! for unrelated words ("car", "chair"). Where the prompt reader draws its lines is
//! [`crate::reading`]'s business.

use std::collections::HashMap;
use std::sync::OnceLock;

use crate::vocab::{Category, Colour, Material};

/// The shipped word table (`models/words.bin`, see `models/README.md`).
static WORDS_BIN: &[u8] = include_bytes!("../../../models/words.bin");
/// The shipped lexicon (`models/lexicon.tsv`).
static LEXICON_TSV: &str = include_str!("../../../models/lexicon.tsv");
/// The shipped colour names (`models/colour-names.tsv`).
static COLOUR_NAMES_TSV: &str = include_str!("../../../models/colour-names.tsv");

const MAGIC: &[u8; 8] = b"KILNWRD1";

/// A word table file that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WordTableError {
    #[error(
        "not a Kiln word table (it does not start with KILNWRD1); rebuild it with scripts/distill-words"
    )]
    NotAWordTable,
    #[error("the word table is cut short: {0}; rebuild it with scripts/distill-words")]
    Truncated(&'static str),
    #[error("the word table's text is not UTF-8; rebuild it with scripts/distill-words")]
    NotUtf8,
    #[error(
        "the word table names {names} entries but holds {rows} rows; rebuild it with scripts/distill-words"
    )]
    CountMismatch { names: usize, rows: usize },
}

/// Word and phrase vectors: int8 rows, compared by cosine (the int8 scale cancels).
pub struct WordTable {
    dims: usize,
    /// The int8 rows, as stored (each byte a two's-complement i8).
    rows: &'static [u8],
    index: HashMap<&'static str, u32>,
}

/// The meaning of a word or phrase: a unit vector.
#[derive(Debug, Clone, PartialEq)]
pub struct Meaning(Vec<f32>);

impl Meaning {
    /// Cosine similarity, in [-1, 1].
    pub fn similarity(&self, other: &Meaning) -> f32 {
        self.0.iter().zip(&other.0).map(|(a, b)| a * b).sum()
    }

    fn normalised(mut vector: Vec<f32>) -> Option<Meaning> {
        let norm = vector.iter().map(|x| x * x).sum::<f32>().sqrt();
        if norm.is_nan() || norm <= 1e-6 {
            return None;
        }
        vector.iter_mut().for_each(|x| *x /= norm);
        Some(Meaning(vector))
    }
}

impl WordTable {
    /// Reads a table in the `KILNWRD1` format (`models/README.md`).
    pub fn parse(bytes: &'static [u8]) -> Result<WordTable, WordTableError> {
        let rest = bytes
            .strip_prefix(MAGIC)
            .ok_or(WordTableError::NotAWordTable)?;
        let read_u32 = |at: usize, what: &'static str| -> Result<usize, WordTableError> {
            let field = rest
                .get(at..at + 4)
                .ok_or(WordTableError::Truncated(what))?;
            Ok(u32::from_le_bytes(field.try_into().expect("four bytes")) as usize)
        };
        let count = read_u32(0, "the header")?;
        let dims = read_u32(4, "the header")?;
        let text_len = read_u32(8, "the header")?;
        let text = rest
            .get(12..12 + text_len)
            .ok_or(WordTableError::Truncated("the entry names"))?;
        let text = std::str::from_utf8(text).map_err(|_| WordTableError::NotUtf8)?;
        let rows_bytes = &rest[12 + text_len..];
        let row_count = rows_bytes.len().checked_div(dims).unwrap_or(0);
        let names: Vec<&'static str> = text.split('\n').collect();
        if names.len() != count || row_count < count || dims == 0 {
            return Err(WordTableError::CountMismatch {
                names: names.len(),
                rows: row_count,
            });
        }
        let rows = &rows_bytes[..count * dims];
        let index = names
            .into_iter()
            .enumerate()
            .map(|(row, name)| (name, row as u32))
            .collect();
        Ok(WordTable { dims, rows, index })
    }

    /// The table compiled into Kiln, read once.
    pub fn shipped() -> &'static WordTable {
        static TABLE: OnceLock<WordTable> = OnceLock::new();
        TABLE.get_or_init(|| {
            WordTable::parse(WORDS_BIN).expect("models/words.bin is checked by kiln-gen's tests")
        })
    }

    /// Number of words and phrases.
    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// Whether the table has `entry` as it is (a lower-case word or two-word phrase).
    pub fn contains(&self, entry: &str) -> bool {
        self.index.contains_key(entry)
    }

    /// The entry the table holds for `word`: the word itself, else its singular ("benches" →
    /// "bench", "berries" → "berry", "legs" → "leg").
    pub fn entry_for<'a>(&self, word: &'a str) -> Option<std::borrow::Cow<'a, str>> {
        if self.contains(word) {
            return Some(word.into());
        }
        singulars(word)
            .into_iter()
            .find(|singular| self.contains(singular))
            .map(Into::into)
    }

    /// The meaning of a word or phrase: its own row where the table has one, else the mean of
    /// its words' rows (Model2Vec-style pooling); `None` when the table knows none of its words.
    pub fn meaning(&self, text: &str) -> Option<Meaning> {
        if let Some(entry) = self.entry_for(text) {
            return Some(self.row(&entry));
        }
        let mut sum = vec![0.0f32; self.dims];
        let mut known = 0;
        for word in text.split_whitespace() {
            if let Some(entry) = self.entry_for(word) {
                for (total, x) in sum.iter_mut().zip(self.row(&entry).0) {
                    *total += x;
                }
                known += 1;
            }
        }
        if known == 0 {
            return None;
        }
        Meaning::normalised(sum)
    }

    fn row(&self, entry: &str) -> Meaning {
        let row = self.index[entry] as usize;
        let values = self.rows[row * self.dims..(row + 1) * self.dims]
            .iter()
            .map(|&x| f32::from(x as i8))
            .collect();
        // A row of zeros is impossible (rows are normalised before quantisation); a zero
        // vector would compare as unrelated to everything, which is the honest answer.
        Meaning::normalised(values).unwrap_or_else(|| Meaning(vec![0.0; self.dims]))
    }
}

/// The singular forms an English plural may have, most likely first.
pub(crate) fn singulars(word: &str) -> Vec<String> {
    let mut forms = Vec::new();
    if word.len() < 4 {
        return forms;
    }
    if let Some(stem) = word.strip_suffix("ies") {
        forms.push(format!("{stem}y"));
    }
    if let Some(stem) = word.strip_suffix("ves") {
        forms.push(format!("{stem}f"));
        forms.push(format!("{stem}fe"));
    }
    if let Some(stem) = word.strip_suffix("es") {
        forms.push(stem.to_string());
    }
    if let Some(stem) = word.strip_suffix('s')
        && !stem.ends_with('s')
    {
        forms.push(stem.to_string());
    }
    forms
}

/// What WordNet (3.1, distilled by `scripts/distill-lexicon`) says of a word: the Kiln object
/// and the material it is a kind of ("sedan": a car; "maple": a tree, and wood), or that it is
/// not a noun ("nice"), so that it never names an object.
pub struct Lexicon {
    objects: HashMap<&'static str, (Category, u8)>,
    materials: HashMap<&'static str, (Material, u8)>,
    not_nouns: std::collections::HashSet<&'static str>,
    /// The digest of the vocabulary the lexicon was made for.
    vocabulary: &'static str,
}

impl Lexicon {
    /// The lexicon compiled into Kiln, read once.
    pub fn shipped() -> &'static Lexicon {
        static LEXICON: OnceLock<Lexicon> = OnceLock::new();
        LEXICON.get_or_init(|| Lexicon::parse(LEXICON_TSV))
    }

    /// Reads the `models/lexicon.tsv` format; kinds naming no Kiln concept are skipped (a test
    /// checks that the shipped file was made for this vocabulary).
    pub fn parse(text: &'static str) -> Lexicon {
        let mut lexicon = Lexicon {
            objects: HashMap::new(),
            materials: HashMap::new(),
            not_nouns: Default::default(),
            vocabulary: "",
        };
        for line in text.lines() {
            if let Some(digest) = line.strip_prefix("# vocabulary ") {
                lexicon.vocabulary = digest.trim();
                continue;
            }
            if line.starts_with('#') {
                continue;
            }
            let mut fields = line.split('\t');
            let Some(word) = fields.next() else {
                continue;
            };
            for field in fields {
                if field == "-" {
                    lexicon.not_nouns.insert(word);
                    continue;
                }
                let mut parts = field.split(' ');
                let (Some(kind), Some(name), Some(Ok(depth))) = (
                    parts.next(),
                    parts.next(),
                    parts.next().map(str::parse::<u8>),
                ) else {
                    continue;
                };
                match kind {
                    "category" => {
                        if let Some(category) = Category::ALL
                            .iter()
                            .find(|category| category.name() == name)
                        {
                            lexicon.objects.insert(word, (*category, depth));
                        }
                    }
                    "material" => {
                        if let Some(material) = Material::ALL
                            .iter()
                            .find(|material| material.name() == name)
                        {
                            lexicon.materials.insert(word, (*material, depth));
                        }
                    }
                    _ => {}
                }
            }
        }
        lexicon
    }

    /// The Kiln object `word` is a kind of, and how many steps up WordNet's hypernyms.
    pub fn object(&self, word: &str) -> Option<(Category, u8)> {
        self.objects.get(word).copied()
    }

    /// The material `word` is a kind of, and how many steps up.
    pub fn material(&self, word: &str) -> Option<(Material, u8)> {
        self.materials.get(word).copied()
    }

    /// Whether WordNet knows `word` mostly as an adjective, verb or adverb.
    pub fn is_not_noun(&self, word: &str) -> bool {
        self.not_nouns.contains(word)
    }

    /// The digest of the vocabulary the lexicon was made for.
    pub fn vocabulary_digest(&self) -> &str {
        self.vocabulary
    }
}

/// sha256 of the objects' and materials' words, as `scripts/distill_lexicon.py` computes it.
pub fn vocabulary_digest() -> String {
    use sha2::Digest;
    let mut text = String::new();
    for category in Category::ALL {
        text.push_str(&format!(
            "category:{}:{}\n",
            category.name(),
            category.words().join(",")
        ));
    }
    for material in Material::ALL {
        text.push_str(&format!(
            "material:{}:{}\n",
            material.name(),
            material.words().join(",")
        ));
    }
    sha2::Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// Colour names people use ("crimson", "sky blue", "burgundy"), each with the Kiln colour
/// nearest to its sRGB ([`nearest_colour`]).
pub struct ColourNames {
    names: HashMap<&'static str, Colour>,
    longest: usize,
}

impl ColourNames {
    /// The names compiled into Kiln, read once.
    pub fn shipped() -> &'static ColourNames {
        static NAMES: OnceLock<ColourNames> = OnceLock::new();
        NAMES.get_or_init(|| ColourNames::parse(COLOUR_NAMES_TSV))
    }

    /// Reads `name\t#rrggbb` lines; `#` starts a comment; malformed lines are skipped (the
    /// shipped file has none, which a test checks).
    pub fn parse(text: &'static str) -> ColourNames {
        let mut names = HashMap::new();
        let mut longest = 0;
        for line in text.lines().filter(|line| !line.starts_with('#')) {
            let Some((name, hex)) = line.split_once('\t') else {
                continue;
            };
            let Some(srgb) = parse_hex(hex) else {
                continue;
            };
            longest = longest.max(name.split(' ').count());
            names.insert(name, nearest_colour(srgb));
        }
        ColourNames { names, longest }
    }

    /// The Kiln colour a colour name of one or more words means.
    pub fn colour(&self, name: &str) -> Option<Colour> {
        self.names.get(name).copied()
    }

    /// [`Self::colour`], or for a long word one letter off a one-word name, the colour of that
    /// name ("vermilion", which the survey spells "vermillion").
    pub fn colour_or_near(&self, word: &str) -> Option<Colour> {
        if let Some(colour) = self.colour(word) {
            return Some(colour);
        }
        if word.len() < 7 || word.contains(' ') {
            return None;
        }
        self.names
            .iter()
            .filter(|(name, _)| !name.contains(' ') && name.len().abs_diff(word.len()) <= 1)
            .filter(|(name, _)| strsim::damerau_levenshtein(name, word) == 1)
            .min_by_key(|(name, _)| **name)
            .map(|(_, colour)| *colour)
    }

    pub fn len(&self) -> usize {
        self.names.len()
    }

    pub fn is_empty(&self) -> bool {
        self.names.is_empty()
    }

    /// The most words a name has.
    pub fn longest_name(&self) -> usize {
        self.longest
    }
}

fn parse_hex(hex: &str) -> Option<[u8; 3]> {
    let hex = hex.trim().strip_prefix('#')?;
    if hex.len() != 6 || !hex.is_ascii() {
        return None;
    }
    let channel = |at: usize| u8::from_str_radix(&hex[at..at + 2], 16).ok();
    Some([channel(0)?, channel(2)?, channel(4)?])
}

/// The CIEDE2000 colour difference (Sharma, Wu and Dalal, 2005).
pub fn ciede2000(lab1: [f64; 3], lab2: [f64; 3]) -> f64 {
    use std::f64::consts::PI;
    let [l1, a1, b1] = lab1;
    let [l2, a2, b2] = lab2;
    let c_mean = ((a1.hypot(b1)) + (a2.hypot(b2))) / 2.0;
    let g = 0.5 * (1.0 - (c_mean.powi(7) / (c_mean.powi(7) + 25f64.powi(7))).sqrt());
    let (a1p, a2p) = ((1.0 + g) * a1, (1.0 + g) * a2);
    let (c1p, c2p) = (a1p.hypot(b1), a2p.hypot(b2));
    let hue = |b: f64, a: f64| {
        if a == 0.0 && b == 0.0 {
            0.0
        } else {
            let h = b.atan2(a).to_degrees();
            if h < 0.0 { h + 360.0 } else { h }
        }
    };
    let (h1p, h2p) = (hue(b1, a1p), hue(b2, a2p));
    let dl = l2 - l1;
    let dc = c2p - c1p;
    let dh = if c1p * c2p == 0.0 {
        0.0
    } else if (h2p - h1p).abs() <= 180.0 {
        h2p - h1p
    } else if h2p - h1p > 180.0 {
        h2p - h1p - 360.0
    } else {
        h2p - h1p + 360.0
    };
    let dh_big = 2.0 * (c1p * c2p).sqrt() * (dh.to_radians() / 2.0).sin();
    let l_mean = (l1 + l2) / 2.0;
    let c_mean_p = (c1p + c2p) / 2.0;
    let h_mean = if c1p * c2p == 0.0 {
        h1p + h2p
    } else if (h1p - h2p).abs() <= 180.0 {
        (h1p + h2p) / 2.0
    } else if h1p + h2p < 360.0 {
        (h1p + h2p + 360.0) / 2.0
    } else {
        (h1p + h2p - 360.0) / 2.0
    };
    let t = 1.0 - 0.17 * (h_mean - 30.0).to_radians().cos()
        + 0.24 * (2.0 * h_mean).to_radians().cos()
        + 0.32 * (3.0 * h_mean + 6.0).to_radians().cos()
        - 0.20 * (4.0 * h_mean - 63.0).to_radians().cos();
    let d_theta = 30.0 * (-((h_mean - 275.0) / 25.0).powi(2)).exp();
    let r_c = 2.0 * (c_mean_p.powi(7) / (c_mean_p.powi(7) + 25f64.powi(7))).sqrt();
    let s_l = 1.0 + 0.015 * (l_mean - 50.0).powi(2) / (20.0 + (l_mean - 50.0).powi(2)).sqrt();
    let s_c = 1.0 + 0.045 * c_mean_p;
    let s_h = 1.0 + 0.015 * c_mean_p * t;
    let r_t = -(2.0 * d_theta * PI / 180.0).sin() * r_c;
    ((dl / s_l).powi(2)
        + (dc / s_c).powi(2)
        + (dh_big / s_h).powi(2)
        + r_t * (dc / s_c) * (dh_big / s_h))
        .sqrt()
}

/// The Kiln colour nearest to `srgb`, by CIEDE2000 (which weighs hue as people do, where plain
/// CIELAB distance makes lavender pink).
pub fn nearest_colour(srgb: [u8; 3]) -> Colour {
    // Kiln's palette has few light or dark tints, so lightness counts 0.4: lavender is a light
    // purple, not a pink.
    let lab = |srgb: [u8; 3]| {
        let [l, a, b] = lab(srgb.map(|c| f32::from(c) / 255.0));
        [50.0 + (l - 50.0) * 0.4, a, b]
    };
    let wanted = lab(srgb);
    let distance = |colour: &Colour| ciede2000(wanted, lab(colour.srgb()));
    *Colour::ALL
        .iter()
        .min_by(|a, b| distance(a).total_cmp(&distance(b)))
        .expect("Colour::ALL is not empty")
}

/// CIE L*a*b* (D65) of an sRGB colour in 0..=1.
pub fn lab(srgb: [f32; 3]) -> [f64; 3] {
    let linear = srgb.map(|c| {
        let c = f64::from(c.clamp(0.0, 1.0));
        if c <= 0.04045 {
            c / 12.92
        } else {
            ((c + 0.055) / 1.055).powf(2.4)
        }
    });
    let [r, g, b] = linear;
    let x = (0.4124564 * r + 0.3575761 * g + 0.1804375 * b) / 0.95047;
    let y = 0.2126729 * r + 0.7151522 * g + 0.0721750 * b;
    let z = (0.0193339 * r + 0.1191920 * g + 0.9503041 * b) / 1.08883;
    let f = |t: f64| {
        if t > 216.0 / 24389.0 {
            t.cbrt()
        } else {
            (24389.0 / 27.0 * t + 16.0) / 116.0
        }
    };
    [
        116.0 * f(y) - 16.0,
        500.0 * (f(x) - f(y)),
        200.0 * (f(y) - f(z)),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_table_reads_and_covers_everyday_english() {
        let table = WordTable::shipped();
        assert!(table.len() >= 50_000, "{} entries", table.len());
        for entry in ["car", "teapot", "crimson", "sports car", "log pile"] {
            assert!(table.contains(entry), "{entry}");
        }
        assert_eq!(table.entry_for("xqzvv"), None);
        for (plural, singular) in [
            ("benches", "bench"),
            ("berries", "berry"),
            ("knives", "knife"),
        ] {
            assert!(
                singulars(plural).contains(&singular.to_string()),
                "{plural}"
            );
        }
        assert!(singulars("glass").iter().all(|form| form != "glas"));
    }

    #[test]
    fn meanings_rank_synonyms_above_unrelated_words() {
        let table = WordTable::shipped();
        let similarity = |a: &str, b: &str| {
            table
                .meaning(a)
                .unwrap()
                .similarity(&table.meaning(b).unwrap())
        };
        assert!(similarity("car", "car") > 0.999);
        assert!(similarity("car", "automobile") > similarity("car", "chair") + 0.3);
        assert!(similarity("sofa", "couch") > similarity("sofa", "bridge"));
        assert!(similarity("sports car", "car") > similarity("sports car", "chair"));
        // A phrase the table lacks is the mean of its words.
        assert!(table.meaning("zzzq car").is_some());
        assert_eq!(table.meaning("zzzq qqzz"), None);
    }

    #[test]
    fn a_damaged_table_is_an_error() {
        assert_eq!(
            WordTable::parse(b"NOTWORDS").err(),
            Some(WordTableError::NotAWordTable)
        );
        assert!(matches!(
            WordTable::parse(&WORDS_BIN[..20]),
            Err(WordTableError::Truncated(_))
        ));
        assert!(matches!(
            WordTable::parse(&WORDS_BIN[..WORDS_BIN.len() - 1]),
            Err(WordTableError::CountMismatch { .. })
        ));
    }

    #[test]
    fn the_lexicon_was_made_for_this_vocabulary() {
        let lexicon = Lexicon::shipped();
        assert_eq!(
            lexicon.vocabulary_digest(),
            vocabulary_digest(),
            "the objects or materials changed since models/lexicon.tsv was made: run scripts/distill-lexicon"
        );
        assert_eq!(lexicon.object("sedan"), Some((Category::Car, 1)));
        assert_eq!(
            lexicon.material("mahogany").map(|(material, _)| material),
            Some(Material::Wood)
        );
        // A word may be a kind of an object and of a material: maple the tree and the wood.
        assert_eq!(
            lexicon.object("maple").map(|(category, _)| category),
            Some(Category::Tree)
        );
        assert_eq!(
            lexicon.material("maple").map(|(material, _)| material),
            Some(Material::Wood)
        );
        assert!(lexicon.is_not_noun("nice"));
        assert!(!lexicon.is_not_noun("sedan"));
    }

    #[test]
    fn colour_names_map_to_the_nearest_kiln_colour() {
        let names = ColourNames::shipped();
        assert!(names.len() > 900, "{}", names.len());
        let expected = [
            ("crimson", Colour::Red),
            ("scarlet", Colour::Red),
            ("emerald", Colour::Green),
            ("burgundy", Colour::Maroon),
            ("navy blue", Colour::Navy),
            ("charcoal", Colour::Black),
            ("ivory", Colour::Beige),
        ];
        for (name, colour) in expected {
            assert_eq!(names.colour(name), Some(colour), "{name}");
        }
        // Every Kiln colour is its own nearest.
        for colour in Colour::ALL {
            assert_eq!(nearest_colour(colour.srgb()), *colour);
        }
        assert_eq!(names.colour("chair"), None);
        assert_eq!(names.colour_or_near("vermilion"), Some(Colour::Red));
        assert_eq!(names.colour_or_near("armchair"), None);
    }
}
