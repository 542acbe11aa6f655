//! Reading the words of a prompt: each word (or phrase) mapped to the nearest thing Kiln knows,
//! with how it got there and how sure it is. A person does not know Kiln's word list and should
//! not need to: "crimson" is red, "blade" a sword, "sedan" a car, "3" a count, "without" a
//! negation. [`crate::prompt`] turns the words read here into a [`crate::Description`].
//!
//! A word is read, in order, as: a filler, count, negation or relation word; an exact word of the
//! vocabulary; a colour name ("burgundy", by its sRGB); a misspelt vocabulary word not in the
//! dictionary; or, by meaning ([`crate::meaning`]), the nearest concept whose similarity passes
//! that kind's threshold. Below every threshold a word is *not understood*, and the nearest
//! concepts above [`SUGGESTION_FLOOR`] are offered instead: never one far from the word.

use std::sync::OnceLock;

use serde::Serialize;

use crate::meaning::{ColourNames, Lexicon, Meaning, WordTable};
use crate::vocab::{
    COUNT_WORDS, Category, Colour, FILLER_WORDS, Material, PartSlot, Proportion, SizeWord, Style,
};

/// How similar a word must be to an object word to be read as that object ("sedan" → car).
pub const CATEGORY_THRESHOLD: f32 = 0.50;
/// To a material ("bronze" → metal).
pub const MATERIAL_THRESHOLD: f32 = 0.55;
/// To a colour word, for colour words the colour-name table lacks.
pub const COLOUR_THRESHOLD: f32 = 0.60;
/// To a size, proportion or style word ("massive" → huge).
pub const MODIFIER_THRESHOLD: f32 = 0.55;
/// To a part of the object ("tabletop" → top).
pub const PART_THRESHOLD: f32 = 0.55;
/// Nothing less similar than this is ever suggested: "chair" is not offered for "car".
pub const SUGGESTION_FLOOR: f32 = 0.45;
/// A prompt that names no object Kiln makes ("a dragon") is made as the nearest object when the
/// nearest is at least this similar, and says so.
pub const STAND_IN_FLOOR: f32 = 0.38;

/// Nouns too general to name an object or a part: "a nice thing" is not a car, however near
/// "thing" comes to "car" in meaning.
pub const GENERAL_WORDS: &[&str] = &[
    "thing",
    "things",
    "something",
    "anything",
    "everything",
    "object",
    "objects",
    "item",
    "items",
    "stuff",
    "kind",
    "sort",
    "type",
    "piece",
    "one",
    "ones",
];

/// A word that WordNet puts this many steps or fewer below a Kiln object or material is read
/// as that ("sedan" is one step below car); further up, the kinds are too broad to say.
pub const MAX_KIND_DEPTH: u8 = 3;

/// Something Kiln's vocabulary can say.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Concept {
    Category(Category),
    Colour(Colour),
    Material(Material),
    Size(SizeWord),
    Proportion(Proportion),
    Style(Style),
    Part(PartSlot),
}

impl Concept {
    /// The kind, in the words a reading report uses.
    pub fn kind(self) -> WordKind {
        match self {
            Concept::Category(_) => WordKind::Object,
            Concept::Colour(_) => WordKind::Colour,
            Concept::Material(_) => WordKind::Material,
            Concept::Size(_) => WordKind::Size,
            Concept::Proportion(_) => WordKind::Proportion,
            Concept::Style(_) => WordKind::Style,
            Concept::Part(_) => WordKind::Part,
        }
    }

    /// The vocabulary word for it; a part is named as `category` calls it.
    pub fn word(self, category: Option<Category>) -> &'static str {
        match self {
            Concept::Category(category) => category.name(),
            Concept::Colour(colour) => colour.name(),
            Concept::Material(material) => material.name(),
            Concept::Size(size) => size.name(),
            Concept::Proportion(proportion) => proportion.name(),
            Concept::Style(style) => style.name(),
            Concept::Part(slot) => category
                .and_then(|category| category.part_word(slot))
                .unwrap_or("part"),
        }
    }

    fn threshold(self) -> f32 {
        match self {
            Concept::Category(_) => CATEGORY_THRESHOLD,
            Concept::Colour(_) => COLOUR_THRESHOLD,
            Concept::Material(_) => MATERIAL_THRESHOLD,
            Concept::Size(_) | Concept::Proportion(_) | Concept::Style(_) => MODIFIER_THRESHOLD,
            Concept::Part(_) => PART_THRESHOLD,
        }
    }
}

