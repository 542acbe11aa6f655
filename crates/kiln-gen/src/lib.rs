//! Text to 3D: vocabulary, procedural training data, the burn model, training, evaluation and
//! the mesher that turns the decoded field into a watertight coloured mesh. No Bevy here.
