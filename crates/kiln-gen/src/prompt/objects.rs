//! The objects a prompt names and where each one stands: "a table with two cups on it" is a
//! table on the ground and two cups on its top; "a lamp next to a bed" is two objects side by
//! side. Each object is a phrase whose last object word is its head ("a wooden table"); a
//! number before the phrase counts it; a relation between two phrases ("on", "next to") says
//! where the first stands against the second, and a relation with nothing after it ("on it",
//! "on top") refers to the prompt's main object.

use serde::Serialize;

use crate::reading::{self, Concept, ReadBy, Relation, WordKind, WordReading};
use crate::vocab::{Category, WEAK_CATEGORY_WORDS};

use super::{Description, phrase_ranges};

/// At most this many objects (counting each of "three cups") make one item: more would not be
/// one thing, and each one is a run of the model.
pub const MAX_OBJECTS: u32 = 8;

/// Where an object of a prompt stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Placement {
    /// On the ground.
    Ground,
    /// On the upper surface of the object at this index of the prompt's objects.
    On(usize),
    /// Beside the object at this index, on whatever that one stands on.
    Beside(usize),
}

/// One object a prompt names: what it is, how many of it, and where they stand.
#[derive(Debug, Clone, PartialEq)]
pub struct PromptObject {
    pub description: Description,
    pub count: u32,
    pub placement: Placement,
}

/// A phrase of a prompt that names an object.
#[derive(Debug, Clone)]
pub(super) struct Mention {
    pub clause: usize,
    /// The phrase's words: `start..end` of the clause's readings.
    pub start: usize,
    pub end: usize,
    /// The word that names the object.
    pub head: usize,
    pub category: Category,
    pub count: u32,
}

