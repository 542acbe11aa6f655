//! How well prompts are read, over a labelled set of prompts in words outside Kiln's list
//! (`data/reading-eval.tsv`, written by hand from what the words mean): object, colour and
//! material accuracy, objects offered that the labels say are wrong, how composed prompts
//! ("a cup on a table", "three barrels") are read, and how long reading takes.

use serde::Serialize;
use web_time::Instant;

use crate::layout::{REST_TOLERANCE, check_arrangement};
use crate::model::Generated;
use crate::prompt::{ParsedPrompt, Placement, parse};
use crate::reading::{ReadBy, WordKind};
use crate::vocab::{Category, Colour, Material};

/// The shipped labelled set.
pub const READING_EVAL_SET: &str = include_str!("../data/reading-eval.tsv");

/// One labelled prompt.
#[derive(Debug, Clone, PartialEq)]
pub struct ReadingCase {
    pub prompt: String,
    /// Objects a person accepts; empty where none of Kiln's fits ("a kitten").
    pub objects: Vec<Category>,
    /// Colours a person accepts; empty where the prompt names none.
    pub colours: Vec<Colour>,
    pub materials: Vec<Material>,
    /// The objects of a composed prompt in order ("table with 2 cup").
    pub composition: Vec<LabelledObject>,
}

/// One object of a composed prompt as labelled: how many, what (none: any object, where none of
/// Kiln's fits), and the object it rests on (an index into the composition; none: the ground).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LabelledObject {
    pub count: u32,
    pub category: Option<Category>,
    pub rests_on: Option<usize>,
}

impl LabelledObject {
    /// Whether `read` is this object: the same count and support, and the same category unless
    /// any is accepted.
    fn accepts(&self, read: &LabelledObject) -> bool {
        self.count == read.count
            && self.rests_on == read.rests_on
            && (self.category.is_none() || self.category == read.category)
    }
}

/// A line of the labelled set that cannot be read.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("reading eval set, line {line}: {reason}")]
pub struct ReadingSetError {
    pub line: usize,
    pub reason: String,
}

/// Reads a labelled set: `prompt<TAB>objects<TAB>colours<TAB>materials<TAB>composition`, each
/// label a `,`-separated list of Kiln words or `-`; `#` starts a comment.
pub fn read_cases(text: &str) -> Result<Vec<ReadingCase>, ReadingSetError> {
    let mut cases = Vec::new();
    for (i, line) in text.lines().enumerate() {
        if line.starts_with('#') || line.trim().is_empty() {
            continue;
        }
        let error = |reason: String| ReadingSetError {
            line: i + 1,
            reason,
        };
        let fields: Vec<&str> = line.split('\t').collect();
        let [prompt, objects, colours, materials, composition] = fields[..] else {
            return Err(error(format!("{} fields, not 5", fields.len())));
        };
        fn labels<T: Copy>(
            field: &str,
            from_word: impl Fn(&str) -> Option<T>,
        ) -> Result<Vec<T>, String> {
            if field == "-" {
                return Ok(Vec::new());
            }
            field
                .split(',')
                .map(|word| from_word(word).ok_or_else(|| format!("{word:?} is not a Kiln word")))
                .collect()
        }
        let composition = composition_labels(composition).map_err(error)?;
        cases.push(ReadingCase {
            prompt: prompt.to_string(),
            objects: labels(objects, Category::from_word).map_err(error)?,
            colours: labels(colours, Colour::from_word).map_err(error)?,
            materials: labels(materials, Material::from_word).map_err(error)?,
            composition,
        });
    }
    Ok(cases)
}

