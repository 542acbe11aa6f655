//! The words Kiln understands: object categories, colours, materials, size, proportion and
//! style words, and the parts of each object that a prompt may describe. The model is trained on
//! exactly these words; everything else in a prompt is reported as unknown and ignored.

use std::fmt;

/// Defines a closed set of words as an enum with its canonical names and synonyms.
macro_rules! word_set {
    ($(#[$meta:meta])* $name:ident { $($variant:ident => [$canonical:literal $(, $synonym:literal)*]),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum $name { $($variant),+ }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            /// The word used in captions and listings.
            pub fn name(self) -> &'static str {
                match self { $($name::$variant => $canonical),+ }
            }

            /// Every word that means this, the canonical one first.
            pub fn words(self) -> &'static [&'static str] {
                match self { $($name::$variant => &[$canonical $(, $synonym)*]),+ }
            }

            /// Position in [`Self::ALL`], the index the model's tables use.
            pub fn index(self) -> usize {
                self as usize
            }

            pub fn from_word(word: &str) -> Option<Self> {
                Self::ALL.iter().copied().find(|item| item.words().contains(&word))
            }
        }

        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.name())
            }
        }
    };
}

word_set! {
    /// What the object is.
    Category {
        Chair => ["chair", "armchair"],
        Table => ["table", "desk"],
        Stool => ["stool"],
        Bed => ["bed"],
        Lamp => ["lamp", "lantern"],
        Tree => ["tree"],
        Pine => ["pine", "fir", "spruce", "conifer"],
        Cactus => ["cactus"],
        Mushroom => ["mushroom", "toadstool"],
        Flower => ["flower", "tulip", "daisy"],
        Rock => ["rock", "boulder"],
        Tower => ["tower", "turret"],
        House => ["house", "hut", "cottage", "home"],
        Arch => ["arch", "archway"],
        Bridge => ["bridge"],
        Fence => ["fence"],
        Pillar => ["pillar", "column"],
        Sword => ["sword", "katana", "sabre", "saber"],
        Shield => ["shield"],
        Axe => ["axe", "ax"],
        Hammer => ["hammer", "mallet"],
        Crown => ["crown"],
        Key => ["key"],
        Barrel => ["barrel", "cask"],
        Chest => ["chest", "treasure"],
        Vase => ["vase", "urn"],
        Cup => ["cup", "mug"],
        Bottle => ["bottle", "flask"],
        Boat => ["boat", "ship"],
        Rocket => ["rocket", "spaceship"],
        Mailbox => ["mailbox", "postbox"],
        Bench => ["bench"],
        // Home.
        Sofa => ["sofa", "couch", "settee"],
        Wardrobe => ["wardrobe", "cabinet", "cupboard", "closet", "armoire"],
        Bookshelf => ["bookshelf", "bookcase", "shelf"],
        Candle => ["candle", "candlestick"],
        Clock => ["clock"],
        Mirror => ["mirror"],
        Piano => ["piano"],
        Fireplace => ["fireplace", "hearth"],
        Bathtub => ["bathtub", "bath", "tub"],
        // Nature.
        Palm => ["palm"],
        Bush => ["bush", "shrub"],
        Log => ["log"],
        Stump => ["stump"],
        Haybale => ["haybale", "hay", "bale"],
        Pumpkin => ["pumpkin"],
        Apple => ["apple"],
        Sunflower => ["sunflower"],
        Bamboo => ["bamboo"],
        // Buildings and landmarks.
        Castle => ["castle", "fortress", "fort"],
        Windmill => ["windmill", "mill"],
        Well => ["well"],
        Tent => ["tent"],
        Fountain => ["fountain"],
        Statue => ["statue", "sculpture"],
        Gate => ["gate"],
        Lighthouse => ["lighthouse"],
        Obelisk => ["obelisk"],
        Pyramid => ["pyramid", "ziggurat"],
        // Vehicles.
        Cart => ["cart", "wagon"],
        Car => ["car", "automobile"],
        Truck => ["truck", "lorry"],
        Train => ["train", "locomotive"],
        Plane => ["plane", "airplane", "aeroplane", "aircraft"],
        Helicopter => ["helicopter", "chopper"],
        Balloon => ["balloon"],
        Bicycle => ["bicycle", "bike"],
        // Props.
        Crate => ["crate"],
        Sack => ["sack", "bag"],
        Signpost => ["signpost", "fingerpost"],
        Campfire => ["campfire", "bonfire"],
        Anvil => ["anvil"],
        Cauldron => ["cauldron"],
        Torch => ["torch"],
        Bell => ["bell"],
        Ladder => ["ladder"],
        Gravestone => ["gravestone", "tombstone", "headstone", "grave"],
        // Tools and weapons.
        Bow => ["bow", "longbow"],
        Spear => ["spear", "lance", "javelin"],
        Staff => ["staff"],
        Wand => ["wand"],
        Shovel => ["shovel", "spade"],
        Pickaxe => ["pickaxe"],
        Scythe => ["scythe"],
        // Food.
        Cake => ["cake"],
        Bread => ["bread", "loaf"],
        Donut => ["donut", "doughnut"],
        Icecream => ["icecream", "gelato"],
        Burger => ["burger", "hamburger", "cheeseburger"],
        // Creatures and figures.
        Snowman => ["snowman"],
        Robot => ["robot", "android"],
        Duck => ["duck"],
        Fish => ["fish"],
        Scarecrow => ["scarecrow"],
        Dog => ["dog", "puppy", "hound"],
    }
}

word_set! {
    /// Colour words; each has one sRGB value the generator paints with.
    Colour {
        Red => ["red", "crimson", "scarlet"],
        Orange => ["orange"],
        Yellow => ["yellow"],
        Lime => ["lime"],
        Green => ["green"],
        Teal => ["teal", "turquoise", "cyan"],
        Blue => ["blue", "azure"],
        Navy => ["navy"],
        Purple => ["purple", "violet"],
        Pink => ["pink", "magenta"],
        Brown => ["brown"],
        Beige => ["beige", "tan", "cream"],
        White => ["white"],
        Gray => ["gray", "grey"],
        Black => ["black"],
        Maroon => ["maroon"],
    }
}

word_set! {
    /// What the object is made of: how it is lit (metallic, roughness, emission) and, where the
    /// prompt names no colour, its colour.
    Material {
        Wood => ["wood", "wooden", "oak", "timber"],
        Stone => ["stone", "marble", "granite"],
        Metal => ["metal", "metallic", "iron", "steel"],
        Gold => ["gold", "golden"],
        Silver => ["silver"],
        Glass => ["glass"],
        Crystal => ["crystal", "crystalline", "glowing"],
        Plastic => ["plastic"],
        Cloth => ["cloth", "fabric", "woolen", "velvet"],
        Ceramic => ["ceramic", "porcelain", "clay"],
    }
}

