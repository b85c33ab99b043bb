// How the store keeps a tool call's output preview. Previews were the largest part of a
// store's bytes (a third of the store a 1 GB tree imports to), and writing those pages is a good
// part of the single writer's time, so a preview that compresses well is kept compressed in a
// BLOB.
// Text that does not shrink is kept as TEXT, and so are the previews of stores written before
// schema 7: a value's SQLite type says which it is, so no migration rewrites old rows.
//
// Format of a BLOB written now: the 4 bytes "CSL4", the text's size as a 32-bit little-endian
// integer, then one LZ4 block. LZ4 rather than zstd (schema 7 wrote zstd frames): compressing
// a first import's previews with zstd was a quarter of its instructions, with LZ4 a twentieth,
// for half the text's size instead of a third. Both formats read back: a BLOB that does not
// start with "CSL4" is read as a zstd frame.
//
// Thread-safe: each thread compresses and decompresses with its own state.
#pragma once
#include <string>
#include <string_view>

namespace cs {

// The bytes to store as a BLOB for `text`, or an empty string when `text` should be stored as
// TEXT (short, or it does not shrink by at least a tenth).
std::string PackPreview(std::string_view text);

// The text of a stored BLOB preview (either format). A BLOB that is neither (or that is damaged)
// reads as empty text rather than failing the whole answer.
std::string UnpackPreview(std::string_view blob);

}  // namespace cs