/// What kind of word a word was read as.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum WordKind {
    Object,
    Colour,
    Material,
    Size,
    Proportion,
    Style,
    Part,
    Count,
    Negation,
    Relation,
    /// "a", "the", "made of": words that carry nothing for the generator.
    Filler,
    NotUnderstood,
}

/// How a word came to be read as a concept.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum ReadBy {
    /// A word of the vocabulary.
    Exact,
    /// A colour name, by the colour it names ("burgundy" → maroon).
    ColourName,
    /// A misspelling of a vocabulary word ("chiar" → chair).
    Spelling,
    /// A kind of it, by WordNet's hypernyms ("limousine" is a kind of car, "walnut" of wood).
    KindOf,
    /// The nearest concept in meaning ("sedan" → car).
    Meaning,
    /// No object in the prompt is one Kiln makes; this word's nearest object is made instead.
    StandIn,
}

/// Where one object stands against another ("a cup on a table").
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Relation {
    On,
    Under,
    NextTo,
    Behind,
    InFrontOf,
    In,
}

/// How a prompt was read: what the creator sees before Generate, what `kiln-cli generate
/// --json` reports and what an item's metadata records.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Reading {
    /// "read as: red sword (crimson → red, blade → sword)".
    pub read_as: String,
    /// Every word of the prompt, in order, with what it was read as.
    pub words: Vec<WordReading>,
    /// What the prompt says that the object does not show, in plain words ("not red: …").
    pub notes: Vec<String>,
}

/// One word or phrase of a prompt and what it was read as.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct WordReading {
    /// As typed, lower case; a phrase read as one ("sports car", "next to") is one entry.
    pub word: String,
    pub kind: WordKind,
    /// The vocabulary word it was read as ("red", "sword", "legs", "3"); none for fillers and
    /// words not understood.
    pub read_as: Option<String>,
    pub by: Option<ReadBy>,
    /// Cosine similarity in meaning to what it was read as; 1 for exact words.
    pub similarity: f32,
    /// A colour the word names as well, where it names a material ("mahogany": wood, and
    /// maroon; "ruby": stone, and red). It colours the object where the prompt names no colour.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub also: Option<String>,
    /// For a word not understood: the nearest concepts, each at least [`SUGGESTION_FLOOR`]
    /// similar, closest first.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub suggestions: Vec<String>,
    #[serde(skip)]
    pub(crate) concept: Option<Concept>,
    #[serde(skip)]
    pub(crate) also_colour: Option<Colour>,
    #[serde(skip)]
    pub(crate) count: Option<u32>,
    #[serde(skip)]
    pub(crate) relation: Option<Relation>,
}

impl WordReading {
    fn new(word: &str, kind: WordKind) -> Self {
        WordReading {
            word: word.to_string(),
            kind,
            read_as: None,
            by: None,
            similarity: 1.0,
            suggestions: Vec::new(),
            also: None,
            also_colour: None,
            concept: None,
            count: None,
            relation: None,
        }
    }

    pub(crate) fn concept(
        word: &str,
        concept: Concept,
        by: ReadBy,
        similarity: f32,
        category: Option<Category>,
    ) -> Self {
        WordReading {
            read_as: Some(concept.word(category).to_string()),
            by: Some(by),
            similarity,
            concept: Some(concept),
            ..WordReading::new(word, concept.kind())
        }
    }

    /// The concept it was read as, if any.
    pub fn as_concept(&self) -> Option<Concept> {
        self.concept
    }

    /// Whether it was read as something other than itself ("crimson" → red), which the reading
    /// line shows.
    /// The colour it names besides its material, if any.
    pub fn also_colour(&self) -> Option<Colour> {
        self.also_colour
    }

    pub fn is_mapped(&self) -> bool {
        self.concept.is_some() && self.read_as.as_deref() != Some(self.word.as_str())
    }
}

/// Words after which a word names what something is made of.
pub(crate) const MATERIAL_MARKERS: &[&str] = &["of", "from"];

/// Words that turn the next concept round.
pub const NEGATION_WORDS: &[&str] = &["not", "no", "without", "non", "never", "nor"];

