//! Training and evaluation data: random descriptions within the vocabulary, captions that say
//! them in many ways, and the held-out combinations that training never sees (so evaluation
//! measures composition, not memory).

use rand::{RngExt, SeedableRng};
use rand_pcg::Pcg64Mcg;

use crate::prompt::{Description, PartDescription};
use crate::vocab::{
    COUNT_WORDS, Category, Colour, Material, PartSlot, Proportion, SizeWord, Style,
};

/// An attribute that can pair with a category.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Attribute {
    Colour(Colour),
    Material(Material),
    /// A colour on one part ("a sword with a red hilt").
    PartColour(PartSlot, Colour),
}

/// Combinations no training sample contains. Evaluation asks for exactly these.
pub const HELD_OUT: &[(Category, Attribute)] = &[
    (Category::Mushroom, Attribute::Colour(Colour::Blue)),
    (Category::Chair, Attribute::Colour(Colour::Green)),
    (Category::Table, Attribute::Colour(Colour::Red)),
    (Category::Vase, Attribute::Colour(Colour::Yellow)),
    (Category::Tower, Attribute::Colour(Colour::Purple)),
    (Category::Boat, Attribute::Colour(Colour::Pink)),
    (Category::Lamp, Attribute::Colour(Colour::Teal)),
    (Category::Cup, Attribute::Colour(Colour::Black)),
    (Category::House, Attribute::Colour(Colour::Blue)),
    (Category::Barrel, Attribute::Colour(Colour::White)),
    (Category::Crown, Attribute::Material(Material::Silver)),
    (Category::Sword, Attribute::Material(Material::Crystal)),
    (Category::Bench, Attribute::Material(Material::Stone)),
    (
        Category::Sword,
        Attribute::PartColour(PartSlot::Handle, Colour::Red),
    ),
    (
        Category::Mushroom,
        Attribute::PartColour(PartSlot::Accents, Colour::Yellow),
    ),
    (
        Category::Chair,
        Attribute::PartColour(PartSlot::Legs, Colour::Black),
    ),
];

impl Description {
    /// Whether this description contains a held-out combination.
    pub fn is_held_out(&self) -> bool {
        HELD_OUT.iter().any(|&(category, attribute)| {
            category == self.category
                && match attribute {
                    Attribute::Colour(colour) => self.colour == Some(colour),
                    Attribute::Material(material) => self.material == Some(material),
                    Attribute::PartColour(slot, colour) => self
                        .part(slot)
                        .is_some_and(|part| part.colour == Some(colour)),
                }
        })
    }
}

/// Draws random descriptions and captions; the same seed gives the same sequence.
pub struct Sampler {
    rng: Pcg64Mcg,
    categories: &'static [Category],
}

impl Sampler {
    /// A sampler over every category.
    pub fn new(seed: u64) -> Self {
        Sampler::within(seed, Category::ALL)
    }

    /// A sampler over `categories` only (a network trained on an earlier vocabulary learns
    /// from the categories it has words for, without drawing and dropping the others).
    pub fn within(seed: u64, categories: &'static [Category]) -> Self {
        assert!(!categories.is_empty(), "a sampler needs a category to draw");
        Sampler {
            rng: Pcg64Mcg::seed_from_u64(seed),
            categories,
        }
    }

    fn chance(&mut self, p: f64) -> bool {
        self.rng.random_bool(p)
    }

    fn choose<T: Copy>(&mut self, items: &[T]) -> T {
        items[self.rng.random_range(0..items.len())]
    }

    /// A random description outside the held-out set.
    pub fn training_description(&mut self) -> Description {
        loop {
            let description = self.any_description();
            if !description.is_held_out() {
                return description;
            }
        }
    }

    /// A random description, held-out combinations included.
    pub fn any_description(&mut self) -> Description {
        let category = self.choose(self.categories);
        let mut description = Description::plain(category);
        if self.chance(0.6) {
            description.colour = Some(self.choose(Colour::ALL));
        }
        if self.chance(0.35) {
            description.material = Some(self.choose(Material::ALL));
        }
        if self.chance(0.4) {
            description.size = Some(self.choose(SizeWord::ALL));
        }
        if self.chance(0.35) {
            description.height = Some(self.choose(&[Proportion::Tall, Proportion::Short]));
        }
        if self.chance(0.3) {
            description.width = Some(self.choose(&[Proportion::Wide, Proportion::Thin]));
        }
        if self.chance(0.25) {
            description.style = Some(self.choose(Style::ALL));
        }
        for part in category.parts() {
            if !self.chance(0.3) {
                continue;
            }
            let mut described = PartDescription {
                slot: part.slot,
                colour: None,
                material: None,
                count: None,
            };
            if self.chance(0.75) {
                described.colour = Some(self.choose(Colour::ALL));
            }
            if described.colour.is_none() || self.chance(0.3) {
                described.material = Some(self.choose(Material::ALL));
            }
            if part.slot == PartSlot::Legs && self.chance(0.4) {
                described.count = Some(self.choose(&[3, 4, 5, 6]));
            }
            description.parts.push(described);
        }
        description
    }