word_set! {
    /// Overall size, relative to the category's typical size.
    SizeWord {
        Tiny => ["tiny", "miniature", "mini"],
        Small => ["small", "little"],
        Large => ["large", "big"],
        Huge => ["huge", "giant", "enormous", "gigantic"],
    }
}

word_set! {
    /// Proportion words: they change height against width.
    Proportion {
        Tall => ["tall", "high"],
        Short => ["short", "low", "squat"],
        Wide => ["wide", "broad", "fat"],
        Thin => ["thin", "narrow", "slim", "slender"],
    }
}

word_set! {
    /// Surface style.
    Style {
        Round => ["round", "rounded", "smooth", "soft"],
        Blocky => ["blocky", "lowpoly", "boxy", "angular", "square"],
    }
}

/// A part of an object that a prompt can colour or make of a material ("with a gold hilt").
/// Parts are shared slots across categories (a sword's hilt and an axe's handle are both
/// [`PartSlot::Handle`]), so what the model learns about one carries to the others; each category
/// says which slots it has and which words name them ([`Category::parts`]).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum PartSlot {
    Legs,
    Seat,
    Back,
    Top,
    Base,
    Body,
    Pole,
    Head,
    Handle,
    Trim,
    Accents,
    Roof,
    Door,
    Leaves,
    Trunk,
    Cap,
    Blanket,
    Shade,
    Sail,
    Wheels,
    Wings,
    Flame,
    Arms,
    Tail,
}

impl PartSlot {
    pub const ALL: &'static [PartSlot] = &[
        PartSlot::Legs,
        PartSlot::Seat,
        PartSlot::Back,
        PartSlot::Top,
        PartSlot::Base,
        PartSlot::Body,
        PartSlot::Pole,
        PartSlot::Head,
        PartSlot::Handle,
        PartSlot::Trim,
        PartSlot::Accents,
        PartSlot::Roof,
        PartSlot::Door,
        PartSlot::Leaves,
        PartSlot::Trunk,
        PartSlot::Cap,
        PartSlot::Blanket,
        PartSlot::Shade,
        PartSlot::Sail,
        PartSlot::Wheels,
        PartSlot::Wings,
        PartSlot::Flame,
        PartSlot::Arms,
        PartSlot::Tail,
    ];

    pub fn index(self) -> usize {
        self as usize
    }
}

/// A part of one category: its slot and the words that name it, the caption word first.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct PartWords {
    pub slot: PartSlot,
    pub words: &'static [&'static str],
}

/// Number words for part counts ("with four legs").
pub const COUNT_WORDS: &[(&str, u8)] = &[
    ("one", 1),
    ("two", 2),
    ("three", 3),
    ("four", 4),
    ("five", 5),
    ("six", 6),
];

/// Names of more than one word, each read as the one word after it: "a palm tree" is a palm,
/// "a light house" a lighthouse and "ice cream" no colour. Longer names first.
pub const COMPOUNDS: &[(&[&str], &str)] = &[
    (&["hot", "air", "balloon"], "balloon"),
    (&["air", "balloon"], "balloon"),
    (&["ice", "cream"], "icecream"),
    (&["palm", "tree"], "palm"),
    (&["pine", "tree"], "pine"),
    (&["fir", "tree"], "fir"),
    (&["spruce", "tree"], "spruce"),
    (&["apple", "tree"], "tree"),
    (&["tree", "stump"], "stump"),
    (&["bell", "tower"], "tower"),
    (&["light", "house"], "lighthouse"),
    (&["log", "cabin"], "cottage"),
    (&["wind", "mill"], "windmill"),
    (&["hay", "bale"], "haybale"),
    (&["pick", "axe"], "pickaxe"),
    (&["pick", "ax"], "pickaxe"),
    (&["grandfather", "clock"], "clock"),
    (&["sign", "post"], "signpost"),
    (&["camp", "fire"], "campfire"),
    (&["fire", "place"], "fireplace"),
    (&["book", "shelf"], "bookshelf"),
    (&["book", "case"], "bookcase"),
    (&["snow", "man"], "snowman"),
    (&["sun", "flower"], "sunflower"),
    (&["tomb", "stone"], "tombstone"),
];

/// Object words that are also everyday words of another kind ("a well made chair"): they name
/// the object only where the prompt names no other.
pub const WEAK_CATEGORY_WORDS: &[&str] = &["well"];

/// Words that carry no meaning for the generator.
pub const FILLER_WORDS: &[&str] = &[
    "a", "an", "the", "some", "with", "and", "of", "made", "out", "in", "that", "which", "has",
    "have", "having", "is", "are", "its", "it", "very", "quite", "really", "kind", "sort",
    "looking", "style", "styled", "colored", "coloured", "color", "colour", "whose", "on", "for",
    "please", "make", "me", "create", "i", "want", "like", "from", "be", "should", "would",
];

impl Category {
    /// Typical height in metres of a plain (no size word) object.
    pub fn typical_height(self) -> f32 {
        use Category::*;
        match self {
            Chair => 0.95,
            Table => 0.75,
            Stool => 0.6,
            Bed => 0.6,
            Lamp => 1.6,
            Tree => 6.0,
            Pine => 8.0,
            Cactus => 1.8,
            Mushroom => 0.25,
            Flower => 0.45,
            Rock => 0.9,
            Tower => 12.0,
            House => 6.0,
            Arch => 4.0,
            Bridge => 2.0,
            Fence => 1.1,
            Pillar => 4.0,
            Sword => 1.0,
            Shield => 0.8,
            Axe => 0.8,
            Hammer => 0.45,
            Crown => 0.15,
            Key => 0.12,
            Barrel => 0.9,
            Chest => 0.6,
            Vase => 0.45,
            Cup => 0.1,
            Bottle => 0.3,
            Boat => 2.0,
            Rocket => 6.0,
            Mailbox => 1.2,
            Bench => 0.85,
            Sofa => 0.85,
            Wardrobe => 2.0,
            Bookshelf => 1.8,
            Candle => 0.25,
            Clock => 2.0,
            Mirror => 1.7,
            // A grand piano with its lid propped open.
            Piano => 1.5,
            Fireplace => 1.4,
            Bathtub => 0.65,
            Palm => 7.0,
            Bush => 1.0,
            // Lying down: its thickness.
            Log => 0.5,
            Stump => 0.5,
            // A round bale on its side.
            Haybale => 1.2,
            Pumpkin => 0.4,
            Apple => 0.09,
            Sunflower => 2.0,
            Bamboo => 5.0,
            Castle => 15.0,
            Windmill => 12.0,
            Well => 2.5,
            Tent => 1.8,
            Fountain => 2.0,
            Statue => 2.5,
            Gate => 2.5,
            Lighthouse => 16.0,
            Obelisk => 8.0,
            Pyramid => 30.0,
            Cart => 1.3,
            Car => 1.5,
            Truck => 3.2,
            Train => 4.0,
            Plane => 3.0,
            Helicopter => 3.5,
            Balloon => 18.0,
            Bicycle => 1.05,
            Crate => 0.8,
            Sack => 0.7,
            Signpost => 2.2,
            Campfire => 0.8,
            // On its wooden block.
            Anvil => 0.8,
            Cauldron => 0.7,
            Torch => 0.6,
            // Hung in its frame.
            Bell => 2.0,
            Ladder => 3.0,
            Gravestone => 1.0,
            Bow => 1.5,
            Spear => 2.2,
            Staff => 1.8,
            Wand => 0.35,
            Shovel => 1.2,
            Pickaxe => 0.9,
            Scythe => 1.8,
            Cake => 0.3,
            Bread => 0.12,
            Donut => 0.04,
            Icecream => 0.2,
            Burger => 0.1,
            Snowman => 1.6,
            Robot => 1.8,
            Duck => 0.35,
            Fish => 0.25,
            Scarecrow => 1.8,
            Dog => 0.6,
        }
    }

