//! `kiln-cli vocab`: every word the generator understands.

use kiln_gen::vocab::{Category, Colour, Material, Proportion, SizeWord, Style};
use serde::Serialize;

use crate::output;

#[derive(Serialize)]
struct Vocabulary {
    objects: Vec<Object>,
    colours: Vec<Words>,
    materials: Vec<Words>,
    sizes: Vec<Words>,
    proportions: Vec<Words>,
    styles: Vec<Words>,
}

#[derive(Serialize)]
struct Object {
    name: &'static str,
    words: &'static [&'static str],
    typical_height_m: f32,
    parts: Vec<&'static [&'static str]>,
}

#[derive(Serialize)]
struct Words {
    name: &'static str,
    words: &'static [&'static str],
}

pub fn run(json: bool) -> anyhow::Result<()> {
    fn words<T: Copy>(
        all: &[T],
        name: fn(T) -> &'static str,
        words: fn(T) -> &'static [&'static str],
    ) -> Vec<Words> {
        all.iter()
            .map(|&item| Words {
                name: name(item),
                words: words(item),
            })
            .collect()
    }
    let vocabulary = Vocabulary {
        objects: Category::ALL
            .iter()
            .map(|&category| Object {
                name: category.name(),
                words: category.words(),
                typical_height_m: category.typical_height(),
                parts: category.parts().iter().map(|part| part.words).collect(),
            })
            .collect(),
        colours: words(Colour::ALL, Colour::name, Colour::words),
        materials: words(Material::ALL, Material::name, Material::words),
        sizes: words(SizeWord::ALL, SizeWord::name, SizeWord::words),
        proportions: words(Proportion::ALL, Proportion::name, Proportion::words),
        styles: words(Style::ALL, Style::name, Style::words),
    };
    output::print(json, &vocabulary, |out| {
        writeln!(out, "Objects ({}):", vocabulary.objects.len())?;
        for object in &vocabulary.objects {
            let parts: Vec<&str> = object.parts.iter().map(|words| words[0]).collect();
            writeln!(
                out,
                "  {:<9} {:<32} about {} m; parts: {}",
                object.name,
                object.words[1..].join(", "),
                object.typical_height_m,
                parts.join(", ")
            )?;
        }
        for (title, list) in [
            ("Colours", &vocabulary.colours),
            ("Materials", &vocabulary.materials),
            ("Sizes", &vocabulary.sizes),
            ("Proportions", &vocabulary.proportions),
            ("Styles", &vocabulary.styles),
        ] {
            let names: Vec<String> = list
                .iter()
                .map(|words| {
                    if words.words.len() > 1 {
                        format!("{} ({})", words.name, words.words[1..].join(", "))
                    } else {
                        words.name.to_string()
                    }
                })
                .collect();
            writeln!(out, "{title}: {}", names.join(", "))?;
        }
        writeln!(
            out,
            "Describe parts with \"with\": \"a tall red chair with gold legs\", \"a sword with a blue hilt\"."
        )
    })
}
