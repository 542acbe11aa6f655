//! From free text to a [`Description`]: what object, in which colours and materials, how big,
//! which parts look how. Case, articles, word order, punctuation and simple paraphrases do not
//! matter ("A tall red chair with gold legs", "a chair, tall and red, legs of gold"); words Kiln
//! does not know are reported and ignored.
//!
//! Parsing is by clauses: a prompt splits at commas, "with", "and" and "but". A clause that names
//! a part of the object ("gold legs", "legs of gold") describes that part; every other colour or
//! material word describes the object as a whole.

use std::fmt;

use crate::vocab::{
    COMPOUNDS, COUNT_WORDS, Category, Colour, FILLER_WORDS, Material, PartSlot, Proportion,
    SizeWord, Style, WEAK_CATEGORY_WORDS,
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

/// A parsed prompt: the description and the words that were not understood.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParsedPrompt {
    pub description: Description,
    /// Words ignored because Kiln does not know them, in prompt order, each once.
    pub unknown_words: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PromptError {
    #[error("the prompt is empty: describe an object, e.g. \"a tall red chair with gold legs\"")]
    Empty,
    #[error(
        "the prompt is {chars} characters long; keep it under {MAX_PROMPT_CHARS}, e.g. \"a tall red chair with gold legs\""
    )]
    TooLong { chars: usize },
    #[error("{}", no_object_message(.suggestions))]
    NoObject {
        /// Known object words close to words of the prompt ("chiar" → "chair").
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
    let clauses = clauses(prompt);
    let words: Vec<&str> = clauses.iter().flatten().map(String::as_str).collect();
    if words.is_empty() {
        return Err(PromptError::Empty);
    }
    // The first object word, unless it is a weak one ("well") and another names an object.
    let Some(category) = words
        .iter()
        .filter(|word| !WEAK_CATEGORY_WORDS.contains(word))
        .chain(words.iter())
        .find_map(|word| Category::from_word(word))
    else {
        return Err(PromptError::NoObject {
            suggestions: suggest_objects(&words),
        });
    };

    let mut description = Description::plain(category);
    let mut unknown_words: Vec<String> = Vec::new();
    let mut category_seen = false;
    for clause in &clauses {
        let part_slot = clause
            .iter()
            .find_map(|word| category.part_for_word(word))
            .filter(|_| {
                !clause
                    .iter()
                    .any(|word| Category::from_word(word) == Some(category))
            });
        let mut part = part_slot.map(|slot| PartDescription {
            slot,
            colour: None,
            material: None,
            count: None,
        });
        for word in clause {
            let word = word.as_str();
            if Category::from_word(word) == Some(category) {
                category_seen = true;
                continue;
            }
            if category.part_for_word(word).is_some() {
                continue;
            }
            if let Some(colour) = Colour::from_word(word) {
                match &mut part {
                    Some(part) => part.colour = Some(colour),
                    None => description.colour = Some(colour),
                }
            } else if let Some(material) = Material::from_word(word) {
                match &mut part {
                    Some(part) => part.material = Some(material),
                    None => description.material = Some(material),
                }
            } else if let Some(size) = SizeWord::from_word(word) {
                description.size = Some(size);
            } else if let Some(proportion) = Proportion::from_word(word) {
                match proportion {
                    Proportion::Tall | Proportion::Short => description.height = Some(proportion),
                    Proportion::Wide | Proportion::Thin => description.width = Some(proportion),
                }
            } else if let Some(style) = Style::from_word(word) {
                description.style = Some(style);
            } else if let Some(&(_, count)) = COUNT_WORDS.iter().find(|(name, _)| *name == word) {
                // "one chair": a count outside a part phrase says nothing.
                if let Some(part) = &mut part {
                    part.count = Some(count);
                }
            } else if FILLER_WORDS.contains(&word) || word.chars().all(|c| c.is_ascii_digit()) {
            } else {
                push_unknown(&mut unknown_words, word);
            }
        }
        if let Some(part) = part {
            merge_part(&mut description.parts, part);
        }
    }
    debug_assert!(category_seen);
    Ok(ParsedPrompt {
        description,
        unknown_words,
    })
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

/// Lower-case words, grouped in clauses.
fn clauses(prompt: &str) -> Vec<Vec<String>> {
    let lowered = format!("{} ", prompt.to_lowercase())
        .replace("low-poly", "lowpoly")
        .replace("low poly", "lowpoly")
        .replace("'s ", " ")
        .replace("’s ", " ");
    let mut clauses = vec![Vec::new()];
    let mut word = String::new();
    let end_word = |word: &mut String, clauses: &mut Vec<Vec<String>>| {
        if word.is_empty() {
            return;
        }
        let done = std::mem::take(word);
        if matches!(
            done.as_str(),
            "with" | "and" | "but" | "plus" | "having" | "whose" | "where"
        ) {
            clauses.push(Vec::new());
        } else {
            clauses.last_mut().expect("never empty").push(done);
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
                clauses.push(Vec::new());
            }
        }
    }
    end_word(&mut word, &mut clauses);
    clauses.retain(|clause| !clause.is_empty());
    for clause in &mut clauses {
        join_compounds(clause);
    }
    clauses
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

/// Object words within two edits of a prompt word Kiln does not know, closest first, at most
/// three.
fn suggest_objects(words: &[&str]) -> Vec<String> {
    let mut scored: Vec<(usize, &str)> = Vec::new();
    for word in words {
        let known = Colour::from_word(word).is_some()
            || Material::from_word(word).is_some()
            || SizeWord::from_word(word).is_some()
            || Proportion::from_word(word).is_some()
            || Style::from_word(word).is_some()
            || FILLER_WORDS.contains(word);
        if word.len() < 3 || known {
            continue;
        }
        for category in Category::ALL {
            for known in category.words() {
                let distance = strsim::damerau_levenshtein(word, known);
                let allowed = if known.len() <= 4 { 1 } else { 2 };
                if distance <= allowed {
                    scored.push((distance, category.name()));
                }
            }
        }
    }
    scored.sort();
    let mut suggestions: Vec<String> = Vec::new();
    for (_, name) in scored {
        if !suggestions.iter().any(|known| known == name) && suggestions.len() < 3 {
            suggestions.push(name.to_string());
        }
    }
    suggestions
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
        match parse("a red chiar") {
            Err(error @ PromptError::NoObject { .. }) => {
                let PromptError::NoObject { suggestions } = &error else {
                    unreachable!()
                };
                assert_eq!(suggestions.first().map(String::as_str), Some("chair"));
                assert!(error.to_string().contains("did you mean \"chair\""));
            }
            other => panic!("{other:?}"),
        }
        assert!(matches!(
            parse("something nice"),
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