    /// The parts of this category a prompt may name. The first slot is the object's main body:
    /// a colour or material word outside any part phrase applies to it and to every part the
    /// prompt does not describe.
    pub fn parts(self) -> &'static [PartWords] {
        use Category::*;
        use PartSlot::*;
        match self {
            Chair => &[
                PartWords {
                    slot: Seat,
                    words: &["seat", "cushion"],
                },
                PartWords {
                    slot: Legs,
                    words: &["legs", "leg", "feet"],
                },
                PartWords {
                    slot: Back,
                    words: &["back", "backrest"],
                },
            ],
            Table => &[
                PartWords {
                    slot: Top,
                    words: &["top", "tabletop", "surface"],
                },
                PartWords {
                    slot: Legs,
                    words: &["legs", "leg"],
                },
            ],
            Stool => &[
                PartWords {
                    slot: Seat,
                    words: &["seat", "top", "cushion"],
                },
                PartWords {
                    slot: Legs,
                    words: &["legs", "leg"],
                },
            ],
            Bed => &[
                PartWords {
                    slot: Base,
                    words: &["frame", "base"],
                },
                PartWords {
                    slot: Blanket,
                    words: &["blanket", "sheets", "mattress", "cover"],
                },
                PartWords {
                    slot: Back,
                    words: &["headboard"],
                },
            ],
            Lamp => &[
                PartWords {
                    slot: Base,
                    words: &["base", "foot", "stand"],
                },
                PartWords {
                    slot: Pole,
                    words: &["pole", "stem", "post"],
                },
                PartWords {
                    slot: Shade,
                    words: &["shade", "lampshade", "light", "bulb"],
                },
            ],
            Tree => &[
                PartWords {
                    slot: Leaves,
                    words: &["leaves", "foliage", "canopy"],
                },
                PartWords {
                    slot: Trunk,
                    words: &["trunk", "bark", "branches"],
                },
            ],
            Pine => &[
                PartWords {
                    slot: Leaves,
                    words: &["needles", "leaves", "foliage", "branches"],
                },
                PartWords {
                    slot: Trunk,
                    words: &["trunk", "bark"],
                },
            ],
            Cactus => &[
                PartWords {
                    slot: Body,
                    words: &["body", "stem", "arms"],
                },
                PartWords {
                    slot: Accents,
                    words: &["flowers", "blossoms", "blossom", "spines"],
                },
            ],
            Mushroom => &[
                PartWords {
                    slot: Cap,
                    words: &["cap", "top", "head"],
                },
                PartWords {
                    slot: Pole,
                    words: &["stem", "stalk"],
                },
                PartWords {
                    slot: Accents,
                    words: &["spots", "dots"],
                },
            ],
            Flower => &[
                PartWords {
                    slot: Accents,
                    words: &["petals", "petal", "blossom", "bloom"],
                },
                PartWords {
                    slot: Pole,
                    words: &["stem", "stalk"],
                },
                PartWords {
                    slot: Leaves,
                    words: &["leaves", "leaf"],
                },
            ],
            Rock => &[
                PartWords {
                    slot: Body,
                    words: &["body", "surface"],
                },
                PartWords {
                    slot: Accents,
                    words: &["crystals", "gems", "veins"],
                },
            ],
            Tower => &[
                PartWords {
                    slot: Body,
                    words: &["walls", "wall", "body"],
                },
                PartWords {
                    slot: Roof,
                    words: &["roof", "spire", "top"],
                },
                PartWords {
                    slot: Door,
                    words: &["door", "windows", "window"],
                },
            ],
            House => &[
                PartWords {
                    slot: Body,
                    words: &["walls", "wall"],
                },
                PartWords {
                    slot: Roof,
                    words: &["roof"],
                },
                PartWords {
                    slot: Door,
                    words: &["door", "windows", "window"],
                },
            ],
            Arch => &[
                PartWords {
                    slot: Body,
                    words: &["pillars", "sides", "columns"],
                },
                PartWords {
                    slot: Top,
                    words: &["top", "keystone", "lintel"],
                },
            ],
            Bridge => &[
                PartWords {
                    slot: Top,
                    words: &["deck", "planks", "path"],
                },
                PartWords {
                    slot: Base,
                    words: &["supports", "pillars", "arches"],
                },
                PartWords {
                    slot: Trim,
                    words: &["rails", "railing", "railings"],
                },
            ],
            Fence => &[
                PartWords {
                    slot: Pole,
                    words: &["posts", "post", "pickets"],
                },
                PartWords {
                    slot: Trim,
                    words: &["rails", "rail", "bars"],
                },
            ],
            Pillar => &[
                PartWords {
                    slot: Body,
                    words: &["shaft", "body"],
                },
                PartWords {
                    slot: Base,
                    words: &["base", "plinth"],
                },
                PartWords {
                    slot: Top,
                    words: &["capital", "top"],
                },
            ],
            Sword => &[
                PartWords {
                    slot: Head,
                    words: &["blade", "edge"],
                },
                PartWords {
                    slot: Handle,
                    words: &["hilt", "handle", "grip"],
                },
                PartWords {
                    slot: Trim,
                    words: &["guard", "crossguard", "pommel"],
                },
            ],
            Shield => &[
                PartWords {
                    slot: Body,
                    words: &["face", "body", "front"],
                },
                PartWords {
                    slot: Trim,
                    words: &["rim", "border", "edge", "trim"],
                },
                PartWords {
                    slot: Accents,
                    words: &["boss", "emblem", "center", "centre"],
                },
            ],
            Axe => &[
                PartWords {
                    slot: Head,
                    words: &["head", "blade", "edge"],
                },
                PartWords {
                    slot: Handle,
                    words: &["handle", "haft", "shaft", "grip"],
                },
            ],
            Hammer => &[
                PartWords {
                    slot: Head,
                    words: &["head"],
                },
                PartWords {
                    slot: Handle,
                    words: &["handle", "shaft", "grip"],
                },
            ],
            Crown => &[
                PartWords {
                    slot: Body,
                    words: &["band", "body", "points", "spikes"],
                },
                PartWords {
                    slot: Accents,
                    words: &["gems", "jewels", "gem", "jewel", "rubies", "stones"],
                },
            ],
            Key => &[
                PartWords {
                    slot: Handle,
                    // Not "bow": that is the weapon.
                    words: &["handle", "ring", "head"],
                },
                PartWords {
                    slot: Head,
                    words: &["bit", "teeth", "shaft", "blade"],
                },
            ],
            Barrel => &[
                PartWords {
                    slot: Body,
                    words: &["staves", "body"],
                },
                PartWords {
                    slot: Trim,
                    words: &["bands", "hoops", "rings", "band"],
                },
            ],
            Chest => &[
                PartWords {
                    slot: Body,
                    words: &["box", "body", "base"],
                },
                PartWords {
                    slot: Top,
                    words: &["lid", "top"],
                },
                PartWords {
                    slot: Trim,
                    words: &["bands", "trim", "lock", "straps", "corners"],
                },
            ],
            Vase => &[
                PartWords {
                    slot: Body,
                    words: &["body", "belly"],
                },
                PartWords {
                    slot: Pole,
                    words: &["neck", "rim", "lip"],
                },
            ],
            Cup => &[
                PartWords {
                    slot: Body,
                    words: &["body"],
                },
                PartWords {
                    slot: Handle,
                    words: &["handle"],
                },
            ],
            Bottle => &[
                PartWords {
                    slot: Body,
                    words: &["body"],
                },
                PartWords {
                    slot: Pole,
                    words: &["neck"],
                },
                PartWords {
                    slot: Cap,
                    words: &["cap", "cork", "stopper", "lid"],
                },
            ],
            Boat => &[
                PartWords {
                    slot: Body,
                    words: &["hull", "body", "deck"],
                },
                PartWords {
                    slot: Sail,
                    words: &["sail", "sails", "mast"],
                },
            ],
            Rocket => &[
                PartWords {
                    slot: Body,
                    words: &["body", "hull", "fuselage"],
                },
                PartWords {
                    slot: Sail,
                    words: &["fins", "fin", "wings"],
                },
                PartWords {
                    slot: Cap,
                    words: &["nose", "tip", "cone"],
                },
            ],
            Mailbox => &[
                PartWords {
                    slot: Body,
                    words: &["box", "body"],
                },
                PartWords {
                    slot: Pole,
                    words: &["post", "pole", "stand"],
                },
                PartWords {
                    slot: Accents,
                    words: &["flag"],
                },
            ],
            Bench => &[
                PartWords {
                    slot: Seat,
                    words: &["seat", "planks", "slats"],
                },
                PartWords {
                    slot: Legs,
                    words: &["legs", "leg", "feet"],
                },
                PartWords {
                    slot: Back,
                    words: &["back", "backrest"],
                },
            ],
            Sofa => &[
                PartWords {
                    slot: Seat,
                    words: &["seat", "cushions", "cushion"],
                },
                PartWords {
                    slot: Back,
                    words: &["back", "backrest"],
                },
                PartWords {
                    slot: Arms,
                    words: &["arms", "armrests", "arm"],
                },
                PartWords {
                    slot: Legs,
                    words: &["legs", "leg", "feet"],
                },
            ],
            Wardrobe => &[
                PartWords {
                    slot: Body,
                    words: &["body", "frame", "sides"],
                },
                PartWords {
                    slot: Door,
                    words: &["doors", "door"],
                },
                PartWords {
                    slot: Handle,
                    words: &["handles", "handle", "knobs", "knob"],
                },
                PartWords {
                    slot: Top,
                    words: &["top", "cornice"],
                },
                PartWords {
                    slot: Legs,
                    words: &["legs", "leg", "feet"],
                },
            ],
            Bookshelf => &[
                PartWords {
                    slot: Body,
                    words: &["frame", "sides", "body", "case"],
                },
                PartWords {
                    slot: Top,
                    words: &["shelves", "boards"],
                },
                PartWords {
                    slot: Accents,
                    words: &["books", "book"],
                },
            ],
            Candle => &[
                PartWords {
                    slot: Body,
                    words: &["wax", "body", "stick"],
                },
                PartWords {
                    slot: Base,
                    words: &["holder", "dish", "saucer", "base"],
                },
                PartWords {
                    slot: Handle,
                    words: &["handle", "loop"],
                },
                PartWords {
                    slot: Flame,
                    words: &["flame", "wick", "fire"],
                },
            ],
            Clock => &[
                PartWords {
                    slot: Body,
                    words: &["case", "body", "waist"],
                },
                PartWords {
                    slot: Base,
                    words: &["base", "plinth"],
                },
                PartWords {
                    slot: Top,
                    words: &["hood", "top", "crest"],
                },
                PartWords {
                    slot: Accents,
                    words: &["face", "dial", "pendulum"],
                },
            ],
            Mirror => &[
                PartWords {
                    slot: Body,
                    words: &["frame", "border", "body"],
                },
                PartWords {
                    slot: Accents,
                    words: &["pane", "reflection", "surface"],
                },
                PartWords {
                    slot: Base,
                    words: &["stand", "base", "feet", "supports"],
                },
            ],
            Piano => &[
                PartWords {
                    slot: Body,
                    words: &["body", "case"],
                },
                PartWords {
                    slot: Legs,
                    words: &["legs", "leg"],
                },
                PartWords {
                    slot: Top,
                    words: &["lid", "top"],
                },
                PartWords {
                    slot: Accents,
                    words: &["keys", "keyboard"],
                },
            ],
            Fireplace => &[
                PartWords {
                    slot: Body,
                    words: &["surround", "body", "bricks", "chimney"],
                },
                PartWords {
                    slot: Top,
                    words: &["mantel", "mantelpiece"],
                },
                PartWords {
                    slot: Base,
                    words: &["base", "floor"],
                },
                PartWords {
                    slot: Trunk,
                    words: &["logs", "firewood"],
                },
                PartWords {
                    slot: Flame,
                    words: &["fire", "flames", "flame"],
                },
            ],
            Bathtub => &[
                PartWords {
                    slot: Body,
                    words: &["body", "basin", "sides"],
                },
                PartWords {
                    slot: Legs,
                    words: &["feet", "legs", "claws"],
                },
                PartWords {
                    slot: Accents,
                    words: &["taps", "tap", "faucet"],
                },
            ],
            Palm => &[
                PartWords {
                    slot: Leaves,
                    words: &["fronds", "leaves", "leaf", "frond"],
                },
                PartWords {
                    slot: Trunk,
                    words: &["trunk", "bark"],
                },
                PartWords {
                    slot: Accents,
                    words: &["coconuts", "coconut", "nuts"],
                },
            ],
            Bush => &[
                PartWords {
                    slot: Leaves,
                    words: &["leaves", "foliage", "branches"],
                },
                PartWords {
                    slot: Accents,
                    words: &["berries", "flowers", "blossoms"],
                },
            ],
            Log => &[
                PartWords {
                    slot: Trunk,
                    words: &["bark", "trunk", "body"],
                },
                PartWords {
                    slot: Cap,
                    words: &["ends", "rings", "cut"],
                },
                PartWords {
                    slot: Accents,
                    words: &["branch", "stub", "twig"],
                },
            ],
            Stump => &[
                PartWords {
                    slot: Trunk,
                    words: &["bark", "trunk", "sides"],
                },
                PartWords {
                    slot: Top,
                    words: &["top", "rings", "cut"],
                },
                PartWords {
                    slot: Accents,
                    words: &["roots", "root"],
                },
            ],
            Haybale => &[
                PartWords {
                    slot: Body,
                    words: &["straw", "body"],
                },
                PartWords {
                    slot: Trim,
                    words: &["twine", "bands", "straps", "wrap"],
                },
            ],
            Pumpkin => &[
                PartWords {
                    slot: Body,
                    words: &["body", "rind", "shell"],
                },
                PartWords {
                    slot: Pole,
                    words: &["stem", "stalk"],
                },
                PartWords {
                    slot: Leaves,
                    words: &["leaf", "leaves", "vine"],
                },
            ],
            Apple => &[
                PartWords {
                    slot: Body,
                    words: &["skin", "body", "flesh"],
                },
                PartWords {
                    slot: Pole,
                    words: &["stem", "stalk"],
                },
                PartWords {
                    slot: Leaves,
                    words: &["leaf", "leaves"],
                },
            ],
            Sunflower => &[
                PartWords {
                    slot: Accents,
                    words: &["petals", "petal", "bloom"],
                },
                PartWords {
                    slot: Pole,
                    words: &["stem", "stalk"],
                },
                PartWords {
                    slot: Leaves,
                    words: &["leaves", "leaf"],
                },
                PartWords {
                    slot: Head,
                    words: &["seeds", "centre", "center", "disc", "face"],
                },
            ],
            Bamboo => &[
                PartWords {
                    slot: Trunk,
                    words: &["stalks", "stalk", "canes", "stems"],
                },
                PartWords {
                    slot: Trim,
                    words: &["nodes", "joints", "rings"],
                },
                PartWords {
                    slot: Leaves,
                    words: &["leaves", "leaf"],
                },
            ],
            Castle => &[
                PartWords {
                    slot: Body,
                    words: &["walls", "wall", "towers", "body"],
                },
                PartWords {
                    slot: Roof,
                    words: &["roofs", "roof", "spires"],
                },
                PartWords {
                    slot: Trim,
                    words: &["battlements", "crenellations", "merlons"],
                },
                PartWords {
                    slot: Door,
                    words: &["door", "portcullis", "entrance"],
                },
            ],
            Windmill => &[
                PartWords {
                    slot: Body,
                    words: &["body", "walls", "wall"],
                },
                PartWords {
                    slot: Roof,
                    words: &["cap", "roof"],
                },
                PartWords {
                    slot: Sail,
                    words: &["sails", "sail", "blades", "vanes"],
                },
                PartWords {
                    slot: Door,
                    words: &["door", "windows", "window"],
                },
            ],
            Well => &[
                PartWords {
                    slot: Body,
                    words: &["wall", "walls", "stones", "body"],
                },
                PartWords {
                    slot: Pole,
                    words: &["posts", "post", "frame", "beam"],
                },
                PartWords {
                    slot: Roof,
                    words: &["roof"],
                },
                PartWords {
                    slot: Accents,
                    words: &["bucket", "rope", "water"],
                },
            ],
            Tent => &[
                PartWords {
                    slot: Body,
                    words: &["canvas", "body", "sides"],
                },
                PartWords {
                    slot: Pole,
                    words: &["poles", "pole"],
                },
                PartWords {
                    slot: Door,
                    words: &["door", "flaps", "flap", "entrance"],
                },
            ],
            Fountain => &[
                PartWords {
                    slot: Base,
                    words: &["basin", "pool", "base"],
                },
                PartWords {
                    slot: Pole,
                    words: &["pedestal", "stem", "shaft"],
                },
                PartWords {
                    slot: Top,
                    words: &["bowl", "tier", "top"],
                },
                PartWords {
                    slot: Accents,
                    words: &["water", "spray", "jet"],
                },
            ],
            Statue => &[
                PartWords {
                    slot: Body,
                    words: &["figure", "body", "torso"],
                },
                PartWords {
                    slot: Head,
                    words: &["head"],
                },
                PartWords {
                    slot: Arms,
                    words: &["arms", "arm"],
                },
                PartWords {
                    slot: Legs,
                    words: &["legs", "leg"],
                },
                PartWords {
                    slot: Base,
                    words: &["plinth", "pedestal", "base"],
                },
            ],
            Gate => &[
                PartWords {
                    slot: Door,
                    words: &["doors", "door", "bars"],
                },
                PartWords {
                    slot: Pole,
                    words: &["posts", "post", "pillars"],
                },
                PartWords {
                    slot: Top,
                    words: &["top", "crest", "lintel"],
                },
                PartWords {
                    slot: Accents,
                    words: &["spikes", "finials", "tips"],
                },
            ],
            Lighthouse => &[
                PartWords {
                    slot: Body,
                    words: &["body", "walls", "wall"],
                },
                PartWords {
                    slot: Trim,
                    words: &["stripes", "bands", "gallery", "balcony"],
                },
                PartWords {
                    slot: Shade,
                    words: &["light", "beacon", "lens"],
                },
                PartWords {
                    slot: Roof,
                    words: &["roof", "dome", "cap"],
                },
                PartWords {
                    slot: Door,
                    words: &["door"],
                },
                PartWords {
                    slot: Base,
                    words: &["base", "foundation", "rocks"],
                },
            ],
            Obelisk => &[
                PartWords {
                    slot: Body,
                    words: &["shaft", "body"],
                },
                PartWords {
                    slot: Cap,
                    words: &["tip", "pyramidion", "point", "top"],
                },
                PartWords {
                    slot: Base,
                    words: &["base", "plinth", "steps"],
                },
            ],
            Pyramid => &[
                PartWords {
                    slot: Body,
                    words: &["steps", "tiers", "body", "blocks"],
                },
                PartWords {
                    slot: Cap,
                    words: &["capstone", "top", "tip"],
                },
                PartWords {
                    slot: Door,
                    words: &["door", "entrance"],
                },
            ],
            Cart => &[
                PartWords {
                    slot: Body,
                    words: &["body", "box", "sides"],
                },
                PartWords {
                    slot: Wheels,
                    words: &["wheels", "wheel"],
                },
                PartWords {
                    slot: Handle,
                    words: &["shafts", "handles", "handle", "poles"],
                },
            ],
            Car => &[
                PartWords {
                    slot: Body,
                    words: &["body", "chassis", "bodywork"],
                },
                PartWords {
                    slot: Roof,
                    words: &["cabin", "roof", "top"],
                },
                PartWords {
                    slot: Wheels,
                    words: &["wheels", "wheel", "tires", "tyres"],
                },
                PartWords {
                    slot: Door,
                    words: &["windows", "window", "windscreen", "windshield"],
                },
                PartWords {
                    slot: Accents,
                    words: &["lights", "headlights", "lamps"],
                },
            ],
            Truck => &[
                PartWords {
                    slot: Body,
                    words: &["cargo", "body", "container", "box"],
                },
                PartWords {
                    slot: Head,
                    words: &["cab", "cabin"],
                },
                PartWords {
                    slot: Base,
                    words: &["chassis", "frame"],
                },
                PartWords {
                    slot: Wheels,
                    words: &["wheels", "wheel", "tires", "tyres"],
                },
                PartWords {
                    slot: Door,
                    words: &["windscreen", "windows", "window", "windshield"],
                },
                PartWords {
                    slot: Accents,
                    words: &["bumper", "lights", "headlights", "grille"],
                },
            ],
            Train => &[
                PartWords {
                    slot: Body,
                    words: &["boiler", "body", "engine"],
                },
                PartWords {
                    slot: Head,
                    words: &["cab", "cabin"],
                },
                PartWords {
                    slot: Pole,
                    words: &["chimney", "smokestack", "funnel", "stack"],
                },
                PartWords {
                    slot: Wheels,
                    words: &["wheels", "wheel"],
                },
                PartWords {
                    slot: Base,
                    words: &["chassis", "frame", "cowcatcher"],
                },
            ],
            Plane => &[
                PartWords {
                    slot: Body,
                    words: &["fuselage", "body", "hull"],
                },
                PartWords {
                    slot: Wings,
                    words: &["wings", "wing"],
                },
                PartWords {
                    slot: Sail,
                    words: &["tail", "fin", "rudder"],
                },
                PartWords {
                    slot: Accents,
                    words: &["propeller", "prop", "nose"],
                },
                PartWords {
                    slot: Wheels,
                    words: &["wheels", "wheel", "gear", "undercarriage"],
                },
                PartWords {
                    slot: Door,
                    words: &["cockpit", "canopy", "windscreen", "windows"],
                },
            ],
            Helicopter => &[
                PartWords {
                    slot: Body,
                    words: &["body", "fuselage", "cabin"],
                },
                PartWords {
                    slot: Sail,
                    words: &["rotor", "rotors", "blades"],
                },
                PartWords {
                    slot: Base,
                    words: &["skids", "runners"],
                },
                PartWords {
                    slot: Door,
                    words: &["cockpit", "canopy", "windows", "windscreen"],
                },
            ],
            Balloon => &[
                PartWords {
                    slot: Body,
                    words: &["envelope", "body", "canopy"],
                },
                PartWords {
                    slot: Trim,
                    words: &["stripe", "band", "stripes"],
                },
                PartWords {
                    slot: Pole,
                    words: &["ropes", "cables", "lines"],
                },
                PartWords {
                    slot: Base,
                    words: &["basket", "gondola"],
                },
                PartWords {
                    slot: Flame,
                    words: &["flame", "burner", "fire"],
                },
            ],
            Bicycle => &[
                PartWords {
                    slot: Body,
                    words: &["frame", "body"],
                },
                PartWords {
                    slot: Wheels,
                    words: &["wheels", "wheel", "tires", "tyres"],
                },
                PartWords {
                    slot: Seat,
                    words: &["saddle", "seat"],
                },
                PartWords {
                    slot: Handle,
                    words: &["handlebars", "handlebar", "handles"],
                },
            ],
            Crate => &[
                PartWords {
                    slot: Body,
                    words: &["body", "box", "panels", "planks"],
                },
                PartWords {
                    slot: Trim,
                    words: &["frame", "edges", "braces", "slats"],
                },
            ],
            Sack => &[
                PartWords {
                    slot: Body,
                    words: &["body", "burlap"],
                },
                PartWords {
                    slot: Pole,
                    words: &["neck", "top", "opening"],
                },
                PartWords {
                    slot: Trim,
                    words: &["tie", "rope", "string", "twine"],
                },
            ],
            Signpost => &[
                PartWords {
                    slot: Pole,
                    words: &["post", "pole"],
                },
                PartWords {
                    slot: Top,
                    words: &["signs", "sign", "boards", "arrows"],
                },
                PartWords {
                    slot: Cap,
                    words: &["cap", "finial"],
                },
                PartWords {
                    slot: Base,
                    words: &["base", "mound", "stones"],
                },
            ],
            Campfire => &[
                PartWords {
                    slot: Flame,
                    words: &["flames", "flame", "fire"],
                },
                PartWords {
                    slot: Trunk,
                    words: &["logs", "firewood", "sticks"],
                },
                PartWords {
                    slot: Base,
                    words: &["stones", "rocks", "ring"],
                },
            ],
            Anvil => &[
                PartWords {
                    slot: Body,
                    words: &["body", "face", "waist"],
                },
                PartWords {
                    slot: Head,
                    words: &["horn", "beak", "point"],
                },
                PartWords {
                    slot: Base,
                    words: &["block", "stand", "base"],
                },
            ],
            Cauldron => &[
                PartWords {
                    slot: Body,
                    words: &["pot", "body", "belly"],
                },
                PartWords {
                    slot: Trim,
                    words: &["rim", "lip", "edge"],
                },
                PartWords {
                    slot: Accents,
                    words: &["potion", "brew", "liquid", "bubbles"],
                },
                PartWords {
                    slot: Legs,
                    words: &["legs", "leg", "feet"],
                },
                PartWords {
                    slot: Handle,
                    words: &["handles", "handle", "ears"],
                },
            ],
            Torch => &[
                PartWords {
                    slot: Handle,
                    words: &["handle", "stick", "shaft"],
                },
                PartWords {
                    slot: Head,
                    words: &["head", "wrapping", "rags"],
                },
                PartWords {
                    slot: Flame,
                    words: &["flame", "flames", "fire"],
                },
            ],
            Bell => &[
                PartWords {
                    slot: Body,
                    words: &["body", "shell"],
                },
                PartWords {
                    slot: Trim,
                    words: &["lip", "rim", "band"],
                },
                PartWords {
                    slot: Accents,
                    words: &["clapper", "tongue"],
                },
                PartWords {
                    slot: Pole,
                    words: &["frame", "posts", "beam", "yoke"],
                },
            ],
            Ladder => &[
                PartWords {
                    slot: Pole,
                    words: &["rails", "sides", "stiles", "rail"],
                },
                PartWords {
                    slot: Trim,
                    words: &["rungs", "rung", "steps"],
                },
            ],
            Gravestone => &[
                PartWords {
                    slot: Body,
                    words: &["slab", "body", "face"],
                },
                PartWords {
                    slot: Base,
                    words: &["base", "plinth"],
                },
                PartWords {
                    slot: Accents,
                    words: &["cross", "plaque", "inscription", "carving"],
                },
                PartWords {
                    slot: Blanket,
                    words: &["mound", "earth", "dirt", "grass"],
                },
            ],
            Bow => &[
                PartWords {
                    slot: Body,
                    words: &["limbs", "limb", "body"],
                },
                PartWords {
                    slot: Handle,
                    words: &["grip", "handle", "riser"],
                },
                PartWords {
                    slot: Trim,
                    words: &["string", "bowstring"],
                },
            ],
            Spear => &[
                PartWords {
                    slot: Head,
                    words: &["head", "tip", "point", "blade"],
                },
                PartWords {
                    slot: Handle,
                    words: &["shaft", "haft", "pole", "handle"],
                },
                PartWords {
                    slot: Trim,
                    words: &["collar", "binding", "butt"],
                },
            ],
            Staff => &[
                PartWords {
                    slot: Handle,
                    words: &["shaft", "pole", "stick", "handle"],
                },
                PartWords {
                    slot: Head,
                    words: &["head", "crook", "top"],
                },
                PartWords {
                    slot: Accents,
                    words: &["orb", "gem", "jewel"],
                },
            ],
            Wand => &[
                PartWords {
                    slot: Body,
                    words: &["shaft", "stick", "body"],
                },
                PartWords {
                    slot: Handle,
                    words: &["handle", "grip"],
                },
                PartWords {
                    slot: Accents,
                    words: &["star", "tip", "gem"],
                },
            ],
            Shovel => &[
                PartWords {
                    slot: Head,
                    words: &["blade", "scoop", "head"],
                },
                PartWords {
                    slot: Handle,
                    words: &["handle", "shaft", "grip"],
                },
                PartWords {
                    slot: Trim,
                    words: &["collar", "socket", "neck"],
                },
            ],
            Pickaxe => &[
                PartWords {
                    slot: Head,
                    words: &["head", "pick", "point", "blade"],
                },
                PartWords {
                    slot: Handle,
                    words: &["handle", "shaft", "haft"],
                },
            ],
            Scythe => &[
                PartWords {
                    slot: Head,
                    words: &["blade", "edge"],
                },
                PartWords {
                    slot: Handle,
                    words: &["snath", "handle", "shaft", "pole"],
                },
                PartWords {
                    slot: Trim,
                    words: &["grips", "grip", "nibs"],
                },
            ],
            Cake => &[
                PartWords {
                    slot: Body,
                    words: &["sponge", "body", "tiers", "layers"],
                },
                PartWords {
                    slot: Top,
                    words: &["icing", "frosting", "top"],
                },
                PartWords {
                    slot: Base,
                    words: &["plate", "stand", "board"],
                },
                PartWords {
                    slot: Accents,
                    words: &[
                        "cherries",
                        "cherry",
                        "berries",
                        "strawberries",
                        "decorations",
                    ],
                },
                PartWords {
                    slot: Pole,
                    words: &["candles"],
                },
                PartWords {
                    slot: Flame,
                    words: &["flames", "flame"],
                },
            ],
            Bread => &[
                PartWords {
                    slot: Body,
                    words: &["crust", "body"],
                },
                PartWords {
                    slot: Accents,
                    words: &["scores", "slashes", "cuts", "flour"],
                },
            ],
            Donut => &[
                PartWords {
                    slot: Top,
                    words: &["icing", "glaze", "frosting"],
                },
                PartWords {
                    slot: Body,
                    words: &["dough", "body", "ring"],
                },
                PartWords {
                    slot: Accents,
                    words: &["sprinkles"],
                },
            ],
            Icecream => &[
                PartWords {
                    slot: Body,
                    words: &["scoops", "scoop"],
                },
                PartWords {
                    slot: Base,
                    words: &["cone", "wafer"],
                },
                PartWords {
                    slot: Accents,
                    words: &["cherry", "topping"],
                },
            ],
            Burger => &[
                PartWords {
                    slot: Body,
                    words: &["buns", "bun"],
                },
                PartWords {
                    slot: Base,
                    words: &["patty", "meat", "beef"],
                },
                PartWords {
                    slot: Trim,
                    words: &["cheese"],
                },
                PartWords {
                    slot: Leaves,
                    words: &["lettuce", "salad", "greens"],
                },
                PartWords {
                    slot: Accents,
                    words: &["seeds", "sesame"],
                },
            ],
            Snowman => &[
                PartWords {
                    slot: Body,
                    words: &["body", "snow", "snowballs", "balls"],
                },
                PartWords {
                    slot: Cap,
                    words: &["hat"],
                },
                PartWords {
                    slot: Accents,
                    words: &["nose", "carrot", "buttons", "eyes", "face"],
                },
                PartWords {
                    slot: Arms,
                    words: &["arms", "arm", "twigs", "sticks"],
                },
                PartWords {
                    slot: Trim,
                    words: &["scarf"],
                },
            ],
            Robot => &[
                PartWords {
                    slot: Body,
                    words: &["body", "torso"],
                },
                PartWords {
                    slot: Head,
                    words: &["head"],
                },
                PartWords {
                    slot: Arms,
                    words: &["arms", "arm", "hands"],
                },
                PartWords {
                    slot: Legs,
                    words: &["legs", "leg", "feet"],
                },
                PartWords {
                    slot: Accents,
                    words: &["eyes", "antenna", "lights"],
                },
            ],
            Duck => &[
                PartWords {
                    slot: Body,
                    words: &["body", "feathers"],
                },
                PartWords {
                    slot: Head,
                    words: &["head", "neck"],
                },
                PartWords {
                    slot: Accents,
                    words: &["beak", "bill"],
                },
                PartWords {
                    slot: Wings,
                    words: &["wings", "wing"],
                },
            ],
            Fish => &[
                PartWords {
                    slot: Body,
                    words: &["body", "scales"],
                },
                PartWords {
                    slot: Tail,
                    words: &["tail"],
                },
                PartWords {
                    slot: Sail,
                    words: &["fins", "fin"],
                },
                PartWords {
                    slot: Accents,
                    words: &["eyes", "eye"],
                },
            ],
            Scarecrow => &[
                PartWords {
                    slot: Body,
                    words: &["clothes", "shirt", "coat", "body", "sleeves"],
                },
                PartWords {
                    slot: Pole,
                    words: &["pole", "post", "stake"],
                },
                PartWords {
                    slot: Head,
                    words: &["head", "face"],
                },
                PartWords {
                    slot: Cap,
                    words: &["hat"],
                },
                PartWords {
                    slot: Accents,
                    words: &["straw", "hands"],
                },
            ],
            Dog => &[
                PartWords {
                    slot: Body,
                    words: &["body", "fur", "coat"],
                },
                PartWords {
                    slot: Legs,
                    words: &["legs", "leg", "paws"],
                },
                PartWords {
                    slot: Head,
                    words: &["head", "snout", "muzzle"],
                },
                PartWords {
                    slot: Tail,
                    words: &["tail"],
                },
                PartWords {
                    slot: Accents,
                    words: &["ears", "ear"],
                },
            ],
        }
    }

    /// What this category calls the part in `slot` (a sword's handle is its "hilt").
    pub fn part_word(self, slot: PartSlot) -> Option<&'static str> {
        self.parts()
            .iter()
            .find(|known| known.slot == slot)
            .map(|known| known.words[0])
    }

    /// The part of this category `word` names.
    pub fn part_for_word(self, word: &str) -> Option<PartSlot> {
        self.parts()
            .iter()
            .find(|part| part.words.contains(&word))
            .map(|part| part.slot)
    }
}

