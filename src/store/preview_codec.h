// How the store keeps a tool call's output preview. Previews were the largest part of a
// store's bytes (a third of the store a 1 GB tree imports to), and writing those pages is a good
// part of the single writer's time, so a preview that compresses well is kept as a zstd frame
// in a BLOB.
// Text that does not shrink is kept as TEXT, and so are the previews of stores written before
// this: a value's SQLite type says which it is, so no migration rewrites old rows.
//
// Thread-safe: each thread compresses and decompresses with its own zstd context.
#pragma once
#include <string>
#include <string_view>

namespace cs {

// The bytes to store as a BLOB for `text`, or an empty string when `text` should be stored as
// TEXT (short, or it does not shrink by at least a tenth).
std::string PackPreview(std::string_view text);

// The text of a stored BLOB preview. A BLOB that is not a zstd frame this code wrote (or that
// is damaged) reads as empty text rather than failing the whole answer.
std::string UnpackPreview(std::string_view blob);

}  // namespace cs