/// Relation phrases, longest first.
const RELATIONS: &[(&[&str], Relation)] = &[
    (&["on", "top", "of"], Relation::On),
    (&["in", "front", "of"], Relation::InFrontOf),
    (&["next", "to"], Relation::NextTo),
    (&["close", "to"], Relation::NextTo),
    (&["on", "top"], Relation::On),
    (&["on"], Relation::On),
    (&["upon"], Relation::On),
    (&["atop"], Relation::On),
    (&["above"], Relation::On),
    (&["over"], Relation::On),
    (&["under"], Relation::Under),
    (&["underneath"], Relation::Under),
    (&["below"], Relation::Under),
    (&["beneath"], Relation::Under),
    (&["beside"], Relation::NextTo),
    (&["around"], Relation::NextTo),
    (&["against"], Relation::NextTo),
    (&["alongside"], Relation::NextTo),
    (&["opposite"], Relation::NextTo),
    (&["onto"], Relation::On),
    (&["besides"], Relation::NextTo),
    (&["near"], Relation::NextTo),
    (&["by"], Relation::NextTo),
    (&["behind"], Relation::Behind),
    (&["inside"], Relation::In),
    (&["in"], Relation::In),
];

/// Number words beyond [`COUNT_WORDS`].
const MORE_COUNT_WORDS: &[(&str, u32)] = &[
    ("seven", 7),
    ("eight", 8),
    ("nine", 9),
    ("ten", 10),
    ("eleven", 11),
    ("twelve", 12),
    ("dozen", 12),
    ("pair", 2),
    ("couple", 2),
    ("twin", 2),
    ("single", 1),
    ("lone", 1),
];

/// The count a word says: digits or a number word.
pub fn count_word(word: &str) -> Option<u32> {
    if !word.is_empty() && word.len() <= 6 && word.chars().all(|c| c.is_ascii_digit()) {
        return word.parse().ok();
    }
    COUNT_WORDS
        .iter()
        .map(|&(name, n)| (name, u32::from(n)))
        .chain(MORE_COUNT_WORDS.iter().copied())
        .find(|(name, _)| *name == word)
        .map(|(_, n)| n)
}

/// Each concept's anchor meanings: the meanings of its vocabulary words.
struct Anchors {
    general: Vec<(Concept, Meaning)>,
    /// Part words, per category.
    parts: Vec<(Category, Concept, Meaning)>,
}

fn anchors() -> &'static Anchors {
    static ANCHORS: OnceLock<Anchors> = OnceLock::new();
    ANCHORS.get_or_init(|| {
        let table = WordTable::shipped();
        let mut general = Vec::new();
        let mut add = |concept: Concept, words: &[&str]| {
            for word in words {
                // "icecream" and "lowpoly" are Kiln's own joined words; read their parts.
                let text = match *word {
                    "icecream" => "ice cream",
                    "lowpoly" => "low poly",
                    "haybale" => "hay bale",
                    other => other,
                };
                if let Some(meaning) = table.meaning(text) {
                    general.push((concept, meaning));
                }
            }
        };
        for &category in Category::ALL {
            add(Concept::Category(category), category.words());
        }
        for &colour in Colour::ALL {
            add(Concept::Colour(colour), colour.words());
        }
        for &material in Material::ALL {
            add(Concept::Material(material), material.words());
        }
        for &size in SizeWord::ALL {
            add(Concept::Size(size), size.words());
        }
        for &proportion in Proportion::ALL {
            add(Concept::Proportion(proportion), proportion.words());
        }
        for &style in Style::ALL {
            add(Concept::Style(style), style.words());
        }
        let mut parts = Vec::new();
        for &category in Category::ALL {
            for part in category.parts() {
                for word in part.words {
                    if let Some(meaning) = table.meaning(word) {
                        parts.push((category, Concept::Part(part.slot), meaning));
                    }
                }
            }
        }
        Anchors { general, parts }
    })
}

/// The concepts nearest to `meaning`, each once with its best similarity, closest first.
/// Parts are those of `category`.
fn nearest(meaning: &Meaning, category: Option<Category>) -> Vec<(Concept, f32)> {
    let anchors = anchors();
    let part_anchors = anchors
        .parts
        .iter()
        .filter(|(owner, _, _)| Some(*owner) == category)
        .map(|(_, concept, meaning)| (*concept, meaning));
    let mut best: Vec<(Concept, f32)> = Vec::new();
    for (concept, anchor) in anchors
        .general
        .iter()
        .map(|(concept, meaning)| (*concept, meaning))
        .chain(part_anchors)
    {
        let similarity = meaning.similarity(anchor);
        match best.iter_mut().find(|(known, _)| *known == concept) {
            Some((_, known)) => *known = known.max(similarity),
            None => best.push((concept, similarity)),
        }
    }
    best.sort_by(|a, b| b.1.total_cmp(&a.1));
    best
}