/// "table with 2 cup" → one table, and two cups resting on it: objects in order (`-`: any
/// object), a number counting the object after it. "X on Y": X rests on Y; "X with Y": Y rests
/// on X; "next_to", "and", "under", "behind": side by side.
fn composition_labels(field: &str) -> Result<Vec<LabelledObject>, String> {
    if field == "-" {
        return Ok(Vec::new());
    }
    let mut objects: Vec<LabelledObject> = Vec::new();
    let mut count = None;
    let mut relation: Option<&str> = None;
    for word in field.split_whitespace() {
        if let Ok(n) = word.parse::<u32>() {
            count = Some(n);
            continue;
        }
        let category = match word {
            "-" => None,
            _ => match Category::from_word(word) {
                Some(category) => Some(category),
                None if matches!(word, "on" | "next_to" | "with" | "and" | "under" | "behind") => {
                    relation = Some(word);
                    continue;
                }
                None => {
                    return Err(format!(
                        "{word:?} is neither a Kiln object, a number nor a relation"
                    ));
                }
            },
        };
        let index = objects.len();
        let mut object = LabelledObject {
            count: count.take().unwrap_or(1),
            category,
            rests_on: None,
        };
        match relation.take() {
            Some("on") if index > 0 => objects[index - 1].rests_on = Some(index),
            Some("with") if index > 0 => object.rests_on = Some(index - 1),
            _ => {}
        }
        objects.push(object);
    }
    Ok(objects)
}

/// The objects of a parsed prompt in the labels' form.
fn read_composition(parsed: &ParsedPrompt) -> Vec<LabelledObject> {
    parsed
        .objects
        .iter()
        .map(|object| LabelledObject {
            count: object.count,
            category: Some(object.description.category),
            rests_on: match object.placement {
                Placement::On(support) => Some(support),
                Placement::Ground | Placement::Beside(_) => None,
            },
        })
        .collect()
}

/// Right answers out of the cases that have one.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct Score {
    pub right: usize,
    pub of: usize,
}

impl Score {
    fn add(&mut self, right: bool) {
        self.of += 1;
        self.right += usize::from(right);
    }

    pub fn ratio(&self) -> f64 {
        if self.of == 0 {
            return 0.0;
        }
        self.right as f64 / self.of as f64
    }
}

/// What [`evaluate_reading`] measured.
#[derive(Debug, Clone, Default, Serialize)]
pub struct ReadingReport {
    pub cases: usize,
    /// The object, over prompts whose object Kiln makes.
    pub object: Score,
    /// The colour, over prompts that name one.
    pub colour: Score,
    /// The material, over prompts that name one.
    pub material: Score,
    /// Prompts that name no colour (or material) but were given one.
    pub colour_added: usize,
    pub material_added: usize,
    /// Objects read, with their counts, in order, over composed prompts.
    pub composition: Score,
    /// Objects offered (read, stood in or suggested) that the labels say are wrong, for words
    /// whose right object Kiln makes: "far-off" suggestions. The goal is none.
    pub far_off: Vec<String>,
    /// Prompts whose object Kiln does not make, and what was made instead: for the eye.
    pub stand_ins: Vec<String>,
    /// Every case read wrong, with what was read.
    pub wrong: Vec<String>,
    /// Microseconds to read one prompt: median and 95th percentile over `repeats` passes.
    pub read_us_p50: f64,
    pub read_us_p95: f64,
}

/// How the objects of composed prompts stand once the model has made them.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct ArrangementReport {
    /// Items whose objects all rest on the ground or on what they stand on, none intersecting
    /// another ([`check_arrangement`]), over composed prompts and seeds.
    pub arranged: Score,
    /// Each item that failed, with why.
    pub failures: Vec<String>,
}

/// The cases labelled as composed whose prompt reads as several objects: what
/// [`evaluate_arrangement`] makes.
pub fn composed_cases(cases: &[ReadingCase]) -> impl Iterator<Item = &ReadingCase> {
    cases.iter().filter(|case| {
        !case.composition.is_empty() && parse(&case.prompt).is_ok_and(|parsed| parsed.is_composed())
    })
}