impl Colour {
    /// The sRGB colour the generator paints.
    pub fn srgb(self) -> [u8; 3] {
        use Colour::*;
        match self {
            Red => [200, 30, 35],
            Orange => [235, 120, 20],
            Yellow => [240, 205, 30],
            Lime => [140, 210, 40],
            Green => [40, 150, 60],
            Teal => [20, 160, 160],
            Blue => [35, 80, 210],
            Navy => [20, 30, 100],
            Purple => [120, 45, 170],
            Pink => [235, 110, 170],
            Brown => [115, 70, 35],
            Beige => [220, 200, 160],
            White => [240, 240, 235],
            Gray => [128, 128, 128],
            Black => [25, 25, 28],
            Maroon => [110, 20, 35],
        }
    }
}

impl Material {
    /// The colour of the bare material, used where no colour word applies.
    pub fn natural_srgb(self) -> [u8; 3] {
        use Material::*;
        match self {
            Wood => [140, 95, 55],
            Stone => [150, 148, 140],
            Metal => [165, 170, 178],
            Gold => [230, 180, 50],
            Silver => [205, 208, 212],
            Glass => [190, 225, 235],
            Crystal => [150, 210, 255],
            Plastic => [230, 230, 230],
            Cloth => [190, 170, 140],
            Ceramic => [235, 230, 220],
        }
    }