/// A word is a vocabulary word of some kind (not a part: parts depend on the object).
fn exact_concept(word: &str) -> Option<Concept> {
    Category::from_word(word)
        .map(Concept::Category)
        .or_else(|| Colour::from_word(word).map(Concept::Colour))
        .or_else(|| Material::from_word(word).map(Concept::Material))
        .or_else(|| SizeWord::from_word(word).map(Concept::Size))
        .or_else(|| Proportion::from_word(word).map(Concept::Proportion))
        .or_else(|| Style::from_word(word).map(Concept::Style))
}

/// Reads one clause's words (lower case, compounds joined), knowing the object where it is
/// known. `object_elsewhere`: whether another word of the prompt names an object, so that a
/// colour name that is also a thing ("rose", "cherry") is read as the colour.
pub(crate) fn read_clause(
    words: &[String],
    category: Option<Category>,
    object_elsewhere: bool,
) -> Vec<WordReading> {
    let table = WordTable::shipped();
    let colour_names = ColourNames::shipped();
    let mut read = Vec::new();
    let mut i = 0;
    let is_content = |word: &str| {
        !FILLER_WORDS.contains(&word)
            && !NEGATION_WORDS.contains(&word)
            && count_word(word).is_none()
            && !RELATIONS.iter().any(|(phrase, _)| phrase == &[word])
    };
    while i < words.len() {
        let rest = &words[i..];
        // Relation phrases ("next to", "on top of").
        if let Some((phrase, relation)) = RELATIONS.iter().find(|(phrase, _)| {
            rest.len() >= phrase.len() && phrase.iter().zip(rest).all(|(a, b)| a == b)
        }) {
            let mut reading = WordReading::new(&phrase.join(" "), WordKind::Relation);
            reading.read_as = Some(phrase.join(" "));
            reading.by = Some(ReadBy::Exact);
            reading.relation = Some(*relation);
            read.push(reading);
            i += phrase.len();
            continue;
        }
        let word = rest[0].as_str();
        // Colour names of several words ("sky blue", "navy blue"), longest first, where no
        // word is a size, style or material word in its own right ("soft purple" is soft and
        // purple).
        if let Some((length, colour)) = (2..=colour_names.longest_name().min(rest.len()))
            .rev()
            .filter(|&length| {
                rest[..length]
                    .iter()
                    .all(|word| matches!(exact_concept(word), None | Some(Concept::Colour(_))))
            })
            .find_map(|length| {
                colour_names
                    .colour(&rest[..length].join(" "))
                    .map(|colour| (length, colour))
            })
        {
            read.push(WordReading::concept(
                &rest[..length].join(" "),
                Concept::Colour(colour),
                ReadBy::ColourName,
                1.0,
                category,
            ));
            i += length;
            continue;
        }
        // Two words the table knows as one thing ("sports car", "coffee table", "log pile",
        // "table lamp"), where neither is a colour, material, size, style or part word ("red
        // car" stays two). A phrase ending in an object word needs less to be read as that
        // object ("picnic table").
        if let Some(next) = rest.get(1)
            && is_phrase_word(word, category)
            && is_phrase_word(next, category)
        {
            let phrase = format!("{word} {next}");
            let head = Category::from_word(next);
            if table.contains(&phrase)
                && let Some(meaning) = table.meaning(&phrase)
                && let Some(&(concept @ Concept::Category(named), similarity)) =
                    nearest(&meaning, category).first()
                && (similarity >= CATEGORY_THRESHOLD
                    || (head == Some(named) && similarity >= SUGGESTION_FLOOR))
            {
                read.push(WordReading::concept(
                    &phrase,
                    concept,
                    ReadBy::Meaning,
                    similarity,
                    category,
                ));
                i += 2;
                continue;
            }
        }
        let followed_by_content = rest[1..].iter().any(|next| is_content(next));
        // "made of cotton", "legs of gold": a material, not a thing.
        let after_of = i > 0 && MATERIAL_MARKERS.contains(&words[i - 1].as_str());
        read.push(read_word(
            word,
            category,
            object_elsewhere || followed_by_content || after_of,
        ));
        i += 1;
    }
    read
}

