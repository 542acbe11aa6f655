//! The model's input: a description as a short list of (role, word) tokens. A colour on the
//! legs and a colour on the whole object are the same word in different roles, so the encoder
//! can bind each word to what it describes.

use crate::prompt::Description;
use crate::vocab::{
    COUNT_WORDS, Category, Colour, Material, PartSlot, Proportion, SizeWord, Style,
};

/// Tokens per description, padded.
pub const MAX_TOKENS: usize = 16;

/// The ids a network's words and roles have. Word ids run: categories, colours, materials,
/// sizes, proportions, styles, counts, then padding; role 0 is the whole object and role
/// 1 + slot that part. New categories and part slots are added at the end of their lists, so
/// a network trained on fewer keeps reading its own words as it learned them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct TokenSpace {
    categories: usize,
    part_slots: usize,
}

impl TokenSpace {
    /// The field generator's (version 1), as it shipped: 32 categories, 19 part slots.
    pub const FIELD: TokenSpace = TokenSpace {
        categories: 32,
        part_slots: 19,
    };
    /// This build's whole vocabulary: the part generator's.
    pub const CURRENT: TokenSpace = TokenSpace {
        categories: Category::ALL.len(),
        part_slots: PartSlot::ALL.len(),
    };

    const fn colour_base(self) -> usize {
        self.categories
    }

    const fn size_base(self) -> usize {
        self.colour_base() + Colour::ALL.len() + Material::ALL.len()
    }

    const fn count_base(self) -> usize {
        self.size_base() + SizeWord::ALL.len() + Proportion::ALL.len() + Style::ALL.len()
    }

    /// The padding word, which encoders mask out.
    pub const fn pad(self) -> usize {
        self.count_base() + COUNT_WORDS.len()
    }

    /// Distinct word ids, padding included.
    pub const fn words(self) -> usize {
        self.pad() + 1
    }

    /// Distinct roles: the whole object and every part slot.
    pub const fn roles(self) -> usize {
        1 + self.part_slots
    }

    /// Part slots a network of this space colours.
    pub const fn part_slots(self) -> usize {
        self.part_slots
    }

    /// The categories the space has words for (those of this build, where it has fewer).
    pub fn categories(self) -> &'static [Category] {
        &Category::ALL[..self.categories.min(Category::ALL.len())]
    }

    /// Whether this build has a word for every id of the space.
    pub fn fits_this_build(self) -> bool {
        self.categories <= Category::ALL.len() && self.part_slots <= PartSlot::ALL.len()
    }

    /// Whether `word` says what something looks like (a colour or a material) rather than what
    /// shape it is: nothing in the data makes a shape depend on such words.
    pub fn is_appearance(self, word: u32) -> bool {
        (self.colour_base()..self.size_base()).contains(&(word as usize))
    }

    /// The tokens of `description`, in a fixed order (encoders pool them, so order does not
    /// matter to them, but a fixed order keeps results bit-identical); `None` where it names a
    /// category or part this space has no id for.
    pub fn tokenize(self, description: &Description) -> Option<Tokens> {
        if description.category.index() >= self.categories
            || description
                .parts
                .iter()
                .any(|part| part.slot.index() >= self.part_slots)
        {
            return None;
        }
        let material_base = self.colour_base() + Colour::ALL.len();
        let proportion_base = self.size_base() + SizeWord::ALL.len();
        let style_base = proportion_base + Proportion::ALL.len();
        let mut pairs: Vec<(usize, usize)> = vec![(0, description.category.index())];
        pairs.extend(
            description
                .colour
                .map(|c| (0, self.colour_base() + c.index())),
        );
        pairs.extend(description.material.map(|m| (0, material_base + m.index())));
        pairs.extend(description.size.map(|s| (0, self.size_base() + s.index())));
        pairs.extend(description.height.map(|p| (0, proportion_base + p.index())));
        pairs.extend(description.width.map(|p| (0, proportion_base + p.index())));
        pairs.extend(description.style.map(|s| (0, style_base + s.index())));
        for part in &description.parts {
            let role = 1 + part.slot.index();
            pairs.extend(part.colour.map(|c| (role, self.colour_base() + c.index())));
            pairs.extend(part.material.map(|m| (role, material_base + m.index())));
            pairs.extend(part.count.and_then(|count| {
                COUNT_WORDS
                    .iter()
                    .position(|(_, n)| *n == count)
                    .map(|position| (role, self.count_base() + position))
            }));
        }
        pairs.truncate(MAX_TOKENS);
        let mut tokens = Tokens {
            words: [self.pad() as u32; MAX_TOKENS],
            roles: [0; MAX_TOKENS],
            len: pairs.len(),
        };
        for (i, (role, word)) in pairs.into_iter().enumerate() {
            tokens.roles[i] = role as u32;
            tokens.words[i] = word as u32;
        }
        Some(tokens)
    }
}