    /// Whether the material is itself a colour ("a gold crown" is gold-coloured).
    pub fn implies_colour(self) -> bool {
        matches!(self, Material::Gold | Material::Silver)
    }
}

impl SizeWord {
    /// Scale against the category's typical size.
    pub fn scale(self) -> f32 {
        match self {
            SizeWord::Tiny => 0.45,
            SizeWord::Small => 0.7,
            SizeWord::Large => 1.5,
            SizeWord::Huge => 2.4,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn the_vocabulary_is_as_large_as_promised() {
        assert!(Category::ALL.len() >= 30);
        assert!(Colour::ALL.len() >= 16);
        assert!(Material::ALL.len() >= 8);
    }

    #[test]
    fn no_word_means_two_things_of_one_kind() {
        fn check(kind: &str, words: impl Iterator<Item = &'static str>) {
            let mut seen = HashMap::new();
            for word in words {
                assert!(seen.insert(word, ()).is_none(), "{kind}: {word} twice");
            }
        }
        check(
            "category",
            Category::ALL.iter().flat_map(|c| c.words().iter().copied()),
        );
        check(
            "colour",
            Colour::ALL.iter().flat_map(|c| c.words().iter().copied()),
        );
        check(
            "material",
            Material::ALL.iter().flat_map(|c| c.words().iter().copied()),
        );
        for category in Category::ALL {
            check(
                category.name(),
                category
                    .parts()
                    .iter()
                    .flat_map(|part| part.words.iter().copied()),
            );
            let slots: Vec<PartSlot> = category.parts().iter().map(|part| part.slot).collect();
            for (i, slot) in slots.iter().enumerate() {
                assert!(!slots[i + 1..].contains(slot), "{category}: {slot:?} twice");
            }
        }
    }

    #[test]
    fn part_words_mean_nothing_else() {
        let mut clashes = Vec::new();
        for category in Category::ALL {
            for part in category.parts() {
                for &word in part.words {
                    let other = Category::from_word(word)
                        .map(|c| c.to_string())
                        .or(Colour::from_word(word).map(|c| c.to_string()))
                        .or(Material::from_word(word).map(|m| m.to_string()))
                        .or(SizeWord::from_word(word).map(|w| w.to_string()))
                        .or(Proportion::from_word(word).map(|w| w.to_string()))
                        .or(Style::from_word(word).map(|w| w.to_string()))
                        .or(FILLER_WORDS.contains(&word).then(|| "filler".to_string()));
                    if let Some(other) = other {
                        clashes.push(format!("{category}'s part word {word:?} is also {other}"));
                    }
                }
            }
        }
        assert!(clashes.is_empty(), "{clashes:#?}");
    }

    #[test]
    fn words_find_their_meaning() {
        assert_eq!(Category::from_word("armchair"), Some(Category::Chair));
        assert_eq!(Colour::from_word("grey"), Some(Colour::Gray));
        assert_eq!(Material::from_word("golden"), Some(Material::Gold));
        assert_eq!(Category::from_word("spoon"), None);
        assert_eq!(
            Category::Sword.part_for_word("hilt"),
            Some(PartSlot::Handle)
        );
        assert_eq!(
            Category::Axe.part_for_word("handle"),
            Some(PartSlot::Handle)
        );
        assert_eq!(Category::Sword.part_for_word("roof"), None);
        // A gate is its own object now, and a bow the weapon, not a key's handle.
        assert_eq!(Category::from_word("gate"), Some(Category::Gate));
        assert_eq!(Category::from_word("archway"), Some(Category::Arch));
        assert_eq!(Category::from_word("bow"), Some(Category::Bow));
        assert_eq!(Category::Key.part_for_word("bow"), None);
        assert_eq!(Category::ALL.len(), 96);
        assert_eq!(
            Category::Bench.index(),
            31,
            "new categories come after the first 32"
        );
    }
}