/// Whether `word` may be part of a two-word object name: a content word that is not a colour,
/// material, size, proportion, style or part word.
fn is_phrase_word(word: &str, category: Option<Category>) -> bool {
    !FILLER_WORDS.contains(&word)
        && !NEGATION_WORDS.contains(&word)
        && count_word(word).is_none()
        && !RELATIONS.iter().any(|(phrase, _)| phrase == &[word])
        && !matches!(exact_concept(word), Some(concept) if !matches!(concept, Concept::Category(_)))
        && category.and_then(|c| part_for_word(c, word)).is_none()
}

/// Reads one word. `colour_name_allowed`: whether a colour name that is also a thing is read as
/// the colour.
fn read_word(word: &str, category: Option<Category>, colour_name_allowed: bool) -> WordReading {
    if let Some(n) = count_word(word) {
        let mut reading = WordReading::new(word, WordKind::Count);
        reading.read_as = Some(n.to_string());
        reading.by = Some(ReadBy::Exact);
        reading.count = Some(n);
        return reading;
    }
    if NEGATION_WORDS.contains(&word) {
        let mut reading = WordReading::new(word, WordKind::Negation);
        reading.read_as = Some("not".to_string());
        reading.by = Some(ReadBy::Exact);
        return reading;
    }
    if FILLER_WORDS.contains(&word) {
        return WordReading::new(word, WordKind::Filler);
    }
    // A part of the object by name; then a colour, material, size or style word ("a crown of
    // stone", though a crown has stones); then a part in the other number ("a cactus with a
    // pink flower": its flowers, not a second object); then an object word.
    if let Some(slot) = category.and_then(|category| category.part_for_word(word)) {
        return WordReading::concept(word, Concept::Part(slot), ReadBy::Exact, 1.0, category);
    }
    let exact = exact_concept(word);
    if let Some(concept) = exact.filter(|concept| !matches!(concept, Concept::Category(_))) {
        return WordReading::concept(word, concept, ReadBy::Exact, 1.0, category);
    }
    if let Some(slot) = category.and_then(|category| part_for_word(category, word)) {
        return WordReading::concept(word, Concept::Part(slot), ReadBy::Exact, 1.0, category);
    }
    if let Some(concept) = exact {
        return WordReading::concept(word, concept, ReadBy::Exact, 1.0, category);
    }
    // An object word in the plural ("logs", "chairs"), which the word table may lack.
    if let Some(named) = crate::meaning::singulars(word)
        .iter()
        .find_map(|singular| Category::from_word(singular))
    {
        return WordReading::concept(word, Concept::Category(named), ReadBy::Exact, 1.0, category);
    }
    let table = WordTable::shipped();
    let lexicon = Lexicon::shipped();
    let meaning = table.meaning(word);
    let entry = table.entry_for(word);
    let lexicon_word = entry.as_deref().unwrap_or(word);
    // Too general ("thing") or not a noun ("nice"): never an object or a part.
    let general = GENERAL_WORDS.contains(&word) || lexicon.is_not_noun(lexicon_word);
    let nearest: Vec<(Concept, f32)> = meaning
        .as_ref()
        .map(|meaning| nearest(meaning, category))
        .unwrap_or_default()
        .into_iter()
        .filter(|(concept, _)| {
            !(general && matches!(concept, Concept::Category(_) | Concept::Part(_)))
        })
        .collect();
    let similarity_to = |concept: Concept| {
        nearest
            .iter()
            .find(|(known, _)| *known == concept)
            .map_or(0.0, |(_, similarity)| *similarity)
    };
    let kind_of = |concept: Concept| {
        WordReading::concept(
            word,
            concept,
            ReadBy::KindOf,
            similarity_to(concept),
            category,
        )
    };
    let object_kind = lexicon
        .object(lexicon_word)
        .filter(|(_, depth)| *depth <= MAX_KIND_DEPTH)
        .map(|(category, _)| Concept::Category(category));
    // A material first ("mahogany" is wood and "copper" metal before either is a colour;
    // "maple" alone is a tree), then a colour name ("burgundy"; "rose" alone is a flower, "a
    // rose chair" pink), then a kind of an object ("limousine").
    if let Some((material, depth)) = lexicon.material(lexicon_word)
        && depth <= MAX_KIND_DEPTH
        && (object_kind.is_none() || colour_name_allowed)
    {
        let mut reading = kind_of(Concept::Material(material));
        reading.also_colour = ColourNames::shipped().colour(word);
        reading.also = reading.also_colour.map(|colour| colour.name().to_string());
        return reading;
    }
    if let Some(colour) = ColourNames::shipped().colour_or_near(word) {
        let reads_as_thing = object_kind.is_some()
            || nearest.first().is_some_and(|(concept, s)| {
                matches!(concept, Concept::Category(_)) && *s >= SUGGESTION_FLOOR
            });
        if colour_name_allowed || !reads_as_thing {
            return WordReading::concept(
                word,
                Concept::Colour(colour),
                ReadBy::ColourName,
                1.0,
                category,
            );
        }
    }
    if let Some(concept) = object_kind {
        return kind_of(concept);
    }
    if let Some(category) = category
        && Category::ALL
            .iter()
            .any(|other| other.part_for_word(word).is_some())
    {
        // "a cup with a red roof": a part another object has, not this one.
        let mut reading = WordReading::new(word, WordKind::NotUnderstood);
        reading.similarity = 0.0;
        reading.suggestions = category
            .parts()
            .iter()
            .take(3)
            .map(|part| part.words[0].to_string())
            .collect();
        return reading;
    }
    if meaning.is_none() {
        if let Some(concept) = misspelt(word, category) {
            return WordReading::concept(word, concept, ReadBy::Spelling, 1.0, category);
        }
        let mut reading = WordReading::new(word, WordKind::NotUnderstood);
        reading.similarity = 0.0;
        return reading;
    }
    if let Some(&(concept, similarity)) = nearest
        .iter()
        .find(|(concept, similarity)| *similarity >= concept.threshold())
    {
        return WordReading::concept(word, concept, ReadBy::Meaning, similarity, category);
    }
    let mut reading = WordReading::new(word, WordKind::NotUnderstood);
    reading.similarity = nearest.first().map_or(0.0, |(_, s)| *s);
    reading.suggestions = suggestions(&nearest, category);
    reading
}