/// Makes each composed prompt of `cases` that reads as several objects with seeds `0..seeds`
/// by `generate` (the model) and checks how its objects stand.
pub fn evaluate_arrangement<E: std::fmt::Display>(
    cases: &[ReadingCase],
    seeds: u64,
    mut generate: impl FnMut(&str, u64) -> Result<Generated, E>,
) -> ArrangementReport {
    let mut report = ArrangementReport::default();
    for case in composed_cases(cases) {
        for seed in 0..seeds {
            let outcome = generate(&case.prompt, seed)
                .map_err(|error| error.to_string())
                .and_then(|generated| {
                    let placed: Vec<(&crate::Mesh, Option<usize>)> = generated
                        .objects
                        .iter()
                        .map(|object| (&object.mesh, object.rests_on))
                        .collect();
                    check_arrangement(&placed, REST_TOLERANCE).map_err(|error| error.to_string())
                });
            report.arranged.add(outcome.is_ok());
            if let Err(error) = outcome {
                report
                    .failures
                    .push(format!("{} (seed {seed}): {error}", case.prompt));
            }
        }
    }
    report
}

/// Reads every case, scores it, and times reading over `repeats` passes of the set.
pub fn evaluate_reading(cases: &[ReadingCase], repeats: usize) -> ReadingReport {
    let mut report = ReadingReport {
        cases: cases.len(),
        ..Default::default()
    };
    for case in cases {
        let parsed = parse(&case.prompt);
        let mut wrong = Vec::new();
        match &parsed {
            Ok(parsed) => score(case, parsed, &mut report, &mut wrong),
            Err(error) => {
                if !case.objects.is_empty() {
                    report.object.add(false);
                    wrong.push(format!("object: refused ({error})"));
                    if let crate::PromptError::NoObject { suggestions } = error {
                        for suggestion in suggestions {
                            if !case
                                .objects
                                .iter()
                                .any(|object| object.name() == suggestion)
                            {
                                report
                                    .far_off
                                    .push(format!("{}: suggested {suggestion}", case.prompt));
                            }
                        }
                    }
                } else {
                    report.stand_ins.push(format!("{}: refused", case.prompt));
                }
                if !case.colours.is_empty() {
                    report.colour.add(false);
                }
                if !case.materials.is_empty() {
                    report.material.add(false);
                }
                if !case.composition.is_empty() {
                    report.composition.add(false);
                }
            }
        }
        if !wrong.is_empty() {
            let read = parsed.as_ref().map_or_else(
                |error| error.to_string(),
                |parsed| parsed.read_as().to_string(),
            );
            report
                .wrong
                .push(format!("{}: {} [{read}]", case.prompt, wrong.join("; ")));
        }
    }
    let mut times: Vec<f64> = Vec::new();
    for _ in 0..repeats {
        for case in cases {
            let started = Instant::now();
            let _ = std::hint::black_box(parse(std::hint::black_box(&case.prompt)));
            times.push(started.elapsed().as_secs_f64() * 1e6);
        }
    }
    times.sort_by(f64::total_cmp);
    let percentile = |p: f64| {
        times
            .get(((times.len() as f64 - 1.0) * p).round() as usize)
            .copied()
            .unwrap_or(0.0)
    };
    report.read_us_p50 = percentile(0.5);
    report.read_us_p95 = percentile(0.95);
    report
}

