//! From free text to a [`Description`]: what object, in which colours and materials, how big,
//! which parts look how. Case, articles, word order, punctuation and simple paraphrases do not
//! matter ("A tall red chair with gold legs", "a chair, tall and red, legs of gold"); words Kiln
//! does not know by name are read by meaning ([`crate::reading`]: "a crimson blade" is a red
//! sword); whatever is read but cannot be made ("not red", "under a table") is said in
//! [`ParsedPrompt::notes`], and words not understood are reported, never dropped in silence.
//!
//! Parsing is by clauses: a prompt splits at commas, "with", "and" and "but". A clause that names
//! a part of the object ("gold legs", "legs of gold") describes that part; every other colour or
//! material word describes the object as a whole.

mod objects;

use std::fmt;

pub use objects::{MAX_OBJECTS, Placement, PromptObject, composition_caption};

use crate::reading::{self, Concept, ReadBy, Reading, WordKind, WordReading};
use crate::vocab::{
    COMPOUNDS, COUNT_WORDS, Category, Colour, Material, PartSlot, Proportion, SizeWord, Style,
    WEAK_CATEGORY_WORDS,
};

/// The longest prompt accepted, in characters.
pub const MAX_PROMPT_CHARS: usize = 300;

/// What a prompt asks for, in Kiln's vocabulary.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Description {
    pub category: Category,
    /// Colour of the object's body and of every part not described otherwise.
    pub colour: Option<Colour>,
    pub material: Option<Material>,
    pub size: Option<SizeWord>,
    /// Tall or short.
    pub height: Option<Proportion>,
    /// Wide or thin.
    pub width: Option<Proportion>,
    pub style: Option<Style>,
    /// Parts described, each slot at most once, in the order the prompt names them.
    pub parts: Vec<PartDescription>,
}

/// How one part looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PartDescription {
    pub slot: PartSlot,
    pub colour: Option<Colour>,
    pub material: Option<Material>,
    /// "with three legs".
    pub count: Option<u8>,
}

impl Description {
    /// A plain object of `category`: no colour, material, size or part words.
    pub fn plain(category: Category) -> Self {
        Description {
            category,
            colour: None,
            material: None,
            size: None,
            height: None,
            width: None,
            style: None,
            parts: Vec::new(),
        }
    }

    /// How tall the object is, in metres: the category's typical height, scaled by size and
    /// proportion words.
    pub fn height_metres(&self) -> f32 {
        let size = self.size.map_or(1.0, SizeWord::scale);
        self.category.typical_height() * size * self.height_proportion()
    }

    /// What "tall" or "short" does to the height: a tall chair is 1.4 times as tall as a plain
    /// one, and no wider.
    pub fn height_proportion(&self) -> f32 {
        match self.height {
            Some(Proportion::Tall) => 1.4,
            Some(Proportion::Short) => 0.65,
            _ => 1.0,
        }
    }

    pub fn part(&self, slot: PartSlot) -> Option<&PartDescription> {
        self.parts.iter().find(|part| part.slot == slot)
    }
}

/// A parsed prompt: the description, how every word was read, and what was read but not made.
#[derive(Debug, Clone, PartialEq)]
pub struct ParsedPrompt {
    /// The main object: the head of the prompt's first phrase that names one.
    pub description: Description,
    /// Every object the prompt names, in prompt order, the main one among them: one for a
    /// prompt of one object.
    pub objects: Vec<PromptObject>,
    /// Words not understood, in prompt order, each once.
    pub unknown_words: Vec<String>,
    pub reading: Reading,
}

impl ParsedPrompt {
    /// The line a creator sees under the prompt.
    pub fn read_as(&self) -> &str {
        &self.reading.read_as
    }

    /// Whether the prompt makes more than one object ("a cup on a table", "two chairs").
    pub fn is_composed(&self) -> bool {
        self.object_count() > 1
    }

    /// How many objects the prompt makes, each of "three cups" counted.
    pub fn object_count(&self) -> u32 {
        self.objects.iter().map(|object| object.count).sum()
    }

    /// What the model is given, in Kiln's words: the main object's caption ("a red sword"), or
    /// for several objects the line that says them all ("a red sword on a wooden table").
    pub fn model_prompt(&self) -> String {
        if self.is_composed() {
            composition_caption(&self.objects)
        } else {
            self.description.to_string()
        }
    }
}

/// "read as: red sword (crimson → red, blade → sword)".
fn read_as_line(caption: &str, words: &[WordReading]) -> String {
    {
        let caption = caption.strip_prefix("a ").unwrap_or(caption);
        let mapped: Vec<String> = words
            .iter()
            .filter(|word| word.is_mapped())
            .filter_map(|word| {
                let also = word
                    .also
                    .as_ref()
                    .map_or(String::new(), |also| format!(", {also}"));
                Some(format!("{} → {}{also}", word.word, word.read_as.as_ref()?))
            })
            .collect();
        if mapped.is_empty() {
            format!("read as: {caption}")
        } else {
            format!("read as: {caption} ({})", mapped.join(", "))
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromptError {
    #[error("the prompt is empty: describe an object, e.g. \"a tall red chair with gold legs\"")]
    Empty,
    #[error(
        "the prompt is {chars} characters long; keep it under {MAX_PROMPT_CHARS}, e.g. \"a tall red chair with gold legs\""
    )]
    TooLong { chars: usize },
    #[error(
        "the prompt names {objects} objects; one item holds at most {MAX_OBJECTS}: ask for fewer, e.g. \"three barrels\""
    )]
    TooManyObjects { objects: u32 },
    #[error("{}", no_object_message(.suggestions))]
    NoObject {
        /// Objects close in meaning or spelling to words of the prompt ("chiar" → "chair"),
        /// never far ones.
        suggestions: Vec<String>,
    },
}