/// The part of `category` a word names, in the singular or the plural ("a pink flower" on a
/// cactus whose part is "flowers").
fn part_for_word(category: Category, word: &str) -> Option<PartSlot> {
    category
        .part_for_word(word)
        .or_else(|| category.part_for_word(&format!("{word}s")))
        .or_else(|| {
            crate::meaning::singulars(word)
                .iter()
                .find_map(|singular| category.part_for_word(singular))
        })
}

/// Reads an object word that describes another object ("kitchen" in "a kitchen table",
/// "bronze" in "a bronze statue") as what it can say of that object: a material, a colour, or
/// nothing.
pub(crate) fn read_as_modifier(word: &str, category: Category) -> WordReading {
    let table = WordTable::shipped();
    let entry = table.entry_for(word);
    if let Some((material, depth)) = Lexicon::shipped().material(entry.as_deref().unwrap_or(word))
        && depth <= MAX_KIND_DEPTH
    {
        let concept = Concept::Material(material);
        let similarity = table.meaning(word).map_or(0.0, |meaning| {
            self::similarity(&meaning, concept, Some(category))
        });
        return WordReading::concept(word, concept, ReadBy::KindOf, similarity, Some(category));
    }
    let nearest: Vec<(Concept, f32)> = table
        .meaning(word)
        .map(|meaning| nearest(&meaning, Some(category)))
        .unwrap_or_default()
        .into_iter()
        .filter(|(concept, _)| !matches!(concept, Concept::Category(_) | Concept::Part(_)))
        .collect();
    if let Some(&(concept @ Concept::Material(_), similarity)) = nearest
        .iter()
        .find(|(concept, similarity)| *similarity >= concept.threshold())
    {
        return WordReading::concept(word, concept, ReadBy::Meaning, similarity, Some(category));
    }
    if let Some(colour) = ColourNames::shipped().colour(word) {
        return WordReading::concept(
            word,
            Concept::Colour(colour),
            ReadBy::ColourName,
            1.0,
            Some(category),
        );
    }
    if let Some(&(concept, similarity)) = nearest
        .iter()
        .find(|(concept, similarity)| *similarity >= concept.threshold())
    {
        return WordReading::concept(word, concept, ReadBy::Meaning, similarity, Some(category));
    }
    let mut reading = WordReading::new(word, WordKind::NotUnderstood);
    reading.similarity = nearest.first().map_or(0.0, |(_, s)| *s);
    reading.suggestions = suggestions(&nearest, Some(category));
    reading
}