/// sha256 (hex) of what a network of `space` reads and predicts: every word id's word, the
/// roles, and each of its categories' parts in order (the part generator's piece slots follow
/// it). Weights record it; a build that means something else by any of it refuses them instead
/// of misreading them. Only the space's own ids count, so categories added later leave the
/// hash of older weights alone; synonyms are not part of it either (a new word for a known
/// thing changes no id).
pub fn vocabulary_sha256(space: TokenSpace) -> String {
    use sha2::{Digest, Sha256};
    use std::fmt::Write;
    let categories = &Category::ALL[..space.categories.min(Category::ALL.len())];
    let slots = &PartSlot::ALL[..space.part_slots.min(PartSlot::ALL.len())];
    let mut text = String::new();
    let mut list = |kind: &str, names: Vec<String>| {
        let _ = writeln!(text, "{kind}: {}", names.join(","));
    };
    list(
        "categories",
        categories.iter().map(|c| c.name().to_owned()).collect(),
    );
    list(
        "colours",
        Colour::ALL.iter().map(|c| c.name().to_owned()).collect(),
    );
    list(
        "materials",
        Material::ALL.iter().map(|m| m.name().to_owned()).collect(),
    );
    list(
        "sizes",
        SizeWord::ALL.iter().map(|s| s.name().to_owned()).collect(),
    );
    list(
        "proportions",
        Proportion::ALL
            .iter()
            .map(|p| p.name().to_owned())
            .collect(),
    );
    list(
        "styles",
        Style::ALL.iter().map(|s| s.name().to_owned()).collect(),
    );
    list(
        "counts",
        COUNT_WORDS
            .iter()
            .map(|(word, _)| (*word).to_owned())
            .collect(),
    );
    list(
        "roles",
        slots.iter().map(|slot| format!("{slot:?}")).collect(),
    );
    for category in categories {
        list(
            category.name(),
            category
                .parts()
                .iter()
                .map(|part| format!("{:?}", part.slot))
                .collect(),
        );
    }
    let _ = writeln!(text, "tokens: {MAX_TOKENS}");
    Sha256::digest(text.as_bytes())
        .iter()
        .map(|byte| format!("{byte:02x}"))
        .collect()
}

/// One description as padded token ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub words: [u32; MAX_TOKENS],
    pub roles: [u32; MAX_TOKENS],
    /// How many leading entries are real tokens.
    pub len: usize,
}

/// The tokens of `description` in this build's whole vocabulary ([`TokenSpace::CURRENT`]).
pub fn tokenize(description: &Description) -> Tokens {
    TokenSpace::CURRENT
        .tokenize(description)
        .expect("every category and part slot has an id in the current space")
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::prompt::parse;

    #[test]
    fn part_words_carry_their_part_as_role() {
        let tokens = tokenize(&parse("a red chair with gold legs").unwrap().description);
        assert_eq!(tokens.len, 3);
        assert_eq!(tokens.roles[..3], [0, 0, 1 + PartSlot::Legs.index() as u32]);
        assert_eq!(
            tokens.words[1] as usize,
            TokenSpace::CURRENT.colour_base() + Colour::Red.index()
        );
        assert_eq!(
            tokens.words[2] as usize,
            TokenSpace::CURRENT.colour_base() + Colour::ALL.len() + Material::Gold.index()
        );
        assert!(
            tokens.words[3..]
                .iter()
                .all(|&w| w as usize == TokenSpace::CURRENT.pad())
        );
    }

    #[test]
    fn colours_and_materials_are_appearance_words() {
        let tokens = tokenize(
            &parse("a huge red chair with gold legs")
                .unwrap()
                .description,
        );
        let appearance: Vec<bool> = tokens.words[..tokens.len]
            .iter()
            .map(|&word| TokenSpace::CURRENT.is_appearance(word))
            .collect();
        assert_eq!(appearance, [false, true, false, true]);
        assert!(!TokenSpace::CURRENT.is_appearance(TokenSpace::CURRENT.pad() as u32));
    }

    #[test]
    fn every_word_id_is_in_range() {
        let mut sampler = crate::data::Sampler::new(9);
        for _ in 0..1000 {
            let tokens = tokenize(&sampler.any_description());
            assert!(
                tokens
                    .words
                    .iter()
                    .all(|&w| (w as usize) < TokenSpace::CURRENT.words())
            );
            assert!(
                tokens
                    .roles
                    .iter()
                    .all(|&r| (r as usize) < TokenSpace::CURRENT.roles())
            );
        }
    }
}