fn score(
    case: &ReadingCase,
    parsed: &ParsedPrompt,
    report: &mut ReadingReport,
    wrong: &mut Vec<String>,
) {
    let description = &parsed.description;
    let main = parsed.reading.words.iter().find(|word| {
        word.as_concept() == Some(crate::reading::Concept::Category(description.category))
    });
    if case.objects.is_empty() {
        report
            .stand_ins
            .push(format!("{}: {}", case.prompt, parsed.read_as()));
    } else {
        let right = case.objects.contains(&description.category);
        report.object.add(right);
        if !right {
            wrong.push(format!("object {}", description.category));
            if main.is_some_and(|word| word.by != Some(ReadBy::Exact)) {
                report
                    .far_off
                    .push(format!("{}: made {}", case.prompt, description.category));
            }
        }
    }
    for word in &parsed.reading.words {
        if word.kind == WordKind::NotUnderstood && !case.objects.is_empty() {
            for suggestion in &word.suggestions {
                if Category::from_word(suggestion).is_some()
                    && !case
                        .objects
                        .iter()
                        .any(|object| object.name() == suggestion)
                {
                    report.far_off.push(format!(
                        "{}: suggested {suggestion} for {}",
                        case.prompt, word.word
                    ));
                }
            }
        }
    }
    match (case.colours.is_empty(), description.colour) {
        (true, Some(colour)) => {
            report.colour_added += 1;
            wrong.push(format!("colour {colour} added"));
        }
        (true, None) => {}
        (false, colour) => {
            let right = colour.is_some_and(|colour| case.colours.contains(&colour));
            report.colour.add(right);
            if !right {
                wrong.push(format!("colour {colour:?}"));
            }
        }
    }
    match (case.materials.is_empty(), description.material) {
        (true, Some(material)) => {
            report.material_added += 1;
            wrong.push(format!("material {material} added"));
        }
        (true, None) => {}
        (false, material) => {
            let right = material.is_some_and(|material| case.materials.contains(&material));
            report.material.add(right);
            if !right {
                wrong.push(format!("material {material:?}"));
            }
        }
    }
    if !case.composition.is_empty() {
        let read = read_composition(parsed);
        let right = read.len() == case.composition.len()
            && case
                .composition
                .iter()
                .zip(&read)
                .all(|(label, read)| label.accepts(read));
        report.composition.add(right);
        if !right {
            wrong.push(format!("objects {}", parsed.model_prompt()));
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_shipped_set_reads_and_is_large_enough() {
        let cases = read_cases(READING_EVAL_SET).unwrap();
        assert!(cases.len() >= 300, "{} cases", cases.len());
        assert!(
            cases
                .iter()
                .filter(|case| !case.composition.is_empty())
                .count()
                >= 5
        );
    }

    #[test]
    fn a_bad_label_is_an_error_with_its_line() {
        let error = read_cases("# head\na chair\tchiar\t-\t-\t-\n").unwrap_err();
        assert_eq!(error.line, 2);
        assert!(error.reason.contains("chiar"));
        assert_eq!(read_cases("a chair\tchair\n").unwrap_err().line, 1);
    }

    #[test]
    fn wrong_readings_are_scored_wrong() {
        // Labels that the reading cannot meet: every score can fail.
        let cases = read_cases(
            "a red chair\ttable\tblue\tgold\t-\na cup on a table\tcup\t-\t-\ttable on cup\n",
        )
        .unwrap();
        let report = evaluate_reading(&cases, 1);
        assert_eq!(report.object, Score { right: 1, of: 2 });
        // A refused prompt is one miss for each label, however many answers it accepts.
        let refused = read_cases("a qwzxv\tchair,table\tred,pink\twood\t-\n").unwrap();
        let refused = evaluate_reading(&refused, 1);
        assert_eq!(refused.colour, Score { right: 0, of: 1 });
        assert_eq!(refused.material, Score { right: 0, of: 1 });
        assert_eq!(report.colour, Score { right: 0, of: 1 });
        assert_eq!(report.material, Score { right: 0, of: 1 });
        assert_eq!(report.composition, Score { right: 0, of: 1 });
        assert_eq!(report.wrong.len(), 2);
    }

    #[test]
    fn composition_labels_count_the_object_after_a_number() {
        let object = |count, category, rests_on| LabelledObject {
            count,
            category: Some(category),
            rests_on,
        };
        assert_eq!(
            composition_labels("table with 2 cup").unwrap(),
            [
                object(1, Category::Table, None),
                object(2, Category::Cup, Some(0))
            ]
        );
        assert_eq!(
            composition_labels("cup on table").unwrap(),
            [
                object(1, Category::Cup, Some(1)),
                object(1, Category::Table, None)
            ]
        );
        assert!(composition_labels("table beyond cup").is_err());
    }
}