/// How similar `meaning` is to `concept`: to the nearest of its words.
fn similarity(meaning: &Meaning, concept: Concept, category: Option<Category>) -> f32 {
    nearest(meaning, category)
        .into_iter()
        .find(|(known, _)| *known == concept)
        .map_or(0.0, |(_, similarity)| similarity)
}

/// The nearest three concepts at least [`SUGGESTION_FLOOR`] similar.
fn suggestions(nearest: &[(Concept, f32)], category: Option<Category>) -> Vec<String> {
    nearest
        .iter()
        .filter(|(_, similarity)| *similarity >= SUGGESTION_FLOOR)
        .take(3)
        .map(|(concept, _)| concept.word(category).to_string())
        .collect()
}

/// The nearest object `word` means, with its similarity and whether WordNet says it is a kind
/// of it, for a prompt that names none Kiln makes.
pub(crate) fn stand_in(word: &str) -> Option<(Category, f32, bool)> {
    let table = WordTable::shipped();
    let lexicon = Lexicon::shipped();
    let entry = table.entry_for(word);
    let lexicon_word = entry.as_deref().unwrap_or(word);
    if GENERAL_WORDS.contains(&word) || lexicon.is_not_noun(lexicon_word) {
        return None;
    }
    let nearest = entry
        .as_deref()
        .and_then(|entry| table.meaning(entry))
        .map(|meaning| nearest(&meaning, None))
        .unwrap_or_default();
    let similarity_to = |category: Category| {
        nearest
            .iter()
            .find(|(known, _)| *known == Concept::Category(category))
            .map_or(0.0, |(_, similarity)| *similarity)
    };
    // A kind of an object by WordNet ("maple": a tree), else the nearest in meaning.
    if let Some((category, depth)) = lexicon.object(lexicon_word)
        && depth <= MAX_KIND_DEPTH
    {
        return Some((category, similarity_to(category), true));
    }
    nearest
        .into_iter()
        .find_map(|(concept, similarity)| match concept {
            Concept::Category(category) => Some((category, similarity, false)),
            _ => None,
        })
        .filter(|(_, similarity, _)| *similarity >= STAND_IN_FLOOR)
}

/// A vocabulary word within one edit (two for longer words) of `word`, which the dictionary
/// does not know: "chiar" is a chair.
fn misspelt(word: &str, category: Option<Category>) -> Option<Concept> {
    if word.chars().count() < 3 {
        return None;
    }
    let mut best: Option<(usize, Concept)> = None;
    let mut consider = |known: &str, concept: Concept| {
        let distance = strsim::damerau_levenshtein(word, known);
        // One slip in a short word, two in a long one: "chiar" is a chair, "rowboat" no robot.
        let allowed = if known.len() <= 6 { 1 } else { 2 };
        if distance <= allowed && best.is_none_or(|(d, _)| distance < d) {
            best = Some((distance, concept));
        }
    };
    for &c in Category::ALL {
        for known in c.words() {
            consider(known, Concept::Category(c));
        }
        if Some(c) == category {
            for part in c.parts() {
                for known in part.words {
                    consider(known, Concept::Part(part.slot));
                }
            }
        }
    }
    for &colour in Colour::ALL {
        for known in colour.words() {
            consider(known, Concept::Colour(colour));
        }
    }
    for &material in Material::ALL {
        for known in material.words() {
            consider(known, Concept::Material(material));
        }
    }
    best.map(|(_, concept)| concept)
}

