//! The model's input: a description as a short list of (role, word) tokens. A colour on the
//! legs and a colour on the whole object are the same word in different roles, so the encoder
//! can bind each word to what it describes.

use crate::prompt::Description;
use crate::vocab::{
    COUNT_WORDS, Category, Colour, Material, PartSlot, Proportion, SizeWord, Style,
};

/// Word ids: categories, colours, materials, sizes, proportions, styles, counts, then padding.
const CATEGORY_BASE: usize = 0;
const COLOUR_BASE: usize = CATEGORY_BASE + Category::ALL.len();
const MATERIAL_BASE: usize = COLOUR_BASE + Colour::ALL.len();
const SIZE_BASE: usize = MATERIAL_BASE + Material::ALL.len();
const PROPORTION_BASE: usize = SIZE_BASE + SizeWord::ALL.len();
const STYLE_BASE: usize = PROPORTION_BASE + Proportion::ALL.len();
const COUNT_BASE: usize = STYLE_BASE + Style::ALL.len();
/// The padding word, which the encoder masks out.
pub const PAD_WORD: usize = COUNT_BASE + COUNT_WORDS.len();
/// Distinct word ids, padding included.
pub const WORDS: usize = PAD_WORD + 1;
/// Role 0 is the whole object; role 1 + slot is that part.
pub const ROLES: usize = 1 + PartSlot::ALL.len();
/// Tokens per description, padded.
pub const MAX_TOKENS: usize = 16;

/// Whether `word` says what something looks like (a colour or a material) rather than what
/// shape it is: nothing in the data makes a shape depend on such words.
pub fn is_appearance(word: u32) -> bool {
    (COLOUR_BASE..SIZE_BASE).contains(&(word as usize))
}

/// One description as padded token ids.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Tokens {
    pub words: [u32; MAX_TOKENS],
    pub roles: [u32; MAX_TOKENS],
    /// How many leading entries are real tokens.
    pub len: usize,
}

/// The tokens of `description`, in a fixed order (the encoder pools them, so order does not
/// matter to it, but a fixed order keeps results bit-identical).
pub fn tokenize(description: &Description) -> Tokens {
    let mut pairs: Vec<(usize, usize)> = vec![(0, CATEGORY_BASE + description.category.index())];
    pairs.extend(description.colour.map(|c| (0, COLOUR_BASE + c.index())));
    pairs.extend(description.material.map(|m| (0, MATERIAL_BASE + m.index())));
    pairs.extend(description.size.map(|s| (0, SIZE_BASE + s.index())));
    pairs.extend(description.height.map(|p| (0, PROPORTION_BASE + p.index())));
    pairs.extend(description.width.map(|p| (0, PROPORTION_BASE + p.index())));
    pairs.extend(description.style.map(|s| (0, STYLE_BASE + s.index())));
    for part in &description.parts {
        let role = 1 + part.slot.index();
        pairs.extend(part.colour.map(|c| (role, COLOUR_BASE + c.index())));
        pairs.extend(part.material.map(|m| (role, MATERIAL_BASE + m.index())));
        pairs.extend(part.count.and_then(|count| {
            COUNT_WORDS
                .iter()
                .position(|(_, n)| *n == count)
                .map(|position| (role, COUNT_BASE + position))
        }));
    }
    pairs.truncate(MAX_TOKENS);
    let mut tokens = Tokens {
        words: [PAD_WORD as u32; MAX_TOKENS],
        roles: [0; MAX_TOKENS],
        len: pairs.len(),
    };
    for (i, (role, word)) in pairs.into_iter().enumerate() {
        tokens.roles[i] = role as u32;
        tokens.words[i] = word as u32;
    }
    tokens
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
        assert_eq!(tokens.words[1] as usize, COLOUR_BASE + Colour::Red.index());
        assert_eq!(
            tokens.words[2] as usize,
            MATERIAL_BASE + Material::Gold.index()
        );
        assert!(tokens.words[3..].iter().all(|&w| w as usize == PAD_WORD));
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
            .map(|&word| is_appearance(word))
            .collect();
        assert_eq!(appearance, [false, true, false, true]);
        assert!(!is_appearance(PAD_WORD as u32));
    }

    #[test]
    fn every_word_id_is_in_range() {
        let mut sampler = crate::data::Sampler::new(9);
        for _ in 0..1000 {
            let tokens = tokenize(&sampler.any_description());
            assert!(tokens.words.iter().all(|&w| (w as usize) < WORDS));
            assert!(tokens.roles.iter().all(|&r| (r as usize) < ROLES));
        }
    }
}