    /// A caption for `description` in one of many phrasings, all of which parse back to it.
    pub fn caption(&mut self, description: &Description) -> String {
        let category = description.category;
        let noun = self.synonym(category.words());
        let mut adjectives: Vec<String> = Vec::new();
        if let Some(size) = description.size {
            adjectives.push(self.synonym(size.words()));
        }
        if let Some(height) = description.height {
            adjectives.push(self.synonym(height.words()));
        }
        if let Some(width) = description.width {
            adjectives.push(self.synonym(width.words()));
        }
        if let Some(style) = description.style {
            adjectives.push(self.synonym(style.words()));
        }
        let colour = description
            .colour
            .map(|colour| self.synonym(colour.words()));
        let material = description
            .material
            .map(|material| self.synonym(material.words()));
        let article = self.choose(&["a ", "an ", "the ", "one ", ""]);

        let mut text = match self.rng.random_range(0..4) {
            // "a tall red wooden chair"
            0 => {
                let mut words = adjectives.clone();
                words.extend(colour.clone());
                words.extend(material.clone());
                words.push(noun.clone());
                format!("{article}{}", words.join(" "))
            }
            // "a chair, tall and red, made of wood"
            1 => {
                let mut text = format!("{article}{noun}");
                let mut traits = adjectives.clone();
                traits.extend(colour.clone());
                if !traits.is_empty() {
                    let last = traits.pop().expect("not empty");
                    if traits.is_empty() {
                        text.push_str(&format!(", {last}"));
                    } else {
                        text.push_str(&format!(", {} and {last}", traits.join(", ")));
                    }
                }
                if let Some(material) = &material {
                    text.push_str(&format!(", made of {material}"));
                }
                text
            }
            // "red wooden tall chair"
            2 => {
                let mut words: Vec<String> =
                    colour.iter().chain(material.iter()).cloned().collect();
                words.extend(adjectives.clone());
                words.push(noun.clone());
                words.join(" ")
            }
            // "a chair that is tall and red"
            _ => {
                let mut traits = adjectives.clone();
                traits.extend(colour.clone());
                traits.extend(material.clone());
                if traits.is_empty() {
                    format!("{article}{noun}")
                } else {
                    format!("{article}{noun} that is {}", traits.join(" and "))
                }
            }
        };

        for (i, part) in description.parts.iter().enumerate() {
            let words = category
                .parts()
                .iter()
                .find(|known| known.slot == part.slot)
                .map_or(&[][..], |known| known.words);
            let part_word = self.synonym(words);
            let count = part.count.map(|count| {
                COUNT_WORDS
                    .iter()
                    .find(|(_, n)| *n == count)
                    .map_or("", |(name, _)| name)
                    .to_string()
            });
            let colour = part.colour.map(|colour| self.synonym(colour.words()));
            let material = part.material.map(|material| self.synonym(material.words()));
            let joiner = if i == 0 {
                self.choose(&[" with ", ", with ", "; ", " having "])
            } else {
                self.choose(&[" and ", ", ", " with ", " plus "])
            };
            let phrase = if count.is_none() && material.is_some() && self.chance(0.4) {
                // "legs of gold", "legs in red made of gold"
                let mut phrase = part_word.clone();
                if let Some(colour) = &colour {
                    phrase = format!("{colour} {phrase}");
                }
                format!("{phrase} of {}", material.clone().expect("checked"))
            } else {
                let words: Vec<String> = count
                    .into_iter()
                    .chain(colour)
                    .chain(material)
                    .chain(std::iter::once(part_word))
                    .collect();
                words.join(" ")
            };
            text.push_str(joiner);
            text.push_str(&phrase);
        }

        match self.rng.random_range(0..10) {
            0 => text = text.to_uppercase(),
            1 | 2 => {
                let mut chars = text.chars();
                text = chars
                    .next()
                    .map(|first| first.to_uppercase().chain(chars).collect())
                    .unwrap_or_default();
            }
            _ => {}
        }
        text.push_str(self.choose(&["", "", ".", "!"]));
        text
    }

    fn synonym(&mut self, words: &[&str]) -> String {
        // The canonical word half of the time, so captions read naturally.
        if words.len() > 1 && self.chance(0.5) {
            self.choose(&words[1..]).to_string()
        } else {
            words.first().copied().unwrap_or("").to_string()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::parse;

    #[test]
    fn every_caption_parses_back_to_its_description() {
        let mut sampler = Sampler::new(1);
        for _ in 0..5000 {
            let description = sampler.any_description();
            let caption = sampler.caption(&description);
            let parsed = parse(&caption).unwrap_or_else(|error| panic!("{caption:?}: {error}"));
            assert_eq!(parsed.description, description, "{caption:?}");
            assert!(
                parsed.unknown_words.is_empty(),
                "{caption:?}: {:?}",
                parsed.unknown_words
            );
        }
    }

    #[test]
    fn training_never_sees_a_held_out_combination() {
        let mut sampler = Sampler::new(2);
        let mut held_out_drawn = 0;
        for _ in 0..5000 {
            assert!(!sampler.training_description().is_held_out());
            held_out_drawn += usize::from(sampler.any_description().is_held_out());
        }
        // The held-out set is small but real: unrestricted sampling does draw it.
        assert!(held_out_drawn > 10, "{held_out_drawn}");
    }

    #[test]
    fn the_same_seed_draws_the_same_data() {
        let draw = |seed| {
            let mut sampler = Sampler::new(seed);
            (0..20)
                .map(|_| {
                    let description = sampler.training_description();
                    sampler.caption(&description)
                })
                .collect::<Vec<_>>()
        };
        assert_eq!(draw(3), draw(3));
        assert_ne!(draw(3), draw(4));
    }
}