/// Object words the reader would suggest for `words`: by meaning, then by spelling.
pub(crate) fn suggest_objects(words: &[&str]) -> Vec<String> {
    let table = WordTable::shipped();
    let mut scored: Vec<(f32, &'static str)> = Vec::new();
    for word in words {
        if !is_plain_word(word) {
            continue;
        }
        if let Some(meaning) = table.meaning(word) {
            for (concept, similarity) in nearest(&meaning, None) {
                if let Concept::Category(category) = concept
                    && similarity >= SUGGESTION_FLOOR
                {
                    scored.push((similarity, category.name()));
                }
            }
        } else if let Some(Concept::Category(category)) = misspelt(word, None) {
            scored.push((1.0, category.name()));
        }
    }
    scored.sort_by(|a, b| b.0.total_cmp(&a.0));
    let mut suggestions: Vec<String> = Vec::new();
    for (_, name) in scored {
        if !suggestions.iter().any(|known| known == name) && suggestions.len() < 3 {
            suggestions.push(name.to_string());
        }
    }
    suggestions
}

fn is_plain_word(word: &str) -> bool {
    word.len() >= 3
        && !GENERAL_WORDS.contains(&word)
        && !Lexicon::shipped().is_not_noun(word)
        && !FILLER_WORDS.contains(&word)
        && !NEGATION_WORDS.contains(&word)
        && count_word(word).is_none()
        && exact_concept(word).is_none()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(word: &str, category: Option<Category>) -> WordReading {
        read_word(word, category, true)
    }

    #[test]
    fn exact_words_read_as_themselves() {
        let red = read("red", None);
        assert_eq!(red.as_concept(), Some(Concept::Colour(Colour::Red)));
        assert_eq!(red.by, Some(ReadBy::Exact));
        assert!(!red.is_mapped());
        let legs = read("legs", Some(Category::Chair));
        assert_eq!(legs.as_concept(), Some(Concept::Part(PartSlot::Legs)));
    }

    #[test]
    fn words_outside_the_vocabulary_read_as_the_nearest_concept() {
        for (word, concept) in [
            ("sedan", Concept::Category(Category::Car)),
            ("skyscraper", Concept::Category(Category::Tower)),
            ("mansion", Concept::Category(Category::House)),
            ("crimson", Concept::Colour(Colour::Red)),
            ("burgundy", Concept::Colour(Colour::Maroon)),
        ] {
            let reading = read(word, None);
            assert_eq!(reading.as_concept(), Some(concept), "{word}: {reading:?}");
            assert!(reading.is_mapped());
        }
    }

    #[test]
    fn numbers_negations_and_relations_are_read() {
        assert_eq!(read("3", None).count, Some(3));
        assert_eq!(read("three", None).count, Some(3));
        assert_eq!(read("dozen", None).count, Some(12));
        assert_eq!(read("99999999", None).kind, WordKind::NotUnderstood);
        assert_eq!(read("without", None).kind, WordKind::Negation);
        let words: Vec<String> = ["a", "cup", "next", "to", "a", "lamp"]
            .map(String::from)
            .to_vec();
        let read = read_clause(&words, None, false);
        let relation = read.iter().find(|r| r.kind == WordKind::Relation).unwrap();
        assert_eq!(relation.word, "next to");
        assert_eq!(relation.relation, Some(Relation::NextTo));
    }

    #[test]
    fn phrases_are_read_before_their_words() {
        let words: Vec<String> = ["a", "red", "sports", "car"].map(String::from).to_vec();
        let read = read_clause(&words, None, false);
        assert_eq!(read[1].as_concept(), Some(Concept::Colour(Colour::Red)));
        assert_eq!(read[2].word, "sports car");
        assert_eq!(read[2].as_concept(), Some(Concept::Category(Category::Car)));
        let words: Vec<String> = ["a", "sky", "blue", "chair"].map(String::from).to_vec();
        let read = read_clause(&words, None, false);
        assert_eq!(read[1].word, "sky blue");
        assert_eq!(read[1].by, Some(ReadBy::ColourName));
    }

    #[test]
    fn far_off_concepts_are_never_suggested() {
        // "car" is not "chair"; an unrelated word gets no suggestion rather than a far one.
        let suggested = suggest_objects(&["sedan"]);
        assert_eq!(suggested.first().map(String::as_str), Some("car"));
        assert!(!suggested.contains(&"chair".to_string()), "{suggested:?}");
        let nonsense = read("qwzxv", None);
        assert_eq!(nonsense.kind, WordKind::NotUnderstood);
        assert!(nonsense.suggestions.is_empty());
        let unrelated = read("democracy", None);
        assert_eq!(unrelated.kind, WordKind::NotUnderstood, "{unrelated:?}");
    }
}