fn no_object_message(suggestions: &[String]) -> String {
    let mut message = String::from("the prompt names no object Kiln can make");
    if !suggestions.is_empty() {
        message.push_str(&format!(": did you mean {}?", quoted_list(suggestions)));
    }
    let examples: Vec<String> = Category::ALL
        .iter()
        .take(8)
        .map(|category| category.name().to_string())
        .collect();
    message.push_str(&format!(
        " Objects include {}, … (`kiln-cli vocab` lists them all)",
        quoted_list(&examples)
    ));
    message
}

fn quoted_list(words: &[String]) -> String {
    words
        .iter()
        .map(|word| format!("\"{word}\""))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Parses `prompt`.
pub fn parse(prompt: &str) -> Result<ParsedPrompt, PromptError> {
    let chars = prompt.chars().count();
    if chars > MAX_PROMPT_CHARS {
        return Err(PromptError::TooLong { chars });
    }
    let (clauses, joiners) = clauses_and_joiners(prompt);
    let words: Vec<&str> = clauses.iter().flatten().map(String::as_str).collect();
    if words.is_empty() {
        return Err(PromptError::Empty);
    }
    let (category, main_clause, main_word, main_reading) =
        find_object(&clauses).ok_or_else(|| PromptError::NoObject {
            suggestions: reading::suggest_objects(&words),
        })?;
    let (main_reading_by, main_similarity) = (main_reading.by, main_reading.similarity);

    // Read again knowing the object, so that its parts are read as parts.
    let mut clause_readings: Vec<Vec<WordReading>> = clauses
        .iter()
        .map(|clause| reading::read_clause(clause, Some(category), true))
        .collect();
    let main_at = clause_readings[main_clause]
        .iter()
        .rposition(|reading| reading.word == main_word);
    if let Some(at) = main_at {
        clause_readings[main_clause][at] = main_reading;
    }
    for readings in &mut clause_readings {
        read_modifiers(readings, category);
    }
    let main_at = (main_clause, main_at.unwrap_or(usize::MAX));
    let mentions = objects::mentions(&mut clause_readings, main_at);
    let main = mentions
        .iter()
        .position(|mention| (mention.clause, mention.head) == main_at);

    let mut notes = Vec::new();
    if main_reading_by == Some(ReadBy::StandIn) {
        notes.push(format!(
            "{main_word}: not an object Kiln makes; made the nearest it makes, {} (similarity {:.2})",
            category.name(),
            main_similarity
        ));
    }
    let mut built = Builder {
        description: Description::plain(category),
        unknown_words: Vec::new(),
        notes,
        extra_colours: Vec::new(),
        extra_materials: Vec::new(),
        implied_colour: None,
        material_word: None,
    };
    for (index, clause) in clause_readings.iter_mut().enumerate() {
        let heads: Vec<bool> = (0..clause.len())
            .map(|at| {
                mentions
                    .iter()
                    .any(|mention| (mention.clause, mention.head) == (index, at))
            })
            .collect();
        built.clause(clause, &heads);
    }
    built.give_extras_to_parts();
    built.description.colour = built.description.colour.or(built.implied_colour);
    let Builder {
        description,
        mut unknown_words,
        mut notes,
        ..
    } = built;

    let objects = match main {
        Some(main) if mentions.len() > 1 || mentions[main].count > 1 => {
            let placements =
                objects::placements(&mentions, main, &clause_readings, &joiners, &mut notes);
            let mut objects = Vec::with_capacity(mentions.len());
            for (index, mention) in mentions.iter().enumerate() {
                let description = if index == main {
                    description.clone()
                } else {
                    // Each other object is its own phrase, read on its own.
                    match parse(&mention.text(&clause_readings)) {
                        Ok(other) => {
                            for note in other.reading.notes {
                                if !notes.contains(&note) {
                                    notes.push(note);
                                }
                            }
                            for word in other.unknown_words {
                                push_unknown(&mut unknown_words, &word);
                            }
                            other.description
                        }
                        Err(_) => Description::plain(mention.category),
                    }
                };
                objects.push(PromptObject {
                    description,
                    count: mention.count,
                    placement: placements[index],
                });
            }
            objects
        }
        _ => vec![PromptObject {
            description: description.clone(),
            count: 1,
            placement: Placement::Ground,
        }],
    };
    let objects_made: u32 = objects.iter().map(|object| object.count).sum();
    if objects_made > MAX_OBJECTS {
        return Err(PromptError::TooManyObjects {
            objects: objects_made,
        });
    }
    let mut parsed = ParsedPrompt {
        reading: Reading {
            read_as: String::new(),
            words: clause_readings.into_iter().flatten().collect(),
            notes,
        },
        description,
        objects,
        unknown_words,
    };
    parsed.reading.read_as = read_as_line(&parsed.model_prompt(), &parsed.reading.words);
    Ok(parsed)
}

/// The object a prompt names: the first word read as one (a weak word such as "well" only
/// where nothing else is), else the nearest object to a word Kiln does not make ("a dragon"),
/// said as a stand-in. Returns the category, the clause and word that name it and its reading.
fn find_object(clauses: &[Vec<String>]) -> Option<(Category, usize, String, WordReading)> {
    let exact_object = clauses
        .iter()
        .flatten()
        .any(|word| Category::from_word(word).is_some());
    let first: Vec<Vec<WordReading>> = clauses
        .iter()
        .map(|clause| reading::read_clause(clause, None, exact_object))
        .collect();
    let objects = || {
        first.iter().enumerate().flat_map(|(clause, readings)| {
            readings
                .iter()
                .filter_map(move |reading| match reading.as_concept() {
                    Some(Concept::Category(category)) => Some((category, clause, reading)),
                    _ => None,
                })
        })
    };
    // The head of the first phrase that names an object: its last object word ("a kitchen
    // table", "a crimson blade on a wooden table"); a phrase ends at a relation or a number.
    let head = first.iter().enumerate().find_map(|(clause, readings)| {
        phrases(readings).find_map(|phrase| {
            phrase
                .iter()
                .rev()
                .filter(|reading| !WEAK_CATEGORY_WORDS.contains(&reading.word.as_str()))
                .find_map(|reading| match reading.as_concept() {
                    Some(Concept::Category(category)) => Some((category, clause, reading)),
                    _ => None,
                })
        })
    });
    // A weak word ("well") gives way to an object word, not to a word only near one in meaning
    // ("water").
    let weak = objects().find(|(_, _, reading)| {
        reading.by == Some(ReadBy::Exact) && WEAK_CATEGORY_WORDS.contains(&reading.word.as_str())
    });
    let found = match head {
        Some(head) if head.2.by != Some(ReadBy::Exact) && weak.is_some() => weak,
        Some(head) => Some(head),
        None => objects().next(),
    };
    if let Some((category, clause, reading)) = found {
        return Some((category, clause, reading.word.clone(), reading.clone()));
    }
    // No object Kiln makes: the word nearest in meaning to one, if any is near enough.
    let (clause, word, category, similarity) = first
        .iter()
        .enumerate()
        .flat_map(|(clause, readings)| {
            // The last word of each phrase that is not a filler.
            let mut ends_its_phrase = vec![false; readings.len()];
            let mut last = None;
            for (i, reading) in readings.iter().enumerate() {
                if ends_phrase(reading) {
                    if let Some(last) = last.take() {
                        ends_its_phrase[last] = true;
                    }
                } else if reading.kind != WordKind::Filler {
                    last = Some(i);
                }
            }
            if let Some(last) = last {
                ends_its_phrase[last] = true;
            }
            readings
                .iter()
                .enumerate()
                // Words not understood; and a material word that names a thing too, where it
                // ends its phrase as a thing would ("a maple", "a burgundy oak made of satin";
                // not "a maple chest", not "made of maple").
                .filter(move |(i, reading)| match reading.kind {
                    WordKind::NotUnderstood => true,
                    WordKind::Material => {
                        ends_its_phrase[*i]
                            && !(*i > 0
                                && reading::MATERIAL_MARKERS
                                    .contains(&readings[i - 1].word.as_str()))
                    }
                    _ => false,
                })
                .filter_map(move |(_, reading)| {
                    let (category, similarity, kind) = reading::stand_in(&reading.word)?;
                    // A material word stands in only as a kind of a thing by WordNet.
                    if reading.kind == WordKind::Material && !kind {
                        return None;
                    }
                    Some((clause, reading.word.clone(), category, similarity, kind))
                })
        })
        // A kind of an object by WordNet before a word near one in meaning.
        .max_by(|a, b| {
            (a.4, a.3)
                .partial_cmp(&(b.4, b.3))
                .unwrap_or(std::cmp::Ordering::Equal)
        })
        .map(|(clause, word, category, similarity, _)| (clause, word, category, similarity))?;
    let reading = WordReading::concept(
        &word,
        Concept::Category(category),
        ReadBy::StandIn,
        similarity,
        Some(category),
    );
    Some((category, clause, word, reading))
}

/// The phrases of a clause: runs of words between relations, numbers and "of" ("a cup" | "on"
/// | "a wooden table"; "a recliner made" | "cotton").
fn phrases(readings: &[WordReading]) -> impl Iterator<Item = &[WordReading]> {
    phrase_ranges(readings)
        .into_iter()
        .map(|range| &readings[range])
        .filter(|phrase| !phrase.is_empty())
}

/// Where each phrase of a clause lies among its words (empty ones included: "on top of" ends
/// one that never began).
fn phrase_ranges(readings: &[WordReading]) -> Vec<std::ops::Range<usize>> {
    let mut ranges = Vec::new();
    let mut start = 0;
    while start < readings.len() {
        let end = readings[start..]
            .iter()
            .position(ends_phrase)
            .map_or(readings.len(), |at| start + at);
        ranges.push(start..end);
        start = end + 1;
    }
    ranges
}

fn ends_phrase(reading: &WordReading) -> bool {
    matches!(
        reading.kind,
        WordKind::Relation | WordKind::Count | WordKind::Negation
    ) || reading::MATERIAL_MARKERS.contains(&reading.word.as_str())
}

/// For each word of a clause, whether it is in a phrase whose object is not `category` ("on a
/// wooden table" after "a crimson blade").
fn phrases_of_other_objects(readings: &[WordReading], category: Category) -> Vec<bool> {
    let mut other = vec![false; readings.len()];
    for range in phrase_ranges(readings) {
        let head =
            readings[range.clone()]
                .iter()
                .rev()
                .find_map(|reading| match reading.as_concept() {
                    Some(Concept::Category(named)) => Some(named),
                    _ => None,
                });
        if head.is_some_and(|head| head != category) {
            other[range].iter_mut().for_each(|flag| *flag = true);
        }
    }
    other
}

/// Object words that only describe the object named after them ("a kitchen table", "a bronze
/// statue") are read again as what they can say of it: a material or colour, or nothing. The
/// object of a phrase is its last object word; `category` (the main object) where the phrase
/// names it.
fn read_modifiers(readings: &mut [WordReading], category: Category) {
    for range in phrase_ranges(readings) {
        let phrase = &readings[range.clone()];
        let head = phrase
            .iter()
            .rposition(|reading| reading.as_concept() == Some(Concept::Category(category)))
            .map(|at| (at, category))
            .or_else(|| {
                phrase.iter().enumerate().rev().find_map(|(at, reading)| {
                    match reading.as_concept() {
                        Some(Concept::Category(named))
                            if !WEAK_CATEGORY_WORDS.contains(&reading.word.as_str()) =>
                        {
                            Some((at, named))
                        }
                        _ => None,
                    }
                })
            });
        if let Some((head, named)) = head {
            for reading in &mut readings[range.start..range.start + head] {
                if matches!(reading.as_concept(), Some(Concept::Category(other)) if other != named)
                    && !WEAK_CATEGORY_WORDS.contains(&reading.word.as_str())
                {
                    *reading = reading::read_as_modifier(&reading.word, named);
                }
            }
        }
    }
}

/// Builds the description from the words read, clause by clause, noting what it cannot show.
struct Builder {
    description: Description,
    unknown_words: Vec<String>,
    notes: Vec<String>,
    /// Colours and materials named after the object's own ("red and blue"): they go to its
    /// parts in turn.
    extra_colours: Vec<(String, Colour)>,
    extra_materials: Vec<(String, Material)>,
    /// The colour a material word names as well ("mahogany"), for the object where the prompt
    /// names none.
    implied_colour: Option<Colour>,
    /// The word that gave the object its material.
    material_word: Option<String>,
}

impl Builder {
    /// Reads one clause into the description. `heads`: the words that name an object made
    /// beside this one ([`objects::mentions`]), whose phrases describe that object.
    fn clause(&mut self, clause: &mut [WordReading], heads: &[bool]) {
        let category = self.description.category;
        let names_object = clause
            .iter()
            .any(|reading| reading.as_concept() == Some(Concept::Category(category)));
        // A clause that names a part ("gold legs") describes that part.
        let mut part = clause
            .iter()
            .find_map(|reading| match reading.as_concept() {
                Some(Concept::Part(slot)) if !names_object => Some(PartDescription {
                    slot,
                    colour: None,
                    material: None,
                    count: None,
                }),
                _ => None,
            });
        let mut negation: Option<String> = None;
        let mut implied_part_colour: Option<Colour> = None;
        let mut count: Option<(String, u32)> = None;
        let mut relation: Option<String> = None;
        // Words of a phrase whose object is another one ("on a wooden table") describe that
        // object, not this one: they are said with it.
        let other_object = phrases_of_other_objects(clause, category);
        let made_of: Vec<bool> = (0..clause.len())
            .map(|i| i > 0 && reading::MATERIAL_MARKERS.contains(&clause[i - 1].word.as_str()))
            .collect();
        let mut other_words: Vec<String> = Vec::new();
        for (i, reading) in clause.iter_mut().enumerate() {
            let word = reading.word.clone();
            if other_object[i]
                && matches!(
                    reading.as_concept(),
                    Some(
                        Concept::Colour(_)
                            | Concept::Material(_)
                            | Concept::Size(_)
                            | Concept::Proportion(_)
                            | Concept::Style(_)
                    )
                )
            {
                other_words.push(word);
                continue;
            }
            match reading.kind {
                WordKind::Filler => continue,
                WordKind::Negation => {
                    negation = Some(word);
                    continue;
                }
                WordKind::Count => {
                    count = reading.count.map(|n| (word, n));
                    continue;
                }
                WordKind::Relation => {
                    relation = Some(word);
                    continue;
                }
                WordKind::NotUnderstood => {
                    push_unknown(&mut self.unknown_words, &word);
                    if let Some(not) = negation.take() {
                        self.note(format!(
                            "{not} {word}: not a part Kiln makes a {} with; nothing to leave out",
                            category.name()
                        ));
                    }
                    continue;
                }
                _ => {}
            }
            let Some(concept) = reading.as_concept() else {
                continue;
            };
            let negated = negation.take();
            // A count waits for the thing it counts: "four gold legs".
            let counted = match concept {
                Concept::Category(_) | Concept::Part(_) => count.take(),
                _ => None,
            };
            let object = category.name();
            match concept {
                Concept::Category(named) if named == category => {
                    if let Some(not) = negated {
                        self.note(format!(
                            "{not} {word}: the prompt is read as a {object} all the same"
                        ));
                    }
                }
                Concept::Category(_) if heads[i] => {}
                Concept::Category(other) => {
                    if WEAK_CATEGORY_WORDS.contains(&word.as_str()) {
                        // "a well made chair": the weak word is an everyday word here.
                        *reading = not_understood(reading);
                        push_unknown(&mut self.unknown_words, &word);
                        continue;
                    }
                    if let Some(not) = negated {
                        self.note(format!(
                            "{not} {word}: Kiln cannot leave a thing out; the {object} is made as it is"
                        ));
                        continue;
                    }
                    let said = [relation.take(), counted.map(|(count, _)| count)]
                        .into_iter()
                        .flatten()
                        .chain(std::mem::take(&mut other_words))
                        .chain([word.clone()])
                        .collect::<Vec<_>>()
                        .join(" ");
                    let as_read = if reading.is_mapped() {
                        format!(" (read as {})", other.name())
                    } else {
                        String::new()
                    };
                    self.note(format!(
                        "{said}{as_read}: said of the {object}, not made beside it; Kiln makes the {object} alone"
                    ));
                }
                Concept::Part(slot) => {
                    let part_word = category.part_word(slot).unwrap_or("part");
                    if let Some(not) = negated {
                        self.note(format!(
                            "{not} {word}: a {object} is made with its {part_word}; Kiln cannot leave a part out"
                        ));
                    } else if let Some((count, n)) = counted {
                        match part.as_mut().filter(|part| part.slot == slot) {
                            Some(part) if (1..=6).contains(&n) => part.count = Some(n as u8),
                            Some(part) => {
                                let made = n.clamp(1, 6) as u8;
                                part.count = Some(made);
                                self.note(format!(
                                    "{count} {word}: Kiln makes 1 to 6 {part_word}; made {made}"
                                ));
                            }
                            None => self.note(format!(
                                "{count} {word}: a count is read only in a part's own phrase (\"with {count} {part_word}\")"
                            )),
                        }
                    }
                }
                Concept::Colour(colour) => {
                    if let Some(not) = negated {
                        self.note(format!(
                            "{not} {word}: Kiln cannot rule a colour out; no colour was taken from it"
                        ));
                    } else if let Some(part) = &mut part {
                        match part.colour {
                            Some(kept) if kept != colour => self.note(format!(
                                "{word}: one colour per part; the {} keep {kept}",
                                category.part_word(part.slot).unwrap_or("part")
                            )),
                            _ => part.colour = Some(colour),
                        }
                    } else if self.description.colour.is_none_or(|kept| kept == colour) {
                        self.description.colour = Some(colour);
                    } else {
                        self.extra_colours.push((word, colour));
                    }
                }
                Concept::Material(material) => {
                    if negated.is_none()
                        && let Some(colour) = reading.also_colour()
                    {
                        match part {
                            Some(_) => implied_part_colour = implied_part_colour.or(Some(colour)),
                            None => self.implied_colour = self.implied_colour.or(Some(colour)),
                        }
                    }
                    if let Some(not) = negated {
                        self.note(format!(
                            "{not} {word}: Kiln cannot rule a material out; no material was taken from it"
                        ));
                    } else if let Some(part) = &mut part {
                        match part.material {
                            Some(kept) if kept != material => self.note(format!(
                                "{word}: one material per part; the {} keep {kept}",
                                category.part_word(part.slot).unwrap_or("part")
                            )),
                            _ => part.material = Some(material),
                        }
                    } else if self
                        .description
                        .material
                        .is_none_or(|kept| kept == material)
                    {
                        self.description.material = Some(material);
                        self.material_word = Some(word);
                    } else if made_of[i] {
                        // "a jade hatchet made of brass": what it is made of is said outright;
                        // the jade goes to a part.
                        if let (Some(kept), Some(kept_word)) =
                            (self.description.material, self.material_word.take())
                        {
                            self.extra_materials.push((kept_word, kept));
                        }
                        self.description.material = Some(material);
                        self.material_word = Some(word);
                    } else {
                        self.extra_materials.push((word, material));
                    }
                }
                Concept::Size(size) => match negated {
                    Some(not) => self.note(format!("{not} {word}: ignored; say the size you want")),
                    None => self.description.size = Some(size),
                },
                Concept::Proportion(proportion) => match negated {
                    Some(not) => {
                        self.note(format!("{not} {word}: ignored; say the shape you want"))
                    }
                    None => match proportion {
                        Proportion::Tall | Proportion::Short => {
                            self.description.height = Some(proportion)
                        }
                        Proportion::Wide | Proportion::Thin => {
                            self.description.width = Some(proportion)
                        }
                    },
                },
                Concept::Style(style) => match negated {
                    Some(not) => {
                        self.note(format!("{not} {word}: ignored; say the style you want"))
                    }
                    None => self.description.style = Some(style),
                },
            }
        }
        if let Some((count, n)) = count.filter(|(_, n)| *n != 1) {
            self.note(format!(
                "{count}: a number with nothing after it to count; ignored ({n})"
            ));
        }
        if let Some(not) = negation {
            self.note(format!(
                "{not}: nothing after it that Kiln can leave out; ignored"
            ));
        }
        if let Some(mut part) = part {
            part.colour = part.colour.or(implied_part_colour);
            merge_part(&mut self.description.parts, part);
        }
    }

    /// "a red and blue chair": the body is red, and the next colour goes to the next part the
    /// prompt did not describe (the legs), and so on.
    fn give_extras_to_parts(&mut self) {
        let category = self.description.category;
        let mut free_slots = category
            .parts()
            .iter()
            .skip(1)
            .map(|part| part.slot)
            .filter(|slot| self.description.part(*slot).is_none())
            .collect::<Vec<_>>()
            .into_iter();
        let colours = std::mem::take(&mut self.extra_colours)
            .into_iter()
            .map(|(word, colour)| (word, Some(colour), None));
        let materials = std::mem::take(&mut self.extra_materials)
            .into_iter()
            .map(|(word, material)| (word, None, Some(material)));
        for (word, colour, material) in colours.chain(materials).collect::<Vec<_>>() {
            let Some(free) = free_slots.next() else {
                let kept = match colour {
                    Some(_) => self.description.colour.map(Colour::name),
                    None => self.description.material.map(Material::name),
                };
                self.note(format!(
                    "{word}: a {} has no part left to give it to; it keeps {}",
                    category.name(),
                    kept.unwrap_or("its first")
                ));
                continue;
            };
            merge_part(
                &mut self.description.parts,
                PartDescription {
                    slot: free,
                    colour,
                    material,
                    count: None,
                },
            );
            self.note(format!(
                "{word}: given to the {}",
                category.part_word(free).unwrap_or("part")
            ));
        }
    }

    fn note(&mut self, note: String) {
        if !self.notes.contains(&note) {
            self.notes.push(note);
        }
    }
}

fn not_understood(reading: &WordReading) -> WordReading {
    let mut plain = reading.clone();
    plain.kind = WordKind::NotUnderstood;
    plain.read_as = None;
    plain.by = None;
    plain.concept = None;
    plain
}

fn push_unknown(unknown: &mut Vec<String>, word: &str) {
    if !unknown.iter().any(|known| known == word) {
        unknown.push(word.to_string());
    }
}

/// A part named twice ("gold legs, with four legs") keeps what each mention said.
fn merge_part(parts: &mut Vec<PartDescription>, part: PartDescription) {
    match parts.iter_mut().find(|known| known.slot == part.slot) {
        Some(known) => {
            known.colour = part.colour.or(known.colour);
            known.material = part.material.or(known.material);
            known.count = part.count.or(known.count);
        }
        None => parts.push(part),
    }
}

/// Lower-case words, grouped in clauses, with the word that began each clause ("with", "and";
/// none after punctuation or for the first).
fn clauses_and_joiners(prompt: &str) -> (Vec<Vec<String>>, Vec<Option<String>>) {
    let lowered = format!("{} ", prompt.to_lowercase())
        .replace("low-poly", "lowpoly")
        .replace("low poly", "lowpoly")
        .replace("'s ", " ")
        .replace("’s ", " ");
    let mut clauses: Vec<(Option<String>, Vec<String>)> = vec![(None, Vec::new())];
    let mut word = String::new();
    let end_word = |word: &mut String, clauses: &mut Vec<(Option<String>, Vec<String>)>| {
        if word.is_empty() {
            return;
        }
        let done = std::mem::take(word);
        if matches!(
            done.as_str(),
            "with" | "and" | "but" | "plus" | "having" | "whose" | "where"
        ) {
            clauses.push((Some(done), Vec::new()));
        } else {
            clauses.last_mut().expect("never empty").1.push(done);
        }
    };
    for c in lowered.chars() {
        if c.is_alphanumeric() {
            word.push(c);
        } else {
            end_word(&mut word, &mut clauses);
            if matches!(
                c,
                ',' | ';' | '.' | ':' | '!' | '?' | '(' | ')' | '/' | '&' | '+'
            ) {
                clauses.push((None, Vec::new()));
            }
        }
    }
    end_word(&mut word, &mut clauses);
    // An empty clause passes its joiner on ("a table, with a cup").
    let mut kept: Vec<(Option<String>, Vec<String>)> = Vec::new();
    let mut joiner = None;
    for (joined_by, mut words) in clauses {
        joiner = joined_by.or(joiner);
        if words.is_empty() {
            continue;
        }
        join_compounds(&mut words);
        kept.push((joiner.take(), words));
    }
    kept.into_iter()
        .map(|(joiner, words)| (words, joiner))
        .unzip()
}

/// Replaces each name of several words ([`COMPOUNDS`]) in `clause` by its one word.
fn join_compounds(clause: &mut Vec<String>) {
    let mut i = 0;
    while i < clause.len() {
        let found = COMPOUNDS.iter().find(|(parts, _)| {
            clause.len() - i >= parts.len()
                && parts
                    .iter()
                    .zip(&clause[i..])
                    .all(|(part, word)| part == word)
        });
        if let Some((parts, joined)) = found {
            clause.splice(i..i + parts.len(), std::iter::once(joined.to_string()));
        }
        i += 1;
    }
}

impl fmt::Display for Description {
    /// The canonical caption: "a tall red wooden chair with gold legs".
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("a")?;
        for word in [
            self.size.map(SizeWord::name),
            self.height.map(Proportion::name),
            self.width.map(Proportion::name),
            self.style.map(Style::name),
            self.colour.map(Colour::name),
            self.material.map(Material::name),
            Some(self.category.name()),
        ]
        .into_iter()
        .flatten()
        {
            write!(f, " {word}")?;
        }
        for (i, part) in self.parts.iter().enumerate() {
            f.write_str(if i == 0 { " with" } else { " and" })?;
            if let Some(count) = part.count {
                let name = COUNT_WORDS
                    .iter()
                    .find(|(_, n)| *n == count)
                    .map_or("", |(name, _)| name);
                write!(f, " {name}")?;
            }
            for word in [
                part.colour.map(Colour::name),
                part.material.map(Material::name),
            ]
            .into_iter()
            .flatten()
            {
                write!(f, " {word}")?;
            }
            let word = self.category.part_word(part.slot).unwrap_or("part");
            write!(f, " {word}")?;
        }
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_ok(prompt: &str) -> ParsedPrompt {
        parse(prompt).unwrap_or_else(|error| panic!("{prompt:?}: {error}"))
    }

    #[test]
    fn a_full_prompt_is_understood() {
        let parsed = parse_ok("a tall red chair with gold legs");
        let description = parsed.description;
        assert_eq!(description.category, Category::Chair);
        assert_eq!(description.height, Some(Proportion::Tall));
        assert_eq!(description.colour, Some(Colour::Red));
        assert_eq!(
            description.part(PartSlot::Legs).unwrap().material,
            Some(Material::Gold)
        );
        assert!(parsed.unknown_words.is_empty());
    }

    #[test]
    fn case_order_punctuation_and_paraphrase_do_not_matter() {
        let reference = parse_ok("a tall red chair with gold legs").description;
        for prompt in [
            "A TALL RED CHAIR WITH GOLD LEGS",
            "a chair, tall and red, with gold legs",
            "red tall chair; gold legs",
            "The chair: tall, red -- with legs of gold!",
            "a tall chair that is red, and its legs are made of gold",
            "tall red armchair with golden legs.",
        ] {
            assert_eq!(parse_ok(prompt).description, reference, "{prompt}");
        }
    }

    #[test]
    fn each_part_keeps_its_own_words() {
        let description =
            parse_ok("a huge blue wooden sword with a gold hilt and a silver guard").description;
        assert_eq!(description.size, Some(SizeWord::Huge));
        assert_eq!(description.colour, Some(Colour::Blue));
        assert_eq!(description.material, Some(Material::Wood));
        let hilt = description.part(PartSlot::Handle).unwrap();
        assert_eq!(hilt.material, Some(Material::Gold));
        assert_eq!(hilt.colour, None);
        assert_eq!(
            description.part(PartSlot::Trim).unwrap().material,
            Some(Material::Silver)
        );
        assert_eq!(
            parse_ok("a table with three legs")
                .description
                .part(PartSlot::Legs)
                .unwrap()
                .count,
            Some(3)
        );
    }

    #[test]
    fn unknown_words_are_reported_once_and_ignored() {
        let parsed = parse_ok("a fluffy red chair, fluffy and sparkly");
        assert_eq!(parsed.unknown_words, ["fluffy", "sparkly"]);
        assert_eq!(parsed.description.colour, Some(Colour::Red));
        // A part another category has is unknown for this one.
        assert_eq!(parse_ok("a cup with a red roof").unknown_words, ["roof"]);
    }

    #[test]
    fn bad_prompts_say_what_is_wrong() {
        assert_eq!(parse(""), Err(PromptError::Empty));
        assert_eq!(parse("  , . !"), Err(PromptError::Empty));
        assert_eq!(
            parse(&"red ".repeat(80)),
            Err(PromptError::TooLong { chars: 320 })
        );
        // A misspelt object is read as the object, and says so.
        let misspelt = parse_ok("a red chiar");
        assert_eq!(misspelt.description.category, Category::Chair);
        assert_eq!(misspelt.read_as(), "read as: red chair (chiar → chair)");
        assert!(matches!(
            parse("qwzxv blorp"),
            Err(PromptError::NoObject { suggestions }) if suggestions.is_empty()
        ));
    }

    #[test]
    fn the_canonical_caption_parses_back() {
        let description =
            parse_ok("a tiny thin blocky green stone tower with a red roof and a gold door")
                .description;
        assert_eq!(
            description.to_string(),
            "a tiny thin blocky green stone tower with red roof and gold door"
        );
        assert_eq!(parse_ok(&description.to_string()).description, description);
    }

    #[test]
    fn names_of_several_words_and_weak_object_words_are_understood() {
        let category = |prompt: &str| {
            let parsed = parse_ok(prompt);
            assert!(
                parsed.unknown_words.is_empty(),
                "{prompt:?}: {:?}",
                parsed.unknown_words
            );
            parsed.description.category
        };
        // "tree" and "palm" both name objects; a palm tree is a palm.
        assert_eq!(category("a palm tree"), Category::Palm);
        assert_eq!(
            category("a tall palm tree with green fronds"),
            Category::Palm
        );
        assert_eq!(category("a pine tree"), Category::Pine);
        assert_eq!(category("an apple tree"), Category::Tree);
        assert_eq!(category("a tree stump"), Category::Stump);
        assert_eq!(category("a light house"), Category::Lighthouse);
        assert_eq!(category("a pick axe"), Category::Pickaxe);
        assert_eq!(category("a hot air balloon"), Category::Balloon);
        assert_eq!(category("a bell tower"), Category::Tower);
        // "cream" alone is a colour; "ice cream" is the object, its cone a part.
        let ice_cream = parse_ok("a pink ice cream cone with a red cherry").description;
        assert_eq!(ice_cream.category, Category::Icecream);
        assert_eq!(ice_cream.colour, Some(Colour::Pink));
        assert_eq!(
            ice_cream.part(PartSlot::Accents).unwrap().colour,
            Some(Colour::Red)
        );
        // "well" names a well only where nothing else is named.
        assert_eq!(category("a stone well with a red roof"), Category::Well);
        let chair = parse_ok("a well made red chair");
        assert_eq!(chair.description.category, Category::Chair);
        assert_eq!(chair.unknown_words, ["well"]);
        // A part word of one object does not join with another's name.
        assert_eq!(category("a key with a gold ring"), Category::Key);
        assert_eq!(category("a bow with a red string"), Category::Bow);
    }

    #[test]
    fn words_outside_the_vocabulary_are_read_by_meaning() {
        let blade = parse_ok("a crimson blade");
        assert_eq!(blade.description.category, Category::Sword);
        assert_eq!(blade.description.colour, Some(Colour::Red));
        assert_eq!(
            blade.read_as(),
            "read as: red sword (crimson → red, blade → sword)"
        );
        let blade_word = &blade.reading.words[2];
        assert!(
            matches!(blade_word.by, Some(ReadBy::Meaning | ReadBy::KindOf)),
            "{blade_word:?}"
        );
        assert!(blade_word.similarity > 0.5 && blade_word.similarity < 1.0);
        let car = parse_ok("a red sports car");
        assert_eq!(car.description.category, Category::Car);
        assert_eq!(car.description.colour, Some(Colour::Red));
        assert!(car.unknown_words.is_empty(), "{:?}", car.unknown_words);
        assert_eq!(parse_ok("a sedan").description.category, Category::Car);
        assert_eq!(
            parse_ok("a massive boulder").description.size,
            Some(SizeWord::Huge)
        );
    }

    #[test]
    fn the_words_of_a_second_object_stay_with_it() {
        let blade = parse_ok("a crimson blade on a wooden table");
        assert_eq!(blade.description.category, Category::Sword);
        assert_eq!(blade.description.colour, Some(Colour::Red));
        assert_eq!(blade.description.material, None);
        assert!(blade.reading.notes.is_empty(), "{:?}", blade.reading.notes);
        let table = &blade.objects[1].description;
        assert_eq!(table.category, Category::Table);
        assert_eq!(table.material, Some(Material::Wood));
        assert_eq!(blade.objects[0].placement, Placement::On(1));
        assert_eq!(blade.objects[1].placement, Placement::Ground);
        assert_eq!(
            blade.read_as(),
            "read as: red sword on a wood table (crimson → red, blade → sword, wooden → wood)"
        );
    }

    /// Each object of a prompt as (count, category, placement).
    fn objects_of(prompt: &str) -> Vec<(u32, Category, Placement)> {
        parse_ok(prompt)
            .objects
            .iter()
            .map(|object| (object.count, object.description.category, object.placement))
            .collect()
    }

    #[test]
    fn several_objects_are_read_with_where_each_stands() {
        use Category::*;
        use Placement::*;
        assert_eq!(
            objects_of("a cup on a table"),
            [(1, Cup, On(1)), (1, Table, Ground)]
        );
        assert_eq!(
            objects_of("a table with two cups on it"),
            [(1, Table, Ground), (2, Cup, On(0))]
        );
        // "with" alone: on a thing that holds things and is taller, else beside.
        assert_eq!(
            objects_of("a table with a vase"),
            [(1, Table, Ground), (1, Vase, On(0))]
        );
        assert_eq!(
            objects_of("a house with a tree"),
            [(1, House, Ground), (1, Tree, Beside(0))]
        );
        assert_eq!(
            objects_of("a lamp next to a bed"),
            [(1, Lamp, Beside(1)), (1, Bed, Ground)]
        );
        assert_eq!(
            objects_of("a sword and a shield"),
            [(1, Sword, Ground), (1, Shield, Beside(0))]
        );
        assert_eq!(objects_of("3 barrels"), [(3, Barrel, Ground)]);
        // Plural object words the word table lacks, and "around".
        assert_eq!(
            objects_of("two chairs around a table"),
            [(2, Chair, Beside(1)), (1, Table, Ground)]
        );
        assert_eq!(objects_of("a pile of logs")[0].1, Log);
        assert_eq!(objects_of("two chairs"), [(2, Chair, Ground)]);
        // A thing set on something set on a third.
        assert_eq!(
            objects_of("a candle on a chest on a cart"),
            [(1, Candle, On(1)), (1, Chest, On(2)), (1, Cart, Ground)]
        );
        // What cannot be shown is set beside, and said.
        let under = parse_ok("a crate under a table");
        assert_eq!(under.objects[0].placement, Beside(1));
        assert!(under.reading.notes[0].starts_with("under: the crate is set beside the table"));
        // "of" says what a thing is made of or shows: not a second object.
        assert_eq!(objects_of("a statue of a dog"), [(1, Statue, Ground)]);
        // Left out: not made.
        assert_eq!(objects_of("a table without a lamp"), [(1, Table, Ground)]);
        // A word Kiln does not make, beside a relation, stands in where it is a kind of a thing
        // Kiln makes or near one; never far off.
        let plate = parse_ok("a cup on a plate");
        assert_eq!(plate.objects.len(), 1, "{:?}", plate.read_as());
        assert!(plate.unknown_words.contains(&"plate".to_string()));
    }

    #[test]
    fn more_objects_than_an_item_holds_is_an_error_that_says_so() {
        assert_eq!(
            parse("twelve cups"),
            Err(PromptError::TooManyObjects { objects: 12 })
        );
        assert_eq!(parse_ok("eight cups").object_count(), 8);
        assert_eq!(
            parse("a table with 5 cups on it and 4 chairs"),
            Err(PromptError::TooManyObjects { objects: 10 })
        );
        let message = parse("twelve cups").unwrap_err().to_string();
        assert!(message.contains("at most 8"), "{message}");
    }

    #[test]
    fn the_line_of_several_objects_says_them_all() {
        for (prompt, line) in [
            ("a table with two cups on it", "a table, two cups on it"),
            ("three red benches", "three red benches"),
            ("a lamp beside a bed", "a lamp next to a bed"),
            ("a chair and a table", "a chair and a table"),
        ] {
            assert_eq!(parse_ok(prompt).model_prompt(), line);
        }
        assert_eq!(
            parse_ok("a tall red chair").model_prompt(),
            "a tall red chair"
        );
    }

    #[test]
    fn an_object_kiln_does_not_make_is_made_as_the_nearest_and_said() {
        let teapot = parse_ok("a blue teapot");
        assert_eq!(teapot.description.category, Category::Cup);
        assert_eq!(teapot.description.colour, Some(Colour::Blue));
        assert!(
            teapot.reading.notes[0].starts_with("teapot: not an object Kiln makes"),
            "{:?}",
            teapot.reading.notes
        );
        // Nothing near enough: an error, with no far-off suggestion.
        assert!(matches!(
            parse("a qwzxv"),
            Err(PromptError::NoObject { suggestions }) if suggestions.is_empty()
        ));
    }

    #[test]
    fn negations_are_read_and_said_not_dropped() {
        let chair = parse_ok("a chair that is not red");
        assert_eq!(chair.description.colour, None);
        assert!(
            chair
                .reading
                .notes
                .iter()
                .any(|note| note.starts_with("not red:"))
        );
        let chimney = parse_ok("a house without a chimney");
        assert_eq!(chimney.description.category, Category::House);
        assert!(
            chimney
                .reading
                .notes
                .iter()
                .any(|note| note.starts_with("without chimney:")),
            "{:?}",
            chimney.reading.notes
        );
        let house = parse_ok("a house without a roof");
        assert!(
            house
                .reading
                .notes
                .iter()
                .any(|note| note.starts_with("without roof:")),
            "{:?}",
            house.reading.notes
        );
    }

    #[test]
    fn what_a_thing_is_made_of_outranks_a_material_before_it() {
        let hatchet = parse_ok("a jade hatchet made of brass");
        assert_eq!(hatchet.description.category, Category::Axe);
        assert_eq!(hatchet.description.material, Some(Material::Metal));
        assert_eq!(hatchet.description.colour, Some(Colour::Green));
    }

    #[test]
    fn a_list_of_colours_gives_the_parts_in_turn() {
        let chair = parse_ok("a red and blue chair");
        assert_eq!(chair.description.colour, Some(Colour::Red));
        assert_eq!(
            chair.description.part(PartSlot::Legs).unwrap().colour,
            Some(Colour::Blue)
        );
        assert!(
            chair
                .reading
                .notes
                .contains(&"blue: given to the legs".to_string())
        );
    }

    #[test]
    fn numbers_in_digits_and_words_are_read() {
        let legs = |prompt: &str| {
            parse_ok(prompt)
                .description
                .part(PartSlot::Legs)
                .and_then(|legs| legs.count)
        };
        assert_eq!(legs("a table with 3 legs"), Some(3));
        assert_eq!(legs("a table with three legs"), Some(3));
        assert_eq!(legs("a chair with four gold legs"), Some(4));
        let many = parse_ok("a table with 9 legs");
        assert_eq!(
            many.description.part(PartSlot::Legs).unwrap().count,
            Some(6)
        );
        assert!(
            many.reading.notes[0].contains("made 6"),
            "{:?}",
            many.reading.notes
        );
        let barrels = parse_ok("two barrels");
        assert_eq!(barrels.description.category, Category::Barrel);
        assert_eq!(barrels.objects[0].count, 2);
        assert_eq!(parse_ok("2 barrels").objects[0].count, 2);
    }

    #[test]
    fn a_second_object_is_read_and_made() {
        let table = parse_ok("a small table with a lamp on it");
        assert_eq!(table.description.category, Category::Table);
        assert_eq!(table.description.size, Some(SizeWord::Small));
        assert!(table.unknown_words.is_empty(), "{:?}", table.unknown_words);
        assert_eq!(table.objects[1].description.category, Category::Lamp);
        assert_eq!(table.objects[1].placement, Placement::On(0));
        // A part in the singular where the object's part is plural is the part, not an object.
        let cactus = parse_ok("a tall green cactus with a pink flower");
        assert_eq!(cactus.description.category, Category::Cactus);
        assert!(
            cactus.reading.notes.is_empty(),
            "{:?}",
            cactus.reading.notes
        );
        assert_eq!(cactus.description.parts[0].colour, Some(Colour::Pink));
    }

    #[test]
    fn any_text_parses_without_panicking() {
        for prompt in [
            "\u{0}",
            "🪑 chair",
            "chair's legs",
            "ＣＨＡＩＲ",
            "a\nchair\twith\r\nlegs",
            "with with and",
        ] {
            let _ = parse(prompt);
        }
        assert_eq!(parse_ok("🪑 chair").description.category, Category::Chair);
    }
}