impl Mention {
    /// The phrase as typed, which is parsed on its own for the object's description.
    pub fn text(&self, clauses: &[Vec<WordReading>]) -> String {
        clauses[self.clause][self.start..self.end]
            .iter()
            .map(|reading| reading.word.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

/// The phrases that name objects, in prompt order, the main object's (`main`: clause and word)
/// among them. A phrase after "of" or "from" says what something is made of or shows ("a
/// statue of a horse"), and a negated one is left out ("without a lamp"): neither is made.
/// A phrase beside a relation whose last word names nothing Kiln knows stands in as the
/// nearest object ("a dragon on a rock"), and its reading says so.
pub(super) fn mentions(clauses: &mut [Vec<WordReading>], main: (usize, usize)) -> Vec<Mention> {
    let mut found = Vec::new();
    for (clause, readings) in clauses.iter_mut().enumerate() {
        for std::ops::Range { start, end } in phrase_ranges(readings) {
            if start == end {
                continue;
            }
            let before = start.checked_sub(1).map(|i| &readings[i]);
            // "three cups", and "a pair of boots": a count and "of".
            let counted = match before {
                Some(reading) if reading.word == "of" => start.checked_sub(2).map(|i| &readings[i]),
                _ => before,
            }
            .filter(|reading| reading.kind == WordKind::Count);
            let count = counted.and_then(|reading| reading.count).unwrap_or(1);
            let left_out = counted.is_none()
                && before.is_some_and(|reading| {
                    reading.kind == WordKind::Negation
                        || reading::MATERIAL_MARKERS.contains(&reading.word.as_str())
                });
            let head = (start..end)
                .rev()
                .find_map(|i| match readings[i].as_concept() {
                    Some(Concept::Category(category))
                        if (clause, i) == main
                            || !WEAK_CATEGORY_WORDS.contains(&readings[i].word.as_str()) =>
                    {
                        Some((i, category))
                    }
                    _ => None,
                });
            let contains_main = main.0 == clause && (start..end).contains(&main.1);
            let beside_relation = before.is_some_and(|reading| reading.kind == WordKind::Relation)
                || readings
                    .get(end)
                    .is_some_and(|reading| reading.kind == WordKind::Relation);
            let named = match head {
                Some((i, category)) if contains_main || !left_out => Some((i, category)),
                None if beside_relation && !left_out => {
                    stand_in(&mut readings[start..end]).map(|(at, category)| (start + at, category))
                }
                _ => None,
            };
            if let Some((head, category)) = named {
                found.push(Mention {
                    clause,
                    start,
                    end,
                    head: if contains_main { main.1 } else { head },
                    category,
                    count,
                });
            }
        }
    }
    found
}

/// A phrase's last word that names nothing Kiln knows, read as the nearest object it makes
/// where it is a kind of one or near one ("a spaniel" is a dog).
fn stand_in(phrase: &mut [WordReading]) -> Option<(usize, Category)> {
    let at = phrase
        .iter()
        .rposition(|reading| reading.kind != WordKind::Filler)?;
    let reading = &mut phrase[at];
    if reading.kind != WordKind::NotUnderstood {
        return None;
    }
    // Beside another object, a word stands in only where it is a kind of an object or near one
    // ("a plate" is not a burger).
    let (category, similarity, _) = reading::stand_in(&reading.word)
        .filter(|(_, similarity, kind)| *kind || *similarity >= reading::SUGGESTION_FLOOR)?;
    *reading = WordReading::concept(
        &reading.word,
        Concept::Category(category),
        ReadBy::StandIn,
        similarity,
        Some(category),
    );
    Some((at, category))
}

/// Objects that things are set on when a prompt says only "with" ("a table with a vase"); other
/// objects get what comes with them beside them ("a house with a tree").
fn holds_things(category: Category) -> bool {
    use Category::*;
    matches!(
        category,
        Table
            | Stool
            | Bench
            | Chest
            | Barrel
            | Crate
            | Stump
            | Anvil
            | Cake
            | Bookshelf
            | Wardrobe
            | Fireplace
            | Haybale
            | Cart
            | Rock
    )
}

/// Where each mentioned object stands, from the relations between them. `joiners`: the word
/// that began each clause ("with", "and"), if any. Relations Kiln cannot show are said in
/// `notes` with what was made instead.
pub(super) fn placements(
    mentions: &[Mention],
    main: usize,
    clauses: &[Vec<WordReading>],
    joiners: &[Option<String>],
    notes: &mut Vec<String>,
) -> Vec<Placement> {
    let mut placed = vec![Placement::Ground; mentions.len()];
    let relation_in = |clause: usize, range: std::ops::Range<usize>| {
        clauses[clause][range]
            .iter()
            .rev()
            .find_map(|reading| Some((reading.relation?, reading.word.clone())))
    };
    for (clause, readings) in clauses.iter().enumerate() {
        let mut previous: Option<usize> = None;
        for m in (0..mentions.len()).filter(|&m| mentions[m].clause == clause) {
            let from = previous.map_or(0, |p| mentions[p].end);
            let relation = relation_in(clause, from..mentions[m].start);
            match (previous, relation) {
                (Some(p), Some(relation)) => relate(&mut placed, mentions, p, relation, m, notes),
                (Some(p), None) => placed[m] = Placement::Beside(p),
                (None, Some(relation)) if m != main => {
                    relate(&mut placed, mentions, main, relation, m, notes)
                }
                (None, _) if m != main => {
                    let with = joiners[clause].as_deref() == Some("with");
                    let (object, other) = (mentions[main].category, mentions[m].category);
                    placed[m] = if with
                        && holds_things(object)
                        && other.typical_height() < object.typical_height()
                    {
                        Placement::On(main)
                    } else {
                        Placement::Beside(main)
                    };
                }
                _ => {}
            }
            previous = Some(m);
        }
        // "two cups on it", "a lamp on top": a relation after the clause's last object refers to
        // the main object.
        if let Some(last) = previous.filter(|&last| last != main)
            && let Some(relation) = relation_in(clause, mentions[last].end..readings.len())
        {
            relate(&mut placed, mentions, last, relation, main, notes);
        }
    }
    placed
}

/// Sets where `object` stands against `other` for the relation `(relation, word)` between them.
fn relate(
    placed: &mut [Placement],
    mentions: &[Mention],
    object: usize,
    (relation, word): (Relation, String),
    other: usize,
    notes: &mut Vec<String>,
) {
    if object == other {
        return;
    }
    let (name, other_name) = (
        mentions[object].category.name(),
        mentions[other].category.name(),
    );
    let mut note = |text: String| {
        if !notes.contains(&text) {
            notes.push(text);
        }
    };
    match relation {
        Relation::On | Relation::In => {
            if rests_on(placed, other, object) {
                note(format!(
                    "{word}: the {other_name} already stands on the {name}; set beside it"
                ));
                placed[object] = Placement::Beside(other);
                return;
            }
            if relation == Relation::In {
                note(format!(
                    "{word}: the {name} is set on the {other_name}; Kiln does not put one thing inside another"
                ));
            }
            placed[object] = Placement::On(other);
        }
        Relation::NextTo => placed[object] = Placement::Beside(other),
        Relation::Under | Relation::Behind | Relation::InFrontOf => {
            note(format!(
                "{word}: the {name} is set beside the {other_name}; Kiln sets things on or beside each other"
            ));
            placed[object] = Placement::Beside(other);
        }
    }
}

/// Whether `object` stands, through whatever it stands on, on `support`.
fn rests_on(placed: &[Placement], object: usize, support: usize) -> bool {
    let mut at = object;
    for _ in 0..placed.len() {
        match placed[at] {
            Placement::On(below) if below == support => return true,
            Placement::On(below) | Placement::Beside(below) => at = below,
            Placement::Ground => return false,
        }
    }
    false
}

/// "two red cups" for two of "a red cup": the count in words and the object's name in the
/// plural.
pub(super) fn counted_caption(description: &Description, count: u32) -> String {
    let caption = description.to_string();
    if count == 1 {
        return caption;
    }
    let rest = caption.strip_prefix("a ").unwrap_or(&caption);
    let name = description.category.name();
    let plural = plural(name);
    let mut words: Vec<&str> = rest.split(' ').collect();
    if let Some(at) = words.iter().position(|word| *word == name) {
        words[at] = &plural;
    }
    let number = match count {
        2 => "two",
        3 => "three",
        4 => "four",
        5 => "five",
        6 => "six",
        7 => "seven",
        8 => "eight",
        _ => return format!("{count} {}", words.join(" ")),
    };
    format!("{number} {}", words.join(" "))
}

/// The plural of an object's name.
fn plural(name: &str) -> String {
    match name {
        "fish" => return name.to_string(),
        "cactus" => return "cacti".to_string(),
        _ => {}
    }
    if let Some(stem) = name.strip_suffix("shelf") {
        return format!("{stem}shelves");
    }
    if ["s", "x", "ch", "sh"].iter().any(|end| name.ends_with(end)) {
        return format!("{name}es");
    }
    if let Some(stem) = name.strip_suffix('y')
        && !stem.ends_with(['a', 'e', 'i', 'o', 'u'])
    {
        return format!("{stem}ies");
    }
    format!("{name}s")
}

/// The objects as one line: "a red sword on a wooden table", "a table with two cups on it",
/// "three barrels".
pub fn composition_caption(objects: &[PromptObject]) -> String {
    let mut line = String::new();
    for (i, object) in objects.iter().enumerate() {
        let caption = counted_caption(&object.description, object.count);
        if i == 0 {
            line.push_str(&caption);
            continue;
        }
        let previous = &objects[i - 1];
        let joined = match (previous.placement, object.placement) {
            (Placement::On(j), _) if j == i => format!(" on {caption}"),
            (Placement::Beside(j), _) if j == i => format!(" next to {caption}"),
            (_, Placement::On(j)) if j + 1 == i => format!(", {caption} on it"),
            (_, Placement::On(j)) => {
                format!(
                    ", {caption} on the {}",
                    objects[j].description.category.name()
                )
            }
            _ => format!(" and {caption}"),
        };
        line.push_str(&joined);
    }
    line
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn plurals_follow_english() {
        for (one, many) in [
            ("cup", "cups"),
            ("bench", "benches"),
            ("bush", "bushes"),
            ("bookshelf", "bookshelves"),
            ("cactus", "cacti"),
            ("candy", "candies"),
            ("key", "keys"),
            ("fish", "fish"),
        ] {
            assert_eq!(plural(one), many);
        }
    }
}
